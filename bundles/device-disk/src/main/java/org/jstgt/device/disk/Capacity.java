package org.jstgt.device.disk;

import org.jstgt.api.scsi.Cdb;
import org.jstgt.api.scsi.CommandDescriptor;
import org.jstgt.api.scsi.ReservationClass;
import org.jstgt.api.scsi.ScsiException;
import org.jstgt.api.scsi.ScsiTask;
import org.jstgt.scsi.spc.Bytes;
import org.jstgt.scsi.spc.CdbChecks;
import org.jstgt.scsi.spc.Commands;
import org.jstgt.scsi.spc.Inquiry;
import org.jstgt.scsi.spc.OpcodeTable;

/**
 * What the medium holds and how it is best addressed: READ CAPACITY(10) and (16), and the VPD pages
 * Block Limits, Block Device Characteristics and (thin provisioned units) Logical Block
 * Provisioning, which {@link Pages} lists in INQUIRY.
 */
final class Capacity implements CommandFamily {
    private static final int SERVICE_ACTION_IN_16 = 0x9E;
    private static final int READ_CAPACITY_16 = 0x10;
    /** VPD pages (SBC-4 §6.6). */
    static final int VPD_BLOCK_LIMITS = 0xB0;
    static final int VPD_BLOCK_DEVICE_CHARACTERISTICS = 0xB1;
    static final int VPD_LOGICAL_BLOCK_PROVISIONING = 0xB2;

    private final DiskUnit disk;
    private final int blockSize;

    Capacity(DiskUnit disk) {
        this.disk = disk;
        this.blockSize = disk.blockSize();
    }

    @Override
    public void register(OpcodeTable.Builder table) {
        int full = 0xFF;
        table.command(0x25, "READ CAPACITY(10)", 10).in().reservation(ReservationClass.ALLOWED)
                .usage(0, 0, full, full, full, full, 0, 0, 0x01, 0)
                .handler(this::readCapacity10)
                .command(SERVICE_ACTION_IN_16, READ_CAPACITY_16, "READ CAPACITY(16)", 16).in()
                .reservation(ReservationClass.ALLOWED)
                .usage(0, 0, full, full, full, full, full, full, full, full, full, full, full, full, 0x01, 0)
                .handler(this::readCapacity16);
    }

    /** Adds this family's VPD pages to the unit's INQUIRY data. */
    void pages(Inquiry.Builder inquiry) {
        inquiry.page(VPD_BLOCK_LIMITS, t -> blockLimits())
                .page(VPD_BLOCK_DEVICE_CHARACTERISTICS, t -> blockDeviceCharacteristics());
        if (disk.thin()) {
            inquiry.page(VPD_LOGICAL_BLOCK_PROVISIONING, t -> logicalBlockProvisioning());
        }
    }

    /**
     * READ CAPACITY(10) (SBC-3 §5.15): bytes 2-5 LOGICAL BLOCK ADDRESS and byte 8 PMI (bit 0),
     * both obsolete in SBC-4; an LBA with PMI 0 is an error. RETURNED LOGICAL BLOCK ADDRESS is
     * FFFFFFFFh when the last LBA does not fit (use READ CAPACITY(16)).
     */
    private CommandDescriptor readCapacity10(ScsiTask task) throws ScsiException {
        Cdb cdb = task.cdb();
        CdbChecks.requireZero(cdb, 1, 0xFE);
        CdbChecks.requireZeroBytes(cdb, 6, 7);
        CdbChecks.requireZero(cdb, 8, 0xFE);
        if (!cdb.bit(8, 0) && cdb.u32(2) != 0) {
            throw ScsiException.invalidCdbField(2, -1);
        }
        return Commands.dataIn(8, t -> {
            byte[] d = new byte[8];
            long last = disk.capacity() - 1;
            Bytes.putU32(d, 0, last > 0xFFFF_FFFEL ? 0xFFFF_FFFFL : last);
            Bytes.putU32(d, 4, blockSize);
            return d;
        });
    }

