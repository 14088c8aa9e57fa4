package org.jstgt.device.dvd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.Set;

import org.jstgt.testkit.FakeScsiTask;
import org.junit.jupiter.api.Test;

/** INQUIRY and REPORT SUPPORTED OPERATION CODES. */
class IdentifyTest extends DvdTestBase {

    @Test
    void standardInquiry() throws Exception {
        DvdUnit u = unit(null);
        byte[] d = data(u, FakeScsiTask.of(0x12, 0, 0, 0, 96, 0));
        assertEquals(0x05, d[0], "CD/DVD device");
        assertEquals((byte) 0x80, d[1], "RMB");
        boolean mmc6 = false;
        for (int i = 58; i < 74; i += 2) {
            mmc6 |= u16(d, i) == Identify.VERSION_MMC6;
        }
        assertTrue(mmc6);
        assertEquals(5, u.peripheralDeviceType());
        byte[] pages = data(u, FakeScsiTask.of(0x12, 1, 0, 0, 255, 0));
        assertEquals(0x05, pages[0]);
        assertEquals("cd0", new String(data(u, FakeScsiTask.of(0x12, 1, 0x80, 0, 255, 0)), 4, 3,
                java.nio.charset.StandardCharsets.US_ASCII));
        assertTrue(data(u, FakeScsiTask.of(0x12, 1, 0x83, 0, 255, 0)).length > 12);
        invalidField(2, -1, () -> u.parse(FakeScsiTask.of(0x12, 1, 0xB0, 0, 255, 0)));
        assertTrue(u.parse(FakeScsiTask.of(0x12, 0, 0, 0, 96, 0)).allowedWithUnitAttention());
    }

    @Test
    void reportSupportedOperationCodes() throws Exception {
        DvdUnit u = unit(null);
        byte[] d = data(u, FakeScsiTask.of(0xA3, 0x0C, 0, 0, 0, 0, 0, 0, 0x10, 0, 0, 0));
        Set<Integer> ops = new HashSet<>();
        for (int at = 4; at < d.length; at += 8) {
            ops.add(d[at] & 0xFF);
        }
        for (int op : new int[] {0x00, 0x12, 0x15, 0x1A, 0x1B, 0x1E, 0x25, 0x28, 0x2B, 0x43, 0x46, 0x4A, 0x51, 0x52,
            0x55, 0x5A, 0xA3, 0xA8, 0xAD, 0xB9, 0xBB, 0xBD, 0xBE}) {
            assertTrue(ops.contains(op), String.format("%02Xh listed", op));
        }
        assertFalse(ops.contains(0x2A), "no WRITE(10)");
        byte[] one = data(u, FakeScsiTask.of(0xA3, 0x0C, 0x01, 0x4A, 0, 0, 0, 0, 1, 0, 0, 0));
        assertEquals(0x03, one[1], "supported");
        assertEquals(10, u16(one, 2));
        assertEquals(0x01, one[4 + 1], "POLLED is the one bit of byte 1 used");
    }
}
