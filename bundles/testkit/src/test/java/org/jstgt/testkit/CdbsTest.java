package org.jstgt.testkit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;

import org.junit.jupiter.api.Test;

class CdbsTest {

    @Test
    void read10AndWrite10() {
        assertArrayEquals(Cdbs.raw(0x28, 0x08, 0x12, 0x34, 0x56, 0x78, 0, 0x01, 0x00, 0),
                Cdbs.read10(0x12345678L, 256, Cdbs.FUA));
        assertArrayEquals(Cdbs.raw(0x2a, 0, 0, 0, 0, 1, 0, 0, 8, 0), Cdbs.write10(1, 8));
        assertThrows(IllegalArgumentException.class, () -> Cdbs.read10(0x1_0000_0000L, 1));
        assertThrows(IllegalArgumentException.class, () -> Cdbs.write10(0, 65536));
    }

    @Test
    void read16AndWrite16() {
        byte[] c = Cdbs.read16(0x0102030405060708L, 0x10000);
        assertEquals(16, c.length);
        assertEquals(0x88, c[0] & 0xff);
        assertArrayEquals(Cdbs.raw(1, 2, 3, 4, 5, 6, 7, 8, 0, 1, 0, 0), java.util.Arrays.copyOfRange(c, 2, 14));
        assertEquals(0x8a, Cdbs.write16(0, 1)[0] & 0xff);
    }

    @Test
    void inquiryAndCapacityAndReportLuns() {
        assertArrayEquals(Cdbs.raw(0x12, 1, 0x80, 0x01, 0x00, 0), Cdbs.inquiry(true, 0x80, 256));
        assertArrayEquals(Cdbs.raw(0x9e, 0x10, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 32, 0, 0), Cdbs.readCapacity16(32));
        assertArrayEquals(Cdbs.raw(0xa0, 0, 0, 0, 0, 0, 0, 0, 0x10, 0, 0, 0), Cdbs.reportLuns(0, 4096));
        assertArrayEquals(Cdbs.raw(0x5a, 0x18, 0x7f, 0xff, 0, 0, 0, 0x10, 0, 0), Cdbs.modeSense10(true, true, 1, 0x3f,
                0xff, 4096));
        assertArrayEquals(Cdbs.raw(0x1a, 0x08, 0x08, 0, 0xff, 0), Cdbs.modeSense6(true, 0, 8, 0, 255));
        assertArrayEquals(Cdbs.raw(0x35, 0x02, 0, 0, 0, 0, 0, 0, 0, 0), Cdbs.synchronizeCache10(0, 0, true));
        assertArrayEquals(Cdbs.raw(0x03, 1, 0, 0, 252, 0), Cdbs.requestSense(252, true));
    }

    @Test
    void decodesCapacityAndLunList() {
        byte[] cap = new byte[32];
        cap[4] = 0x00;
        cap[5] = 0x1f;
        cap[6] = (byte) 0xff;
        cap[7] = (byte) 0xff;
        cap[10] = 2;
        ScsiData.Capacity c = ScsiData.readCapacity16(cap);
        assertEquals(0x1fffffL, c.lastLba());
        assertEquals(512, c.blockLength());
        assertEquals(1L << 30, c.bytes());
        byte[] luns = new byte[8 + 16];
        luns[3] = 16;
        luns[8 + 8] = 0x40;
        luns[8 + 9] = 0x01;
        assertEquals(List.of(0, 0x1), ScsiData.reportLuns(luns));
    }
}
