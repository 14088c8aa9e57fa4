package org.jstgt.scsi.spc;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.CompletionStage;

import org.jstgt.api.scsi.Cdb;
import org.jstgt.api.scsi.CommandResult;
import org.jstgt.api.scsi.DataDirection;
import org.jstgt.api.scsi.ScsiException;
import org.jstgt.api.scsi.ScsiTask;
import org.jstgt.api.scsi.SenseReason;
import org.junit.jupiter.api.Test;

/** The CDB decoder: {@link CdbLayout} positions, {@link BlockCommand} fields, for every form. */
class BlockCommandTest {

    /** The smallest descriptor: what a device's would add is direction, length and execution. */
    private static final class Decoded extends BlockCommand {
        Decoded(CdbLayout layout, int... cdb) {
            super(layout, cdb(cdb));
        }

        @Override
        public DataDirection direction() {
            return DataDirection.NONE;
        }

        @Override
        public int transferLength() {
            return 0;
        }

        @Override
        public CompletionStage<CommandResult> execute(ScsiTask task) {
            throw new UnsupportedOperationException();
        }
    }

    private static Cdb cdb(int... bytes) {
        byte[] b = new byte[bytes.length];
        for (int i = 0; i < b.length; i++) {
            b[i] = (byte) bytes[i];
        }
        return new Cdb(b);
    }

    @Test
    void sixByteSbcReadsA21BitLbaAndZeroAs256() {
        // READ(6): byte 1 bits 4-0 + bytes 2-3 LBA, byte 4 TRANSFER LENGTH
        Decoded d = new Decoded(CdbLayout.SBC_6, 0x08, 0x1F, 0xAB, 0xCD, 0x10, 0);
        assertEquals(0x1F_ABCDL, d.lba());
        assertEquals(16, d.count());
        assertEquals(16, d.blocks());
        assertEquals(0, d.flags(), "no flag bits in the 6-byte form");
        assertEquals(0, d.group());
        // reserved bits 7-5 of byte 1 are not LBA bits
        assertEquals(0x01_0203L, new Decoded(CdbLayout.SBC_6, 0x0A, 0xE1, 0x02, 0x03, 1, 0).lba());
        Decoded zero = new Decoded(CdbLayout.SBC_6, 0x08, 0, 0, 7, 0, 0);
        assertEquals(256, zero.count(), "SBC-4: TRANSFER LENGTH 0 means 256 blocks");
        assertEquals(256, zero.blocks());
        assertEquals(7, zero.lba());
    }

    @Test
    void tenByteFieldsAndFlags() {
        // byte 1 RDPROTECT 101b, DPO, FUA; bytes 2-5 LBA; byte 6 GROUP NUMBER; bytes 7-8 TRANSFER LENGTH
        Decoded d = new Decoded(CdbLayout.SBC_10, 0x28, 0xB8, 0xFF, 0xFF, 0xFF, 0xFE, 0xFF, 0x12, 0x34, 0);
        assertEquals(0xFFFF_FFFEL, d.lba(), "unsigned 32-bit LBA");
        assertEquals(0x1234, d.count());
        assertEquals(0x3F, d.group(), "bits 7-6 of byte 6 are not GROUP NUMBER");
        assertEquals(0b101, d.protect());
        assertTrue(d.dpo());
        assertTrue(d.fua());
        assertEquals(0, d.bytchk());
        assertFalse(d.immed());
        assertEquals(0, new Decoded(CdbLayout.SBC_10, 0x28, 0, 0, 0, 0, 0, 0, 0, 0, 0).count(),
                "0 is 0 outside the 6-byte form");
    }

    @Test
    void verifyAndSynchronizeCacheFlags() {
        // VERIFY(10) BYTCHK 11b; SYNCHRONIZE CACHE(10) IMMED
        Decoded v = new Decoded(CdbLayout.SBC_10, 0x2F, 0x16, 0, 0, 0, 1, 0, 0, 1, 0);
        assertEquals(0b11, v.bytchk());
        assertTrue(v.dpo());
        assertFalse(v.fua());
        Decoded s = new Decoded(CdbLayout.SBC_16, 0x91, 0x02, 0, 0, 0, 0, 0, 0, 0, 9, 0, 0, 0, 0, 5, 0);
        assertTrue(s.immed());
        assertEquals(9, s.lba());
        assertEquals(0, s.count(), "NUMBER OF LOGICAL BLOCKS 0: to the last LBA");
        assertEquals(5, s.group());
    }

    @Test
    void twelveByteFields() {
        // bytes 2-5 LBA, 6-9 TRANSFER LENGTH (32 bits), byte 10 GROUP NUMBER
        Decoded d = new Decoded(CdbLayout.SBC_12, 0xA8, 0x08, 0, 0, 0x10, 0, 0xFF, 0xFF, 0xFF, 0xFF, 0x41, 0);
        assertEquals(0x1000, d.lba());
        assertEquals(0xFFFF_FFFFL, d.count(), "unsigned 32-bit length");
        assertEquals(1, d.group(), "byte 10 bit 6 is not GROUP NUMBER");
        assertTrue(d.fua());
    }

