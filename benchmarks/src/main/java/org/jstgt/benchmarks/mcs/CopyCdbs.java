package org.jstgt.benchmarks.mcs;

import java.nio.ByteBuffer;

/**
 * EXTENDED COPY(LID1) (SPC-4 §6.4, SPC-3 §6.3) from one block device to another of the same
 * target, named by identification descriptor CSCD descriptors (type E4h) with their NAA designators,
 * in block device to block device segment descriptors (type 02h); and RECEIVE COPY OPERATING
 * PARAMETERS (SPC-4 §6.23, SPC-3 §6.18), which tells the copy manager's limits.
 */
public final class CopyCdbs {
    /** EXTENDED COPY; service action 00h is EXTENDED COPY(LID1). */
    public static final int EXTENDED_COPY = 0x83;
    /** RECEIVE COPY RESULTS; service action 03h is RECEIVE COPY OPERATING PARAMETERS. */
    public static final int RECEIVE_COPY_RESULTS = 0x84;
    /** Identification descriptor CSCD descriptor type code. */
    public static final int IDENTIFICATION_DESCRIPTOR = 0xe4;
    /** Block device to block device segment descriptor type code. */
    public static final int BLOCK_TO_BLOCK = 0x02;
    /** Bytes of the parameter list header, of a CSCD descriptor and of a 02h segment descriptor. */
    public static final int HEADER_LENGTH = 16;
    public static final int CSCD_LENGTH = 32;
    public static final int SEGMENT_LENGTH = 28;
    /** Byte 1 of the parameter list: LIST ID USAGE 10b (SPC-3: NRCR 1), no held data, the ID unique. */
    private static final int LIST_ID_NOT_HELD = 0x10;

    private CopyCdbs() {
    }

    /**
     * @param parameterListLength bytes 10-13
     * @return the 16-byte EXTENDED COPY(LID1) CDB
     */
    public static byte[] extendedCopy(int parameterListLength) {
        ByteBuffer cdb = ByteBuffer.allocate(16);
        cdb.put(0, (byte) EXTENDED_COPY).putInt(10, Fields.check("PARAMETER LIST LENGTH", parameterListLength, 0,
                Integer.MAX_VALUE));
        return cdb.array();
    }

    /**
     * The parameter list of a copy of one run of blocks: two identification descriptor CSCD
     * descriptors (0: source, 1: destination), one block to block segment descriptor, no inline data.
     * LIST ID USAGE 10b: the copy manager holds nothing for RECEIVE COPY RESULTS, and the list ID must
     * be unique among this initiator's copies in flight.
     *
     * @param listId LIST IDENTIFIER (1..255)
     * @param source NAA designator of the source logical unit (8 or 16 bytes, VPD page 83h)
     * @param destination NAA designator of the destination logical unit
     * @param blockLength the logical block length of both (DISK BLOCK LENGTH)
     * @param blocks NUMBER OF BLOCKS (1..65535)
     * @param sourceLba SOURCE LOGICAL BLOCK ADDRESS
     * @param destinationLba DESTINATION LOGICAL BLOCK ADDRESS
     * @return the {@value #HEADER_LENGTH} + 2 x {@value #CSCD_LENGTH} + {@value #SEGMENT_LENGTH} bytes
     */
    public static byte[] copyParameters(int listId, byte[] source, byte[] destination, int blockLength, int blocks,
            long sourceLba, long destinationLba) {
        ByteBuffer p = ByteBuffer.allocate(HEADER_LENGTH + 2 * CSCD_LENGTH + SEGMENT_LENGTH);
        p.put(0, (byte) Fields.check("LIST IDENTIFIER", listId, 1, 0xff)).put(1, (byte) LIST_ID_NOT_HELD);
        p.putShort(2, (short) (2 * CSCD_LENGTH)).putInt(8, SEGMENT_LENGTH); // inline data length 0
        identification(p, HEADER_LENGTH, source, blockLength);
        identification(p, HEADER_LENGTH + CSCD_LENGTH, destination, blockLength);
        int s = HEADER_LENGTH + 2 * CSCD_LENGTH;
        p.put(s, (byte) BLOCK_TO_BLOCK).putShort(s + 2, (short) (SEGMENT_LENGTH - 4)); // DC 0, CAT 0
        p.putShort(s + 4, (short) 0).putShort(s + 6, (short) 1); // source CSCD 0, destination CSCD 1
        p.putShort(s + 10, (short) Fields.check("NUMBER OF BLOCKS", blocks, 1, 0xffff));
        p.putLong(s + 12, sourceLba).putLong(s + 20, destinationLba);
        return p.array();
    }

    /**
     * An identification descriptor CSCD descriptor of a direct-access block device: peripheral
     * device type 00h, relative initiator port 0, CODE SET binary, ASSOCIATION logical unit,
     * DESIGNATOR TYPE NAA, the designator, then the block device parameters (PAD 0, DISK BLOCK
     * LENGTH).
     */
    private static void identification(ByteBuffer p, int at, byte[] naa, int blockLength) {
        if (naa.length != 8 && naa.length != 16) {
            throw new IllegalArgumentException("an NAA designator has 8 or 16 bytes, not " + naa.length);
        }
        p.put(at, (byte) IDENTIFICATION_DESCRIPTOR).put(at + 4, (byte) 0x01).put(at + 5, (byte) 0x03);
        p.put(at + 7, (byte) naa.length).put(at + 8, naa);
        p.putInt(at + 28, Fields.check("DISK BLOCK LENGTH", blockLength, 1, 0xffffff)); // byte 28: PAD 0
    }

    /**
     * @param allocationLength bytes 10-13
     * @return the 16-byte RECEIVE COPY OPERATING PARAMETERS CDB
     */
    public static byte[] receiveCopyOperatingParameters(int allocationLength) {
        ByteBuffer cdb = ByteBuffer.allocate(16);
        cdb.put(0, (byte) RECEIVE_COPY_RESULTS).put(1, (byte) 0x03).putInt(10, Fields.check("ALLOCATION LENGTH",
                allocationLength, 0, Integer.MAX_VALUE));
        return cdb.array();
    }
}
