package org.jstgt.device.dvd;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.jstgt.testkit.FakeScsiTask;
import org.junit.jupiter.api.Test;

/** READ DISC STRUCTURE. */
class DiscStructureTest extends DvdTestBase {

    static FakeScsiTask readDiscStructure(int layer, int format, int alloc) {
        return FakeScsiTask.of(0xAD, 0, 0, 0, 0, 0, layer, format, alloc >>> 8, alloc, 0, 0);
    }

    @Test
    void dvdStructures() throws Exception {
        long blocks = Disc.CD_MAX_BLOCKS + 100;
        DvdUnit u = unit(sparseIso("dvd.iso", blocks));
        byte[] p = data(u, readDiscStructure(0, 0, 4096));
        assertEquals(2052, p.length);
        assertEquals(2050, u16(p, 0));
        assertEquals(0x01, p[4], "DVD-ROM, part version 1");
        assertEquals(0x01, p[6] & 0x0F, "embossed");
        assertEquals(0x030000, u32(p, 8));
        assertEquals(0x030000 + blocks - 1, u32(p, 12));
        byte[] c = data(u, readDiscStructure(0, 1, 8));
        assertEquals(8, c.length);
        assertEquals(6, u16(c, 0));
        assertEquals(0, c[4], "no copy protection");
        assertEquals(0, c[5], "all regions");
        assertEquals(2052, data(u, readDiscStructure(0, 4, 4096)).length);
        byte[] list = data(u, readDiscStructure(0, 0xFF, 4096));
        assertEquals(4 + 16, list.length);
        assertEquals(0x01, list[8]);
        invalidField(7, -1, () -> u.parse(readDiscStructure(0, 2, 8)));
        invalidField(6, -1, () -> u.parse(readDiscStructure(1, 0, 8)));
        invalidField(1, 0, () -> u.parse(readDiscStructure(0, 0, 8).withCdbByte(1, 1)));
        invalidField(10, 6, () -> u.parse(readDiscStructure(0, 0, 8).withCdbByte(10, 0x40)));
        invalidField(2, -1, () -> u.parse(readDiscStructure(0, 0, 8).withCdbByte(2, 1)));
    }

    @Test
    void aCdHasNoDiscStructures() throws Exception {
        DvdUnit u = unit(iso("cd.iso", 4, 1));
        expect(DiscStructure.INCOMPATIBLE_FORMAT, () -> run(u, readDiscStructure(0, 0, 4096)));
        expect(Tray.TRAY_CLOSED, () -> run(unit(null), readDiscStructure(0, 0, 4096)));
    }
}
