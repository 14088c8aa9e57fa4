package org.jstgt.device.disk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.jstgt.api.store.StoreCapability;
import org.jstgt.testkit.FakeScsiTask;
import org.jstgt.testkit.RecordingStore;
import org.junit.jupiter.api.Test;

/** TEST UNIT READY, START STOP UNIT and PREVENT ALLOW MEDIUM REMOVAL. */
class StartStopTest extends DiskTestBase {
    @Test
    void testUnitReady() throws Exception {
        DiskUnit u = unit(new RecordingStore(MIB));
        assertEquals(0, run(u, FakeScsiTask.of(0x00)));
        invalidField(2, -1, () -> u.parse(FakeScsiTask.of(0x00, 0, 1)));
    }

    @Test
    void startStopUnit() throws Exception {
        RecordingStore s = new RecordingStore(MIB, StoreCapability.FLUSH);
        DiskUnit u = unit(s);
        for (int immed = 0; immed < 2; immed++) {
            assertEquals(0, run(u, FakeScsiTask.of(0x1B, immed, 0, 0, 0x01, 0)));
            assertEquals(0, run(u, FakeScsiTask.of(0x1B, immed, 0, 0, 0x05, 0)));
        }
        assertTrue(s.calls().isEmpty());
        run(u, FakeScsiTask.of(0x1B, 0, 0, 0, 0x00, 0));
        assertEquals(List.of("flush"), s.ops());
        run(u, FakeScsiTask.of(0x1B, 1, 0, 0, 0x04, 0));
        assertEquals(List.of("flush"), s.ops(), "NO_FLUSH");
        for (int pc : new int[] {0x1, 0x2, 0x3, 0x7, 0xA, 0xB}) {
            assertEquals(0, run(u, FakeScsiTask.of(0x1B, 1, 0, 0, pc << 4 | 0x02, 0)));
        }
        for (int pc : new int[] {0x4, 0x5, 0x6, 0x8, 0x9, 0xC, 0xD, 0xE, 0xF}) {
            invalidField(4, 7, () -> u.parse(FakeScsiTask.of(0x1B, 1, 0, 0, pc << 4, 0)));
        }
        invalidField(4, 1, () -> u.parse(FakeScsiTask.of(0x1B, 1, 0, 0, 0x02, 0)));
        invalidField(4, 1, () -> u.parse(FakeScsiTask.of(0x1B, 1, 0, 0, 0x03, 0)));
        invalidField(1, 1, () -> u.parse(FakeScsiTask.of(0x1B, 2, 0, 0, 0x01, 0)));
        invalidField(3, 4, () -> u.parse(FakeScsiTask.of(0x1B, 0, 0, 0x10, 0x01, 0)));
        invalidField(4, 3, () -> u.parse(FakeScsiTask.of(0x1B, 0, 0, 0, 0x09, 0)));
    }

    @Test
    void preventAllowMediumRemoval() throws Exception {
        DiskUnit u = unit(new RecordingStore(MIB));
        assertEquals(0, run(u, FakeScsiTask.of(0x1E, 0, 0, 0, 1, 0)));
        assertEquals(0, run(u, FakeScsiTask.of(0x1E, 0, 0, 0, 0, 0)));
        invalidField(4, 1, () -> u.parse(FakeScsiTask.of(0x1E, 0, 0, 0, 2, 0)));
        invalidField(4, 1, () -> u.parse(FakeScsiTask.of(0x1E, 0, 0, 0, 3, 0)));
        invalidField(1, -1, () -> u.parse(FakeScsiTask.of(0x1E, 1, 0, 0, 0, 0)));
    }
}
