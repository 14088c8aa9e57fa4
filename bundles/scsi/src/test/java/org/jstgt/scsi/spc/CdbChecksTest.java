package org.jstgt.scsi.spc;

import static org.jstgt.scsi.spc.Expect.invalidField;
import static org.jstgt.scsi.spc.Expect.sense;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.jstgt.api.scsi.ScsiException;
import org.jstgt.api.scsi.SenseReason;
import org.jstgt.testkit.FakeScsiTask;
import org.junit.jupiter.api.Test;

class CdbChecksTest {

    @Test
    void controlByteIsTheLastByteOfTheCommandNotOfThePaddedCdb() throws Exception {
        FakeScsiTask t = FakeScsiTask.of(0x00, 0, 0, 0, 0, 0x04);
        invalidField(5, 2, () -> CdbChecks.checkControl(t.cdb(), 6));
        // the same byte is not CONTROL for a 10-byte command
        CdbChecks.checkControl(t.cdb(), 10);
        invalidField(9, 0, () -> CdbChecks.checkControl(FakeScsiTask.of(0x28, 0, 0, 0, 0, 0, 0, 0, 0, 0x01).cdb(), 10));
        invalidField(15, 2, () -> CdbChecks.checkControl(FakeScsiTask.of(0x88, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
                0, 0x05).cdb(), 16));
        // vendor specific bits 7-6 and reserved bits 5-3 are not checked here
        CdbChecks.checkControl(FakeScsiTask.of(0x00, 0, 0, 0, 0, 0xC0).cdb(), 6);
    }

    @Test
    void reservedBitsPointAtTheHighestOffendingBit() throws Exception {
        FakeScsiTask t = FakeScsiTask.of(0x12, 0x23);
        invalidField(1, 5, () -> CdbChecks.requireZero(t.cdb(), 1, 0xFE));
        invalidField(1, 1, () -> CdbChecks.requireZero(t.cdb(), 1, 0x1E));
        CdbChecks.requireZero(t.cdb(), 1, 0xDC);
        invalidField(3, -1, () -> CdbChecks.requireZeroBytes(FakeScsiTask.of(0, 0, 0, 7).cdb(), 1, 4));
    }

    @Test
    void rangeCheckAllowsTheLastBlockAndRefusesOnePast() throws Exception {
        CdbChecks.checkRange(99, 1, 100);
        CdbChecks.checkRange(0, 100, 100);
        CdbChecks.checkRange(100, 0, 100);
        ScsiException e = sense(SenseReason.LBA_OUT_OF_RANGE, -1, -1, () -> CdbChecks.checkRange(100, 1, 100));
        assertEquals(100L, e.sense().information());
        sense(SenseReason.LBA_OUT_OF_RANGE, -1, -1, () -> CdbChecks.checkRange(99, 2, 100));
        sense(SenseReason.LBA_OUT_OF_RANGE, -1, -1, () -> CdbChecks.checkRange(101, 0, 100));
    }

    @Test
    void rangeCheckDoesNotWrapAt64Bits() {
        // LBA FFFF_FFFF_FFFF_FFFFh (negative as a long) with 1 block: 2^64 - 1 + 1 wraps to 0
        sense(SenseReason.LBA_OUT_OF_RANGE, -1, -1, () -> CdbChecks.checkRange(-1L, 1, 100));
        sense(SenseReason.LBA_OUT_OF_RANGE, -1, -1, () -> CdbChecks.checkRange(1, -1L, 100));
        sense(SenseReason.LBA_OUT_OF_RANGE, -1, -1, () -> CdbChecks.checkRange(Long.MIN_VALUE, 0, 100));
    }

    @Test
    void truncateCutsAtTheAllocationLength() {
        FakeScsiTask t = FakeScsiTask.of(0x12);
        assertEquals(3, CdbChecks.truncate(t, new byte[] {1, 2, 3, 4, 5}, 3));
        assertArrayEquals(new byte[] {1, 2, 3}, t.dataInBytes(3));
        FakeScsiTask longer = FakeScsiTask.of(0x12);
        assertEquals(2, CdbChecks.truncate(longer, new byte[] {1, 2}, 255));
        FakeScsiTask none = FakeScsiTask.of(0x12);
        assertEquals(0, CdbChecks.truncate(none, new byte[] {1, 2}, 0));
        assertNull(none.dataInBuffer(), "no Data-In buffer for allocation length 0");
    }

    @Test
    void bytesAreBigEndian() {
        byte[] b = new byte[16];
        Bytes.putU16(b, 0, 0x1234);
        Bytes.putU24(b, 2, 0x56789A);
        Bytes.putU32(b, 5, 0xBCDEF012L);
        assertArrayEquals(new byte[] {0x12, 0x34, 0x56, 0x78, (byte) 0x9A, (byte) 0xBC, (byte) 0xDE, (byte) 0xF0, 0x12},
                java.util.Arrays.copyOf(b, 9));
        Bytes.putU64(b, 8, 0x0102030405060708L);
        assertEquals(0x0102030405060708L, Bytes.u64(b, 8));
        java.nio.ByteBuffer bb = java.nio.ByteBuffer.allocate(8).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        Bytes.putU32(bb, 0, 0x01020304L);
        assertEquals(0x01, bb.get(0));
        byte[] a = new byte[6];
        Bytes.putAscii(a, 0, 6, "ab");
        assertArrayEquals("ab    ".getBytes(), a);
        Bytes.putAscii(a, 0, 6, "abcdefgh");
        assertArrayEquals("abcdef".getBytes(), a);
        assertEquals(8, Bytes.pad4(5));
        assertEquals(8, Bytes.pad4(8));
    }
}
