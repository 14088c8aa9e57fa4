package org.jstgt.device.tape;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.jstgt.scsi.spc.Bytes;
import org.jstgt.testkit.FakeScsiTask;
import org.junit.jupiter.api.Test;

/** LOG SENSE: supported pages and TapeAlert. */
class LogPagesTest extends TapeTestBase {

    static FakeScsiTask logSense(int pcPage, int pointer, int allocation) {
        return FakeScsiTask.of(0x4D, 0, pcPage, 0, 0, pointer >>> 8, pointer, allocation >>> 8, allocation, 0);
    }

    @Test
    void supportedPages() throws Exception {
        TapeUnit u = empty();
        assertArrayEquals(new byte[] {0, 0, 0, 2, 0, 0x2E}, good(u, logSense(0x40, 0, 255)).data());
        invalidField(5, -1, () -> u.parse(logSense(0x40, 1, 255)));
    }

    @Test
    void tapeAlertHasSixtyFourClearFlags() throws Exception {
        TapeUnit u = unit(MIB);
        Reply r = good(u, logSense(0x40 | 0x2E, 0, 1024));
        byte[] d = r.data();
        assertEquals(4 + 5 * 64, r.length());
        assertEquals(0x2E, d[0]);
        assertEquals(5 * 64, Bytes.u16(d, 2));
        for (int i = 0; i < 64; i++) {
            assertEquals(i + 1, Bytes.u16(d, 4 + 5 * i));
            assertEquals(1, d[4 + 5 * i + 3]);
            assertEquals(0, d[4 + 5 * i + 4]);
        }
        Reply from = good(u, logSense(0x2E, 0x30, 1024));
        assertEquals(4 + 5 * 17, from.length());
        assertEquals(0x30, Bytes.u16(from.data(), 4));
        assertEquals(8, good(u, logSense(0x2E, 0, 8)).length());
    }

    @Test
    void fieldChecks() throws Exception {
        TapeUnit u = empty();
        invalidField(2, 5, () -> u.parse(logSense(0x0C, 0, 255)));
        invalidField(5, -1, () -> u.parse(logSense(0x2E, 65, 255)));
        invalidField(1, 0, () -> u.parse(FakeScsiTask.of(0x4D, 1, 0x2E, 0, 0, 0, 0, 0, 255, 0)));
        invalidField(1, 1, () -> u.parse(FakeScsiTask.of(0x4D, 2, 0x2E, 0, 0, 0, 0, 0, 255, 0)));
        invalidField(3, -1, () -> u.parse(FakeScsiTask.of(0x4D, 0, 0x2E, 1, 0, 0, 0, 0, 255, 0)));
    }
}
