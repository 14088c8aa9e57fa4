package org.jstgt.device.dvd;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.jstgt.api.scsi.SenseReason;
import org.jstgt.testkit.FakeScsiTask;
import org.junit.jupiter.api.Test;

/** MODE SENSE and MODE SELECT: pages 01h, 1Ah, 2Ah. */
class ModesTest extends DvdTestBase {

    @Test
    void capabilitiesPage() throws Exception {
        DvdUnit u = unit(iso("x.iso", 4, 1));
        byte[] d = data(u, modeSense10(0x2A, 128));
        assertEquals(8 + 32, d.length);
        assertEquals(d.length - 2, u16(d, 0));
        assertEquals(0, u16(d, 6), "no block descriptors");
        int n = 8;
        assertEquals(0x2A, d[n]);
        assertEquals(30, d[n + 1]);
        assertEquals(0x08, d[n + 2], "reads DVD-ROM");
        assertEquals(0, d[n + 3], "writes nothing");
        assertEquals(0x29, d[n + 6], "tray, eject, can lock, not locked");
        assertEquals(DvdModes.MAX_READ_SPEED, u16(d, n + 8));
        assertEquals(DvdModes.MAX_READ_SPEED, u16(d, n + 14));
        run(u, preventAllow(1));
        assertEquals(0x2B, data(u, modeSense10(0x2A, 128))[n + 6], "LOCK STATE");
        byte[] six = data(u, FakeScsiTask.of(0x1A, 0x08, 0x2A, 0, 255, 0));
        assertEquals(4 + 32, six.length);
        assertEquals(0x2A, six[4]);
    }

    @Test
    void allPages() throws Exception {
        DvdUnit u = unit(null);
        byte[] d = data(u, modeSense10(0x3F, 1024));
        // 01h (12 bytes), 0Ah Control (12, SPC-4 §7.5.8: libiscsi ModeSense6.Control), 1Ah (12), 2Ah (32)
        assertEquals(8 + 12 + 12 + 12 + 32, d.length);
        assertEquals(0x01, d[8]);
        assertEquals(0x0A, d[20]);
        assertEquals(0x0A, d[21], "PAGE LENGTH");
        assertEquals(0, d[22] & 0x04, "D_SENSE 0: fixed format by default");
        assertEquals(0x1A, d[32]);
        assertEquals(0x2A, d[44]);
        byte[] changeable = data(u, modeSense10(0x40 | 0x3F, 1024));
        for (int i = 8; i < changeable.length; i++) {
            if (i != 8 && i != 9 && i != 20 && i != 21 && i != 32 && i != 33 && i != 44 && i != 45) {
                assertEquals(0, changeable[i], "changeable byte " + i);
            }
        }
        expect(SenseReason.SAVING_PARAMETERS_NOT_SUPPORTED, () -> u.parse(modeSense10(0xC0 | 0x2A, 1024)));
        invalidField(2, 5, () -> u.parse(modeSense10(0x08, 1024)));
    }

    @Test
    void modeSelectTakesUnchangedPagesOnly() throws Exception {
        DvdUnit u = unit(iso("x.iso", 4, 1));
        byte[] sensed = data(u, modeSense10(0x01, 1024));
        byte[] list = sensed.clone();
        list[0] = 0;
        list[1] = 0;
        FakeScsiTask select = FakeScsiTask.of(0x55, 0x10, 0, 0, 0, 0, 0, 0, list.length, 0).withDataOut(list);
        assertEquals(0, run(u, select));
        list[8 + 3] = 5;
        FakeScsiTask changed = FakeScsiTask.of(0x55, 0x10, 0, 0, 0, 0, 0, 0, list.length, 0).withDataOut(list);
        expect(SenseReason.INVALID_FIELD_IN_PARAMETER_LIST, () -> run(u, changed));
        invalidField(1, 0, () -> u.parse(FakeScsiTask.of(0x55, 0x11, 0, 0, 0, 0, 0, 0, 20, 0)));
        invalidField(1, 4, () -> u.parse(FakeScsiTask.of(0x55, 0x00, 0, 0, 0, 0, 0, 0, 20, 0)));
        assertEquals(0, run(u, FakeScsiTask.of(0x15, 0x10, 0, 0, 0, 0)), "empty list");
    }
}
