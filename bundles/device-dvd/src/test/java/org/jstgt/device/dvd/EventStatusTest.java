package org.jstgt.device.dvd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.jstgt.testkit.FakeScsiTask;
import org.junit.jupiter.api.Test;

/** GET EVENT STATUS NOTIFICATION, polled. */
class EventStatusTest extends DvdTestBase {

    @Test
    void mediaEventsFollowTheTray() throws Exception {
        DvdUnit u = unit(iso("x.iso", 4, 1));
        byte[] e = data(u, gesn(0x10, 8));
        assertEquals(8, e.length);
        assertEquals(6, u16(e, 0), "EVENT DESCRIPTOR LENGTH");
        assertEquals(EventStatus.MEDIA, e[2]);
        assertEquals(0x16, e[3], "operational change, power management, media");
        assertEquals(Tray.NO_CHANGE, e[4]);
        assertEquals(0x02, e[5], "medium present, tray closed");

        run(u, startStop(false, true, false));
        e = data(u, gesn(0x10, 8));
        assertEquals(Tray.MEDIA_REMOVAL, e[4]);
        assertEquals(0x01, e[5], "no medium, tray open");
        assertEquals(Tray.NO_CHANGE, data(u, gesn(0x10, 8))[4], "reported once");

        run(u, startStop(false, true, true));
        e = data(u, gesn(0x10, 8));
        assertEquals(Tray.NEW_MEDIA, e[4]);
        assertEquals(0x02, e[5]);
    }

    @Test
    void otherClasses() throws Exception {
        DvdUnit u = unit(iso("x.iso", 4, 1));
        byte[] e = data(u, gesn(0x16, 8));
        assertEquals(EventStatus.OPERATIONAL_CHANGE, e[2], "lowest class without events");
        assertEquals(0, e[5]);
        run(u, preventAllow(3));
        assertEquals((byte) 0x80, data(u, gesn(0x02, 8))[5], "PERSISTENT PREVENTED");
        e = data(u, gesn(0x04, 8));
        assertEquals(EventStatus.POWER_MANAGEMENT, e[2]);
        assertEquals(0x01, e[5], "active");
        run(u, preventAllow(2));
        run(u, startStop(false, true, false));
        e = data(u, gesn(0x16, 8));
        assertEquals(EventStatus.MEDIA, e[2], "the class with an event goes first");
        assertEquals(Tray.MEDIA_REMOVAL, e[4]);
    }

    @Test
    void noSupportedClassRequested() throws Exception {
        DvdUnit u = unit(null);
        byte[] e = data(u, gesn(0x48, 8));
        assertEquals(4, e.length);
        assertEquals(2, u16(e, 0));
        assertEquals((byte) 0x80, e[2], "NEA, class 0");
        assertEquals(0x16, e[3]);
    }

    @Test
    void fields() throws Exception {
        DvdUnit u = unit(null);
        invalidField(1, 0, () -> u.parse(FakeScsiTask.of(0x4A, 0, 0, 0, 0x10, 0, 0, 0, 8, 0)));
        invalidField(1, 5, () -> u.parse(FakeScsiTask.of(0x4A, 0x21, 0, 0, 0x10, 0, 0, 0, 8, 0)));
        invalidField(2, -1, () -> u.parse(FakeScsiTask.of(0x4A, 1, 1, 0, 0x10, 0, 0, 0, 8, 0)));
        invalidField(6, -1, () -> u.parse(FakeScsiTask.of(0x4A, 1, 0, 0, 0x10, 0, 1, 0, 8, 0)));
        assertTrue(u.parse(gesn(0x10, 8)).allowedWithUnitAttention());
        assertEquals(0, run(u, gesn(0x10, 0)), "allocation length 0");
    }
}