    @Test
    void sixteenByteLbaBeyond32Bits() {
        Decoded d = new Decoded(CdbLayout.SBC_16, 0x88, 0, 0, 0, 0, 0x01, 0x23, 0x45, 0x67, 0x89, 0, 0, 0x01, 0, 0x80, 0);
        assertEquals(0x1_2345_6789L, d.lba());
        assertEquals(0x100, d.count());
        assertEquals(0, d.group(), "byte 14 bit 7 (DLD1) is not GROUP NUMBER");
        Decoded top = new Decoded(CdbLayout.SBC_16, 0x88, 0, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0, 0, 0,
                1, 0, 0);
        assertEquals(-1L, top.lba(), "2^64 - 1 comes back as the unsigned value's bits");
    }

    @Test
    void rangeAndTransferChecksPointAtTheRightFields() throws Exception {
        Decoded d = new Decoded(CdbLayout.SBC_16, 0x88, 0, 0, 0, 0, 0x01, 0, 0, 0, 0, 0, 0, 0, 8, 0, 0);
        d.checkRange(0x1_0000_0008L);
        ScsiException e = Expect.sense(SenseReason.LBA_OUT_OF_RANGE, -1, -1, () -> d.checkRange(0x1_0000_0007L));
        assertEquals(0x1_0000_0000L, e.sense().information());
        Decoded top = new Decoded(CdbLayout.SBC_16, 0x88, 0, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0, 0, 0,
                1, 0, 0);
        Expect.sense(SenseReason.LBA_OUT_OF_RANGE, -1, -1, () -> top.checkRange(Long.MAX_VALUE));
        d.checkTransferLength(8);
        Expect.invalidField(10, -1, () -> d.checkTransferLength(7));
        Decoded ten = new Decoded(CdbLayout.SBC_10, 0x28, 0, 0, 0, 0, 0, 0, 0x01, 0, 0);
        Expect.invalidField(7, -1, () -> ten.checkTransferLength(255));
        Decoded twelve = new Decoded(CdbLayout.SBC_12, 0xA8, 0, 0, 0, 0, 0, 0xFF, 0xFF, 0xFF, 0xFF, 0, 0);
        Expect.invalidField(6, -1, () -> twelve.checkTransferLength(Integer.MAX_VALUE));
        Decoded six = new Decoded(CdbLayout.SBC_6, 0x08, 0, 0, 0, 0, 0);
        Expect.invalidField(4, -1, () -> six.checkTransferLength(255));
        six.checkTransferLength(256);
        Expect.sense(SenseReason.LBA_OUT_OF_RANGE, -1, -1, () -> six.checkRange(255));
    }

    @Test
    void sequentialSixByteFormHasFixedSiliAnd24BitLengthWithoutLba() throws Exception {
        // SSC-4 READ(6): byte 1 SILI (1) FIXED (0), bytes 2-4 TRANSFER LENGTH
        Decoded r = new Decoded(CdbLayout.SSC_6, 0x08, 0x03, 0x12, 0x34, 0x56, 0);
        assertTrue(r.fixed());
        assertTrue(r.sili());
        assertEquals(0x12_3456, r.count());
        assertEquals(-1, r.lba(), "the tape addresses no LBA");
        assertEquals(0, r.blocks());
        assertFalse(CdbLayout.SSC_6.hasLba());
        // reserved bits 7-2 are not flags; 0 is nothing to transfer, not 256
        Decoded w = new Decoded(CdbLayout.SSC_6, 0x0A, 0xFC, 0, 0, 0, 0);
        assertEquals(0, w.flags());
        assertEquals(0, w.count());
        Expect.invalidField(2, -1, () -> r.checkTransferLength(0xFFFF));
        assertArrayEquals(new int[] {0, 0x03, 0xFF, 0xFF, 0xFF, 0}, CdbLayout.SSC_6.usage(0x03));
    }

    @Test
    void usageMarksLbaLengthAndTheFlagsUsed() {
        assertArrayEquals(new int[] {0, 0x1F, 0xFF, 0xFF, 0xFF, 0}, CdbLayout.SBC_6.usage(0));
        assertArrayEquals(new int[] {0, 0xF8, 0xFF, 0xFF, 0xFF, 0xFF, 0, 0xFF, 0xFF, 0}, CdbLayout.SBC_10.usage(0xF8));
        assertArrayEquals(new int[] {0, 0xF6, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0, 0},
                CdbLayout.SBC_12.usage(0xF6));
        assertArrayEquals(new int[] {0, 0x02, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
            0, 0}, CdbLayout.SBC_16.usage(0x02));
        assertThrows(IllegalArgumentException.class, () -> CdbLayout.SBC_6.usage(0x20));
        assertThrows(IllegalArgumentException.class, () -> CdbLayout.SSC_6.usage(0x04));
        // field bytes for pointers and the table
        assertEquals(6, CdbLayout.SBC_10.groupByte());
        assertEquals(-1, CdbLayout.SBC_6.groupByte());
        assertEquals(1, CdbLayout.SBC_6.lbaByte());
        assertEquals(2, CdbLayout.SBC_16.lbaByte());
        assertEquals(16, CdbLayout.SBC_16.cdbLength());
    }
}