    /**
     * READ CAPACITY(16) (SBC-4 §5.21): bytes 2-9 LOGICAL BLOCK ADDRESS (obsolete), 10-13
     * ALLOCATION LENGTH, byte 14 PMI (obsolete). Parameter data (table 67): RETURNED LOGICAL
     * BLOCK ADDRESS, LOGICAL BLOCK LENGTH, no protection, one logical block per physical block,
     * LBPME and LBPRZ when thin provisioned (unmapped blocks read as zeros, as the store promises).
     */
    private CommandDescriptor readCapacity16(ScsiTask task) throws ScsiException {
        Cdb cdb = task.cdb();
        CdbChecks.requireZero(cdb, 1, 0xE0);
        CdbChecks.requireZero(cdb, 14, 0xFE);
        if (!cdb.bit(14, 0) && cdb.u64(2) != 0) {
            throw ScsiException.invalidCdbField(2, -1);
        }
        return Commands.dataIn(CdbChecks.cap(cdb.u32(10)), t -> {
            byte[] d = new byte[32];
            Bytes.putU64(d, 0, disk.capacity() - 1);
            Bytes.putU32(d, 8, blockSize);
            // byte 14: LBPME (7) and LBPRZ (6) when thin provisioned
            d[14] = (byte) (disk.thin() ? 0xC0 : 0);
            return d;
        });
    }

    /**
     * Block Limits VPD page (SBC-4 §6.6.4), PAGE LENGTH 3Ch: OPTIMAL TRANSFER LENGTH GRANULARITY
     * of 4 KiB, MAXIMUM TRANSFER LENGTH per {@code max.transfer}, OPTIMAL TRANSFER LENGTH of 1 MiB
     * (or the maximum when smaller); UNMAP limits only when thin provisioned (no limit on the LBA
     * count, {@link Unmap#MAX_DESCRIPTORS} descriptors, 4 KiB granularity); WSNZ 0 (WRITE SAME
     * with NUMBER OF LOGICAL BLOCKS 0 runs to the last block), MAXIMUM COMPARE AND WRITE LENGTH
     * {@link CompareAndWrite#maxBlocks}, MAXIMUM WRITE SAME LENGTH {@link WriteSame#maxBlocks}.
     */
    private byte[] blockLimits() {
        int maxTransferBlocks = disk.maxTransferBlocks();
        byte[] p = new byte[0x3C];
        // page bytes 6-7 OPTIMAL TRANSFER LENGTH GRANULARITY, 8-11 MAXIMUM TRANSFER LENGTH,
        // 12-15 OPTIMAL TRANSFER LENGTH (offsets below are minus the 4-byte header)
        Bytes.putU16(p, 2, Math.max(1, 4096 / blockSize));
        Bytes.putU32(p, 4, maxTransferBlocks);
        Bytes.putU32(p, 8, Math.min(maxTransferBlocks, Math.max(1, (1 << 20) / blockSize)));
        // page byte 4 WSNZ (bit 0) stays 0; byte 5 MAXIMUM COMPARE AND WRITE LENGTH;
        // bytes 36-43 MAXIMUM WRITE SAME LENGTH
        p[1] = (byte) CompareAndWrite.maxBlocks(disk);
        Bytes.putU64(p, 32, WriteSame.maxBlocks(disk));
        if (disk.thin()) {
            // page bytes 20-23 MAXIMUM UNMAP LBA COUNT, 24-27 MAXIMUM UNMAP BLOCK DESCRIPTOR COUNT,
            // 28-31 OPTIMAL UNMAP GRANULARITY
            Bytes.putU32(p, 16, 0xFFFF_FFFFL);
            Bytes.putU32(p, 20, Unmap.MAX_DESCRIPTORS);
            Bytes.putU32(p, 24, Math.max(1, 4096 / blockSize));
        }
        return p;
    }

    /**
     * Block Device Characteristics VPD page (SBC-4 §6.6.2), PAGE LENGTH 3Ch: MEDIUM ROTATION RATE
     * 0001h (non-rotating), NOMINAL FORM FACTOR 0 (not reported).
     */
    private static byte[] blockDeviceCharacteristics() {
        byte[] p = new byte[0x3C];
        Bytes.putU16(p, 0, 0x0001);
        return p;
    }

    /**
     * Logical Block Provisioning VPD page (SBC-4 §6.6.6), thin provisioned units only: LBPU 1
     * (UNMAP), LBPWS and LBPWS10 1 (WRITE SAME (16) and (10) with UNMAP deallocate), LBPRZ 1,
     * ANC_SUP 0, DP 0, PROVISIONING TYPE 010b.
     */
    private static byte[] logicalBlockProvisioning() {
        // page byte 4 THRESHOLD EXPONENT; 5 LBPU (7), LBPWS (6), LBPWS10 (5), LBPRZ (4-2), ANC_SUP (1),
        // DP (0); 6 MINIMUM PERCENTAGE (7-3), PROVISIONING TYPE (2-0); 7 THRESHOLD PERCENTAGE
        return new byte[] {0, (byte) 0xE4, 0x02, 0};
    }
}
