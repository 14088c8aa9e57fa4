package org.jstgt.benchmarks.mcs;

import java.nio.ByteBuffer;

/**
 * CDBs and parameter lists of the SBC-4 commands the load generator times beside READ and WRITE:
 * COMPARE AND WRITE (§5.3), WRITE SAME(16) (§5.46) and UNMAP (§5.32). Every field is checked
 * against its width, so that a load never sends something other than it means.
 */
public final class SbcCdbs {
    /** COMPARE AND WRITE (SBC-4 §5.3). */
    public static final int COMPARE_AND_WRITE = 0x89;
    /** WRITE SAME(16) (SBC-4 §5.46). */
    public static final int WRITE_SAME_16 = 0x93;
    /** UNMAP (SBC-4 §5.32). */
    public static final int UNMAP = 0x42;
    /** UNMAP parameter list: an 8-byte header and one 16-byte block descriptor (SBC-4 §5.32.2). */
    public static final int UNMAP_ONE_RANGE_LENGTH = 24;

    private SbcCdbs() {
    }

    /**
     * COMPARE AND WRITE: WRPROTECT, DPO, FUA and GROUP NUMBER 0. The Data-Out buffer is the verify
     * instance then the write instance, {@code 2 * blocks} blocks in all.
     *
     * @param lba bytes 2-9
     * @param blocks NUMBER OF LOGICAL BLOCKS, byte 13 (1..255)
     * @return the 16-byte CDB
     */
    public static byte[] compareAndWrite(long lba, int blocks) {
        ByteBuffer cdb = ByteBuffer.allocate(16);
        cdb.put(0, (byte) COMPARE_AND_WRITE).putLong(2, lba);
        cdb.put(13, (byte) Fields.check("NUMBER OF LOGICAL BLOCKS", blocks, 1, 0xff));
        return cdb.array();
    }

    /**
     * WRITE SAME(16) with one block of Data-Out (NDOB 0): WRPROTECT, ANCHOR, PBDATA, LBDATA and
     * GROUP NUMBER 0.
     *
     * @param lba bytes 2-9
     * @param blocks NUMBER OF LOGICAL BLOCKS, bytes 10-13 (1.., 0 would mean to the last block)
     * @param unmap the UNMAP bit (byte 1 bit 3): the target may deallocate the blocks
     * @return the 16-byte CDB
     */
    public static byte[] writeSame16(long lba, long blocks, boolean unmap) {
        ByteBuffer cdb = ByteBuffer.allocate(16);
        cdb.put(0, (byte) WRITE_SAME_16).put(1, (byte) (unmap ? 0x08 : 0)).putLong(2, lba);
        cdb.putInt(10, (int) Fields.check("NUMBER OF LOGICAL BLOCKS", blocks, 1, 0xffffffffL));
        return cdb.array();
    }

    /**
     * UNMAP with ANCHOR and GROUP NUMBER 0.
     *
     * @param parameterListLength bytes 7-8
     * @return the 10-byte CDB
     */
    public static byte[] unmap(int parameterListLength) {
        ByteBuffer cdb = ByteBuffer.allocate(10);
        cdb.put(0, (byte) UNMAP).putShort(7, (short) Fields.check("PARAMETER LIST LENGTH", parameterListLength, 0,
                0xffff));
        return cdb.array();
    }

    /**
     * The parameter list of an UNMAP of one range (SBC-4 §5.32.2): UNMAP DATA LENGTH 22, UNMAP
     * BLOCK DESCRIPTOR DATA LENGTH 16, then the descriptor (LBA, NUMBER OF LOGICAL BLOCKS, 4 bytes
     * reserved).
     *
     * @param lba the range's first block
     * @param blocks the range's length in blocks (1..2^32-1)
     * @return {@value #UNMAP_ONE_RANGE_LENGTH} bytes
     */
    public static byte[] unmapOneRange(long lba, long blocks) {
        ByteBuffer p = ByteBuffer.allocate(UNMAP_ONE_RANGE_LENGTH);
        p.putShort(0, (short) (UNMAP_ONE_RANGE_LENGTH - 2)).putShort(2, (short) 16);
        p.putLong(8, lba).putInt(16, (int) Fields.check("NUMBER OF LOGICAL BLOCKS", blocks, 1, 0xffffffffL));
        return p.array();
    }
}
