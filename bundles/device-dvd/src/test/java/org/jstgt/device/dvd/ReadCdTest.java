package org.jstgt.device.dvd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import org.jstgt.api.scsi.SenseReason;
import org.jstgt.testkit.FakeScsiTask;
import org.junit.jupiter.api.Test;

/** READ CD and READ CD MSF. */
class ReadCdTest extends DvdTestBase {

    static FakeScsiTask readCd(int type, long lba, int count, int select) {
        return FakeScsiTask.of(0xBE, type << 2, (int) (lba >>> 24), (int) (lba >>> 16), (int) (lba >>> 8), (int) lba,
                count >>> 16, count >>> 8, count, select, 0, 0);
    }

    @Test
    void userDataHeadersAndSync() throws Exception {
        Path iso = iso("cd.iso", 20, 5);
        byte[] image = Files.readAllBytes(iso);
        DvdUnit u = unit(iso);
        assertArrayEquals(Arrays.copyOfRange(image, 2 * BLOCK, 5 * BLOCK), data(u, readCd(0, 2, 3, 0x10)));
        assertArrayEquals(Arrays.copyOfRange(image, 2 * BLOCK, 3 * BLOCK), data(u, readCd(2, 2, 1, 0x10)));
        byte[] raw = data(u, readCd(0, 10, 2, 0xF0));
        assertEquals(2 * 2064, raw.length);
        byte[] sync = {0, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, 0};
        assertArrayEquals(sync, Arrays.copyOfRange(raw, 0, 12));
        // LBA 10 + 150 = 160 frames = 00:02:10, BCD; mode 1
        assertArrayEquals(new byte[] {0x00, 0x02, 0x10, 0x01}, Arrays.copyOfRange(raw, 12, 16));
        assertArrayEquals(Arrays.copyOfRange(image, 10 * BLOCK, 11 * BLOCK), Arrays.copyOfRange(raw, 16, 2064));
        assertArrayEquals(new byte[] {0x00, 0x02, 0x11, 0x01}, Arrays.copyOfRange(raw, 2064 + 12, 2064 + 16));
        assertEquals(4, data(u, readCd(0, 0, 1, 0x20)).length, "header only");
        assertEquals(0, run(u, readCd(0, 0, 1, 0x00)), "nothing selected");
        assertEquals(0, run(u, readCd(0, 0, 1, 0x40)), "a Mode 1 sector has no subheader");
        // READ CD MSF from 00:02:02 to 00:02:04: LBA 2 and 3
        byte[] m = data(u, FakeScsiTask.of(0xB9, 0, 0, 0, 2, 2, 0, 2, 4, 0x10, 0, 0));
        assertArrayEquals(Arrays.copyOfRange(image, 2 * BLOCK, 4 * BLOCK), m);
    }

    @Test
    void badFields() throws Exception {
        DvdUnit u = unit(iso("cd.iso", 20, 5));
        expect(ReadCd.ILLEGAL_MODE, () -> run(u, readCd(1, 0, 1, 0x10)));
        expect(ReadCd.ILLEGAL_MODE, () -> run(u, readCd(4, 0, 1, 0x10)));
        invalidField(1, 4, () -> u.parse(readCd(6, 0, 1, 0x10)));
        invalidField(9, 3, () -> u.parse(readCd(0, 0, 1, 0xF8)));
        invalidField(9, 2, () -> u.parse(readCd(0, 0, 1, 0x14)));
        invalidField(9, 7, () -> u.parse(readCd(0, 0, 1, 0x90)));
        invalidField(10, 0, () -> u.parse(readCd(0, 0, 1, 0x10).withCdbByte(10, 1)));
        invalidField(1, 0, () -> u.parse(readCd(0, 0, 1, 0x10).withCdbByte(1, 1)));
        expect(SenseReason.LBA_OUT_OF_RANGE, () -> u.parse(readCd(0, 19, 2, 0x10)));
        invalidField(3, -1, () -> u.parse(FakeScsiTask.of(0xB9, 0, 0, 0, 1, 0, 0, 2, 4, 0x10, 0, 0)));
        invalidField(6, -1, () -> u.parse(FakeScsiTask.of(0xB9, 0, 0, 0, 2, 4, 0, 2, 2, 0x10, 0, 0)));
        invalidField(4, -1, () -> u.parse(FakeScsiTask.of(0xB9, 0, 0, 0, 60, 0, 0, 2, 2, 0x10, 0, 0)));
        DvdUnit dvd = unit(sparseIso("dvd.iso", Disc.CD_MAX_BLOCKS + 1));
        expect(DiscStructure.INCOMPATIBLE_FORMAT, () -> run(dvd, readCd(0, 0, 1, 0x10)));
        expect(Tray.TRAY_CLOSED, () -> unit(null).parse(readCd(0, 0, 1, 0x10)));
    }
}
