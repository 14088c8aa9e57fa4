package org.jstgt.device.dvd;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.jstgt.testkit.FakeScsiTask;
import org.junit.jupiter.api.Test;

/** MECHANISM STATUS and SET CD SPEED. */
class MechanismTest extends DvdTestBase {

    static FakeScsiTask mechanismStatus(int alloc) {
        return FakeScsiTask.of(0xBD, 0, 0, 0, 0, 0, 0, 0, alloc >>> 8, alloc, 0, 0);
    }

    static FakeScsiTask setCdSpeed(int rotation, int read) {
        return FakeScsiTask.of(0xBB, rotation, read >>> 8, read, 0xFF, 0xFF, 0, 0, 0, 0, 0, 0);
    }

    @Test
    void mechanismStatusReportsTheDoor() throws Exception {
        DvdUnit u = unit(iso("x.iso", 4, 1));
        byte[] m = data(u, mechanismStatus(8));
        assertEquals(8, m.length);
        assertEquals(0, m[1]);
        run(u, startStop(false, true, false));
        assertEquals(0x10, data(u, mechanismStatus(8))[1], "DOOR OPEN");
        invalidField(1, -1, () -> u.parse(mechanismStatus(8).withCdbByte(1, 1)));
        invalidField(10, -1, () -> u.parse(mechanismStatus(8).withCdbByte(10, 1)));
    }

    @Test
    void setCdSpeedSelectsAtMostTheMaximum() throws Exception {
        DvdUnit u = unit(iso("x.iso", 4, 1));
        assertEquals(0, run(u, setCdSpeed(0, 1764)));
        assertEquals(1764, u16(data(u, modeSense10(0x2A, 128)), 8 + 14));
        assertEquals(0, run(u, setCdSpeed(1, 0xFFFF)));
        assertEquals(DvdModes.MAX_READ_SPEED, u16(data(u, modeSense10(0x2A, 128)), 8 + 14));
        invalidField(1, 1, () -> u.parse(setCdSpeed(2, 1764)));
        invalidField(1, 2, () -> u.parse(setCdSpeed(4, 1764)));
        invalidField(6, -1, () -> u.parse(setCdSpeed(0, 1764).withCdbByte(6, 1)));
    }
}
