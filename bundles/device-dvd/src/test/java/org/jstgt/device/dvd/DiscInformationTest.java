package org.jstgt.device.dvd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.jstgt.testkit.FakeScsiTask;
import org.junit.jupiter.api.Test;

/** READ TOC/PMA/ATIP, READ DISC INFORMATION and READ TRACK INFORMATION. */
class DiscInformationTest extends DvdTestBase {

    @Test
    void tocInLbaAndMsf() throws Exception {
        DvdUnit u = unit(iso("x.iso", 1000, 1));
        byte[] t = data(u, readToc(false, 0, 0, 1024));
        assertEquals(20, t.length);
        assertEquals(18, u16(t, 0));
        assertEquals(1, t[2]);
        assertEquals(1, t[3]);
        assertEquals(0x14, t[5]);
        assertEquals(1, t[6]);
        assertEquals(0, u32(t, 8));
        assertEquals((byte) 0xAA, t[14]);
        assertEquals(1000, u32(t, 16));
        byte[] m = data(u, readToc(true, 0, 1, 1024));
        assertArrayEquals(new byte[] {0, 0, 2, 0}, java.util.Arrays.copyOfRange(m, 8, 12), "00:02:00");
        // lead-out at 1000 + 150 = 1150 frames = 00:15:25
        assertArrayEquals(new byte[] {0, 0, 15, 25}, java.util.Arrays.copyOfRange(m, 16, 20));
        byte[] leadOut = data(u, readToc(false, 0, 0xAA, 1024));
        assertEquals(12, leadOut.length);
        assertEquals((byte) 0xAA, leadOut[6]);
        invalidField(6, -1, () -> u.parse(readToc(false, 0, 2, 1024)));
        assertEquals(12, data(u, readToc(false, 0, 0, 12)).length, "cut at the allocation length");
    }

    @Test
    void msfOfALargeDvdSaturates() throws Exception {
        DvdUnit u = unit(sparseIso("dvd.iso", 2_300_000));
        byte[] m = data(u, readToc(true, 0, 0xAA, 12));
        assertArrayEquals(new byte[] {0, (byte) 255, 59, 74}, java.util.Arrays.copyOfRange(m, 8, 12));
    }

    @Test
    void sessionInformationAndTheOldFormatField() throws Exception {
        DvdUnit u = unit(iso("x.iso", 10, 1));
        byte[] s = data(u, readToc(false, 1, 0, 12));
        assertEquals(10, u16(s, 0));
        assertEquals(1, s[2]);
        assertEquals(1, s[3]);
        assertEquals(0x14, s[5]);
        assertEquals(1, s[6]);
        assertEquals(0, u32(s, 8));
        // Linux sr_cd_check: format 1 in CONTROL bits 7-6, FORMAT 0
        byte[] old = data(u, FakeScsiTask.of(0x43, 0, 0, 0, 0, 0, 0, 0, 12, 0x40));
        assertArrayEquals(s, old);
    }

    @Test
    void fullToc() throws Exception {
        DvdUnit u = unit(iso("x.iso", 1000, 1));
        byte[] f = data(u, readToc(false, 2, 1, 1024));
        assertEquals(4 + 4 * 11, f.length);
        assertEquals(f.length - 2, u16(f, 0));
        assertEquals((byte) 0xA0, f[4 + 3]);
        assertEquals(1, f[4 + 8], "first track");
        assertEquals((byte) 0xA1, f[15 + 3]);
        assertEquals((byte) 0xA2, f[26 + 3]);
        assertArrayEquals(new byte[] {0, 15, 25}, java.util.Arrays.copyOfRange(f, 26 + 8, 26 + 11));
        assertEquals(1, f[37 + 3]);
        assertArrayEquals(new byte[] {0, 2, 0}, java.util.Arrays.copyOfRange(f, 37 + 8, 37 + 11));
        invalidField(6, -1, () -> u.parse(readToc(false, 2, 2, 1024)));
    }

    @Test
    void tocFields() throws Exception {
        DvdUnit u = unit(iso("x.iso", 10, 1));
        for (int format = 3; format <= 0xF; format++) {
            int fmt = format;
            invalidField(2, 3, () -> u.parse(readToc(false, fmt, 0, 12)));
        }
        invalidField(1, 0, () -> u.parse(readToc(false, 0, 0, 12).withCdbByte(1, 0x01)));
        invalidField(2, 4, () -> u.parse(readToc(false, 0x10, 0, 12)));
        invalidField(4, -1, () -> u.parse(readToc(false, 0, 0, 12).withCdbByte(4, 1)));
        DvdUnit empty = unit(null);
        expect(Tray.TRAY_CLOSED, () -> run(empty, readToc(false, 0, 0, 12)));
    }

    @Test
    void discInformation() throws Exception {
        DvdUnit u = unit(iso("x.iso", 10, 1));
        byte[] d = data(u, FakeScsiTask.of(0x51, 0, 0, 0, 0, 0, 0, 0, 34, 0));
        assertEquals(34, d.length);
        assertEquals(32, u16(d, 0));
        assertEquals(0x0E, d[2], "complete session, finalized disc");
        assertEquals(1, d[3]);
        assertEquals(1, d[4]);
        assertEquals(0xFFFF_FFFFL, u32(d, 16));
        invalidField(1, 2, () -> u.parse(FakeScsiTask.of(0x51, 1, 0, 0, 0, 0, 0, 0, 34, 0)));
        invalidField(1, 3, () -> u.parse(FakeScsiTask.of(0x51, 8, 0, 0, 0, 0, 0, 0, 34, 0)));
        invalidField(3, -1, () -> u.parse(FakeScsiTask.of(0x51, 0, 0, 1, 0, 0, 0, 0, 34, 0)));
        expect(Tray.TRAY_CLOSED, () -> run(unit(null), FakeScsiTask.of(0x51, 0, 0, 0, 0, 0, 0, 0, 34, 0)));
    }

    static FakeScsiTask trackInfo(int type, long value) {
        return FakeScsiTask.of(0x52, type, (int) (value >>> 24), (int) (value >>> 16), (int) (value >>> 8),
                (int) value, 0, 0, 48, 0);
    }

    @Test
    void trackInformation() throws Exception {
        DvdUnit u = unit(iso("x.iso", 10, 1));
        byte[] t = data(u, trackInfo(0, 9));
        assertEquals(48, t.length);
        assertEquals(46, u16(t, 0));
        assertEquals(1, t[2]);
        assertEquals(1, t[3]);
        assertEquals(0x04, t[5]);
        assertEquals(0x01, t[6]);
        assertEquals(10, u32(t, 24));
        assertEquals(9, u32(t, 28));
        assertArrayEquals(t, data(u, trackInfo(1, 1)));
        assertArrayEquals(t, data(u, trackInfo(2, 1)));
        invalidField(2, -1, () -> run(u, trackInfo(0, 10)));
        invalidField(2, -1, () -> u.parse(trackInfo(1, 0)));
        invalidField(2, -1, () -> u.parse(trackInfo(1, 0xFF)));
        invalidField(2, -1, () -> u.parse(trackInfo(2, 2)));
        invalidField(1, 1, () -> u.parse(trackInfo(3, 1)));
        invalidField(1, 2, () -> u.parse(trackInfo(5, 1)));
    }
}
