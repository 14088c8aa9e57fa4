package org.jstgt.device.disk;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.jstgt.testkit.FakeScsiTask;
import org.jstgt.testkit.RecordingStore;
import org.junit.jupiter.api.Test;

/** READ DEFECT DATA(10)/(12): empty lists in the format asked for. */
class DefectDataTest extends DiskTestBase {
    @Test
    void readDefectData10AnswersAnEmptyListInTheAskedFormat() throws Exception {
        DiskUnit u = unit(new RecordingStore(MIB));
        FakeScsiTask t = FakeScsiTask.of(0x37, 0, 0x18 | 0x03, 0, 0, 0, 0, 0, 32, 0);
        assertEquals(4, run(u, t));
        assertArrayEquals(new byte[] {0, 0x1B, 0, 0}, t.dataInBytes(4), "PLISTV, GLISTV, long block format, length 0");
        FakeScsiTask none = FakeScsiTask.of(0x37, 0, 0, 0, 0, 0, 0, 0, 32, 0);
        assertEquals(4, run(u, none));
        assertArrayEquals(new byte[] {0, 0, 0, 0}, none.dataInBytes(4));
        FakeScsiTask truncated = FakeScsiTask.of(0x37, 0, 0x10, 0, 0, 0, 0, 0, 2, 0);
        assertEquals(2, run(u, truncated), "allocation length truncates");
    }

    @Test
    void readDefectData12AnswersAnEmptyList() throws Exception {
        DiskUnit u = unit(new RecordingStore(MIB));
        FakeScsiTask t = FakeScsiTask.of(0xB7, 0x08 | 0x05, 0, 0, 0, 9, 0, 0, 0, 64, 0, 0);
        assertEquals(8, run(u, t));
        assertArrayEquals(new byte[] {0, 0x0D, 0, 0, 0, 0, 0, 0}, t.dataInBytes(8));
    }

    @Test
    void reservedFormatAndReservedBitsAreInvalidFields() throws Exception {
        DiskUnit u = unit(new RecordingStore(MIB));
        invalidField(2, 2, () -> u.parse(FakeScsiTask.of(0x37, 0, 0x07, 0, 0, 0, 0, 0, 32, 0)));
        invalidField(2, 7, () -> u.parse(FakeScsiTask.of(0x37, 0, 0x80, 0, 0, 0, 0, 0, 32, 0)));
        invalidField(1, 0, () -> u.parse(FakeScsiTask.of(0x37, 1, 0, 0, 0, 0, 0, 0, 32, 0)));
        invalidField(1, 2, () -> u.parse(FakeScsiTask.of(0xB7, 0x07, 0, 0, 0, 0, 0, 0, 0, 64, 0, 0)));
        invalidField(10, 0, () -> u.parse(FakeScsiTask.of(0xB7, 0, 0, 0, 0, 0, 0, 0, 0, 64, 1, 0)));
    }
}
