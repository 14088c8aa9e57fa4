package org.jstgt.device.dvd;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

/** GET CONFIGURATION: profiles by image size, current profile, features by RT and starting feature. */
class ConfigurationTest extends DvdTestBase {

    /** @return the feature codes of a GET CONFIGURATION answer */
    static List<Integer> features(byte[] d) {
        List<Integer> codes = new ArrayList<>();
        assertEquals(d.length - 4, u32(d, 0), "DATA LENGTH");
        for (int at = 8; at < d.length; at += 4 + (d[at + 3] & 0xFF)) {
            codes.add(u16(d, at));
        }
        return codes;
    }

    /** @return the descriptor of a feature */
    static byte[] feature(byte[] d, int code) {
        for (int at = 8; at < d.length; at += 4 + (d[at + 3] & 0xFF)) {
            if (u16(d, at) == code) {
                return java.util.Arrays.copyOfRange(d, at, at + 4 + (d[at + 3] & 0xFF));
            }
        }
        throw new AssertionError("no feature " + code);
    }

    @Test
    void cdRomImage() throws Exception {
        DvdUnit u = unit(iso("cd.iso", 16, 1));
        byte[] d = data(u, getConfiguration(0, 0, 65535));
        assertEquals(Disc.PROFILE_CD_ROM, u16(d, 6));
        assertEquals(List.of(0x0000, 0x0001, 0x0002, 0x0003, 0x0010, 0x001E, 0x001F, 0x0100), features(d));
        assertEquals(0x00, feature(d, 0x001F)[2], "DVD Read not current with a CD");
        assertEquals(0x01, feature(d, 0x001E)[2], "CD Read current");
        assertEquals(4, feature(d, 0x001E)[3]);
        byte[] profiles = feature(d, 0);
        assertEquals(0x03, profiles[2], "version 0, persistent, current");
        assertEquals(8, profiles[3]);
        assertEquals(Disc.PROFILE_DVD_ROM, u16(profiles, 4));
        assertEquals(0, profiles[6], "DVD-ROM not current");
        assertEquals(Disc.PROFILE_CD_ROM, u16(profiles, 8));
        assertEquals(1, profiles[10], "CD-ROM current");
        byte[] random = feature(d, 0x0010);
        assertEquals(0x01, random[2], "current, not persistent");
        assertEquals(2048, u32(random, 4));
        assertEquals(1, u16(random, 8), "blocking 1 on CD");
        byte[] removable = feature(d, 0x0003);
        assertEquals(0x0B, removable[2], "version 2, persistent, current");
        assertEquals(0x39, removable[4], "tray, load, eject, lock");
        assertEquals(0x02, feature(d, 0x0002)[4], "OCEvent, polled only");
        assertEquals(1, u32(feature(d, 0x0001), 4), "SCSI family");
    }

    @Test
    void dvdRomImage() throws Exception {
        DvdUnit u = unit(sparseIso("dvd.iso", Disc.CD_MAX_BLOCKS + 1));
        byte[] d = data(u, getConfiguration(0, 0, 65535));
        assertEquals(Disc.PROFILE_DVD_ROM, u16(d, 6));
        byte[] profiles = feature(d, 0);
        assertEquals(1, profiles[6]);
        assertEquals(0, profiles[10]);
        assertEquals(16, u16(feature(d, 0x0010), 8), "blocking 16 on DVD");
        assertEquals(0x01, feature(d, 0x001F)[2], "DVD Read current");
        assertEquals(List.of(0x0000, 0x0001, 0x0002, 0x0003, 0x0010, 0x001F, 0x0100),
                features(data(u, getConfiguration(1, 0, 65535))), "CD Read is not current with a DVD");
    }

    @Test
    void largestCdIsStillACd() throws Exception {
        DvdUnit u = unit(sparseIso("cd80.iso", Disc.CD_MAX_BLOCKS));
        assertEquals(Disc.PROFILE_CD_ROM, u16(data(u, getConfiguration(0, 0, 8)), 6));
    }

    @Test
    void withoutMedium() throws Exception {
        DvdUnit u = unit(null);
        byte[] d = data(u, getConfiguration(0, 0, 65535));
        assertEquals(0, u16(d, 6), "no current profile");
        assertEquals(0x00, feature(d, 0x0010)[2], "Random Readable not current");
        byte[] profiles = feature(d, 0);
        assertEquals(0, profiles[6]);
        assertEquals(0, profiles[10]);
        assertEquals(List.of(0x0000, 0x0001, 0x0002, 0x0003, 0x0100), features(data(u, getConfiguration(1, 0, 65535))));
    }

    @Test
    void requestTypes() throws Exception {
        DvdUnit u = unit(iso("cd.iso", 16, 1));
        assertEquals(List.of(0x0003, 0x0010, 0x001E, 0x001F, 0x0100),
                features(data(u, getConfiguration(0, 3, 65535))));
        assertEquals(List.of(0x0010), features(data(u, getConfiguration(2, 0x10, 65535))));
        assertEquals(List.of(), features(data(u, getConfiguration(2, 0x1D, 65535))), "unknown feature: header only");
        assertEquals(List.of(), features(data(u, getConfiguration(0, 0x101, 65535))));
        byte[] header = data(u, getConfiguration(0, 0, 8));
        assertEquals(8, header.length);
        assertEquals(Disc.PROFILE_CD_ROM, u16(header, 6));
        invalidField(1, 1, () -> u.parse(getConfiguration(3, 0, 8)));
        invalidField(1, 2, () -> u.parse(getConfiguration(4, 0, 8)));
        invalidField(5, -1, () -> u.parse(getConfiguration(0, 0, 8).withCdbByte(5, 1)));
        assertEquals(true, u.parse(getConfiguration(0, 0, 8)).allowedWithUnitAttention());
    }
}
