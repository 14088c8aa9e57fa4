package org.jstgt.device.dvd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import org.jstgt.api.scsi.DataDirection;
import org.jstgt.api.scsi.SenseReason;
import org.jstgt.testkit.FakeScsiTask;
import org.junit.jupiter.api.Test;

/** READ CAPACITY(10), READ(10), READ(12), SEEK(10); writes are unknown opcodes. */
class ReadsTest extends DvdTestBase {

    @Test
    void readsTheImageByteForByte() throws Exception {
        Path iso = iso("x.iso", 300, 42);
        byte[] image = Files.readAllBytes(iso);
        DvdUnit u = unit(iso);
        byte[] capacity = data(u, readCapacity());
        assertEquals(299, u32(capacity, 0));
        assertEquals(2048, u32(capacity, 4));
        // READ(10) in uneven pieces, as sr and iPXE do
        int lba = 0;
        int[] pieces = {1, 7, 64, 100, 128};
        for (int n : pieces) {
            byte[] got = data(u, read10(lba, n));
            assertArrayEquals(Arrays.copyOfRange(image, lba * BLOCK, (lba + n) * BLOCK), got, "READ(10) at " + lba);
            lba += n;
        }
        assertEquals(300, lba);
        byte[] all = data(u, read12(0, 300));
        assertArrayEquals(image, all);
        assertEquals(300 * 2048L, u.capacityBytes());
    }

    @Test
    void readBeyondCapacityIsLbaOutOfRange() throws Exception {
        DvdUnit u = unit(iso("x.iso", 10, 1));
        var x = expect(SenseReason.LBA_OUT_OF_RANGE, () -> u.parse(read10(10, 1)));
        assertEquals(10L, x.sense().information());
        expect(SenseReason.LBA_OUT_OF_RANGE, () -> u.parse(read10(9, 2)));
        expect(SenseReason.LBA_OUT_OF_RANGE, () -> u.parse(read12(0xFFFFFFFFL, 1)));
        assertEquals(BLOCK, run(u, read10(9, 1)));
    }

    @Test
    void zeroLengthReadTransfersNothing() throws Exception {
        DvdUnit u = unit(iso("x.iso", 10, 1));
        FakeScsiTask t = read10(3, 0);
        assertEquals(DataDirection.NONE, u.parse(t).direction());
        assertEquals(0, run(u, t));
        assertEquals(0, run(u, read10(10, 0)), "LBA = capacity with no blocks is in range (SBC-4 §4.5)");
    }

    @Test
    void readFields() throws Exception {
        DvdUnit u = unit(iso("x.iso", 10, 1));
        assertEquals(BLOCK, run(u, read10(0, 1).withCdbByte(1, 0x18)), "DPO and FUA are taken");
        invalidField(1, 5, () -> u.parse(read10(0, 1).withCdbByte(1, 0x20)));
        invalidField(1, 0, () -> u.parse(read10(0, 1).withCdbByte(1, 0x01)));
        invalidField(1, 2, () -> u.parse(read10(0, 1).withCdbByte(1, 0x04)));
        invalidField(6, -1, () -> u.parse(read10(0, 1).withCdbByte(6, 0x01)));
        assertEquals(BLOCK, run(u, read12(0, 1).withCdbByte(10, 0x80)), "STREAMING is taken");
        invalidField(10, 6, () -> u.parse(read12(0, 1).withCdbByte(10, 0x40)));
        invalidField(9, 2, () -> u.parse(FakeScsiTask.of(0x28, 0, 0, 0, 0, 0, 0, 0, 1, 0x04)));
        invalidField(6, -1, () -> u.parse(read12(0, Reads.MAX_BLOCKS + 1)));
    }

    @Test
    void withoutMediumReadsAreNotReady() throws Exception {
        DvdUnit u = unit(null);
        expect(Tray.TRAY_CLOSED, () -> u.parse(read10(0, 1)));
        expect(Tray.TRAY_CLOSED, () -> run(u, readCapacity()));
        expect(Tray.TRAY_CLOSED, () -> run(u, FakeScsiTask.of(0x2B, 0, 0, 0, 0, 0, 0, 0, 0, 0)));
        assertEquals(0, u.capacityBytes());
    }

    @Test
    void readCapacityFields() throws Exception {
        DvdUnit u = unit(iso("x.iso", 10, 1));
        invalidField(1, -1, () -> u.parse(readCapacity().withCdbByte(1, 1)));
        invalidField(5, -1, () -> u.parse(readCapacity().withCdbByte(5, 1)));
        invalidField(8, -1, () -> u.parse(readCapacity().withCdbByte(8, 1)));
    }

    @Test
    void seek() throws Exception {
        DvdUnit u = unit(iso("x.iso", 10, 1));
        assertEquals(0, run(u, FakeScsiTask.of(0x2B, 0, 0, 0, 0, 9, 0, 0, 0, 0)));
        var x = expect(SenseReason.LBA_OUT_OF_RANGE, () -> run(u, FakeScsiTask.of(0x2B, 0, 0, 0, 0, 10, 0, 0, 0, 0)));
        assertEquals(10L, x.sense().information());
        invalidField(1, -1, () -> u.parse(FakeScsiTask.of(0x2B, 1, 0, 0, 0, 0, 0, 0, 0, 0)));
        invalidField(7, -1, () -> u.parse(FakeScsiTask.of(0x2B, 0, 0, 0, 0, 0, 0, 1, 0, 0)));
    }

    @Test
    void writesAreUnknownOpcodes() throws Exception {
        DvdUnit u = unit(iso("x.iso", 10, 1));
        for (int op : new int[] {0x0A, 0x2A, 0xAA, 0x8A, 0x35, 0x88}) {
            expect(SenseReason.INVALID_COMMAND_OPERATION_CODE, () -> u.parse(FakeScsiTask.of(op, 0, 0, 0, 0, 0, 0, 0,
                    1, 0, 0, 0, 0, 0, 0, 0)));
        }
    }
}
