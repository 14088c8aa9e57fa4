package org.jstgt.device.dvd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import org.jstgt.api.scsi.SenseReason;
import org.jstgt.testkit.FakeScsiTask;
import org.junit.jupiter.api.Test;

/**
 * The command sequences initiators send, as read from their sources: Linux's sr.c (probe:
 * get_capabilities, sr_cd_check, get_sectorsize; sr_check_events polling; sr_drive_status),
 * cdrom.c (open_for_data: track count, profile, door lock; CDROMEJECT and CDROMCLOSETRAY) and
 * iPXE's SAN boot from a CD-ROM (TEST UNIT READY, READ CAPACITY(10), READ(10) of 2048-byte blocks).
 */
class LinuxAttachTest extends DvdTestBase {

    /** An image with an ISO 9660 primary volume descriptor at LBA 16. */
    Path isoImage() throws Exception {
        Path p = iso("debian.iso", 400, 7);
        byte[] b = Files.readAllBytes(p);
        b[16 * BLOCK] = 1;
        System.arraycopy("CD001".getBytes(StandardCharsets.US_ASCII), 0, b, 16 * BLOCK + 1, 5);
        Files.write(p, b);
        return p;
    }

    @Test
    void probeOpenEjectAndClose() throws Exception {
        Path iso = isoImage();
        byte[] image = Files.readAllBytes(iso);
        DvdUnit u = unit(iso);

        // scsi_scan: INQUIRY 36 bytes -> TYPE_ROM, removable
        byte[] inq = data(u, FakeScsiTask.of(0x12, 0, 0, 0, 36, 0));
        assertEquals(36, inq.length);
        assertEquals(5, inq[0] & 0x1F);
        assertEquals((byte) 0x80, inq[1]);

        // get_capabilities: TEST UNIT READY, then MODE SENSE(10) page 2Ah into 128 bytes
        assertEquals(0, run(u, tur()));
        byte[] ms = data(u, FakeScsiTask.of(0x5A, 0, 0x2A, 0, 0, 0, 0, 0, 128, 0));
        int n = 8 + u16(ms, 6);
        assertEquals(0x2A, ms[n] & 0x3F);
        assertTrue((ms[n + 2] & 0x08) != 0, "a DVD drive (not CDC_DVD)");
        assertEquals(0, ms[n + 3], "not a writer: no CDC_CD_R, CDC_CD_RW, CDC_DVD_R, CDC_DVD_RAM");
        assertTrue((ms[n + 6] & 0x01) != 0, "can lock (CDC_LOCK)");
        assertTrue((ms[n + 6] & 0x08) != 0, "can eject (CDC_OPEN_TRAY)");
        assertEquals(1, (ms[n + 6] & 0xFF) >>> 5, "tray: CDC_CLOSE_TRAY kept");
        assertTrue(u16(ms, n + 8) / 176 > 0, "cdi.speed");

        // sr_cd_check (VENDOR_SCSI3): READ TOC with the session format in CONTROL bits 7-6
        byte[] ms0 = data(u, FakeScsiTask.of(0x43, 0, 0, 0, 0, 0, 0, 0, 12, 0x40));
        assertTrue(u16(ms0, 0) >= 0x0A, "multisession answered");
        assertTrue(ms0[6] <= 1, "first track: no multisession offset");

        // get_sectorsize: READ CAPACITY(10)
        byte[] cap = data(u, readCapacity());
        assertEquals(2048, u32(cap, 4));
        assertEquals(400, u32(cap, 0) + 1);

        // disk events poll: sr_get_events then TEST UNIT READY
        byte[] ev = data(u, gesn(0x10, 8));
        assertTrue(u16(ev, 0) >= 4, "data_len >= sizeof(media event)");
        assertEquals(0, ev[2] & 0x80, "event available");
        assertEquals(4, ev[2] & 0x07, "media class");
        assertEquals(0x02, ev[5] & 0x03, "media present");
        assertEquals(0, run(u, tur()));

        // cdrom_open -> open_for_data: drive status, track count, profile, lock
        assertEquals(0, run(u, tur()));
        byte[] hdr = data(u, readToc(false, 0, 0, 12));
        assertEquals(1, hdr[2]);
        assertEquals(1, hdr[3]);
        byte[] entry = data(u, readToc(true, 0, 1, 12));
        assertEquals(0x04, entry[5] & 0x0F, "data track");
        data(u, readToc(true, 0, 0xAA, 12));
        byte[] profile = data(u, getConfiguration(0, 0, 8));
        assertEquals(Disc.PROFILE_CD_ROM, u16(profile, 6));
        assertEquals(0, run(u, preventAllow(1)));

        // mount: the ISO 9660 volume descriptor
        byte[] pvd = data(u, read10(16, 1));
        assertEquals("CD001", new String(pvd, 1, 5, StandardCharsets.US_ASCII));
        assertArrayEquals(Arrays.copyOfRange(image, 0, 64 * BLOCK), data(u, read10(0, 64)));

        // eject while locked by another opener: refused
        expect(SenseReason.MEDIUM_REMOVAL_PREVENTED, () -> run(u, FakeScsiTask.of(0x1B, 0, 0, 0, 0x02, 0)));
        // CDROMEJECT: unlock, START STOP UNIT LOEJ
        assertEquals(0, run(u, preventAllow(0)));
        assertEquals(0, run(u, FakeScsiTask.of(0x1B, 0, 0, 0, 0x02, 0)));
        ev = data(u, gesn(0x10, 8));
        assertEquals(Tray.MEDIA_REMOVAL, ev[4] & 0x0F);
        assertEquals(0x01, ev[5] & 0x03, "tray open, no media");
        var notReady = expect(Tray.TRAY_OPEN, () -> run(u, tur()));
        assertEquals(0x3A, notReady.sense().asc(), "sr_media_change: 0x3a, no disc");
        expect(Tray.TRAY_OPEN, () -> run(u, readCapacity()));

        // CDROMCLOSETRAY: START STOP UNIT LOEJ START; the disc comes back with a unit attention
        assertEquals(0, run(u, FakeScsiTask.of(0x1B, 0, 0, 0, 0x03, 0)));
        assertEquals(List.of(SenseReason.NOT_READY_TO_READY_CHANGE_MEDIUM_MAY_HAVE_CHANGED.sense()), raised);
        assertEquals(Tray.NEW_MEDIA, data(u, gesn(0x10, 8))[4] & 0x0F);
        assertEquals(0, run(u, tur()));
        assertEquals(399, u32(data(u, readCapacity()), 0));
    }

    @Test
    void probeOfAnEmptyDrive() throws Exception {
        DvdUnit u = unit(null);
        assertEquals(5, data(u, FakeScsiTask.of(0x12, 0, 0, 0, 36, 0))[0]);
        expect(Tray.TRAY_CLOSED, () -> run(u, tur()));
        assertEquals(8 + 32, data(u, FakeScsiTask.of(0x5A, 0, 0x2A, 0, 0, 0, 0, 0, 128, 0)).length);
        // sr_cd_check and get_sectorsize fail NOT READY: sr guesses 2048-byte sectors
        expect(Tray.TRAY_CLOSED, () -> run(u, FakeScsiTask.of(0x43, 0, 0, 0, 0, 0, 0, 0, 12, 0x40)));
        expect(Tray.TRAY_CLOSED, () -> run(u, readCapacity()));
        byte[] ev = data(u, gesn(0x10, 8));
        assertEquals(0, ev[5] & 0x03, "no media, tray closed");
        assertEquals(0, u16(data(u, getConfiguration(0, 0, 8)), 6), "no current profile");
    }

    @Test
    void ipxeSanBoot() throws Exception {
        Path iso = isoImage();
        byte[] image = Files.readAllBytes(iso);
        DvdUnit u = unit(iso);
        assertEquals(0, run(u, tur()));
        byte[] cap = data(u, readCapacity());
        long blocks = u32(cap, 0) + 1;
        assertEquals(2048, u32(cap, 4));
        // El Torito boot record volume descriptor at LBA 17, then the whole image in 32-block reads
        assertArrayEquals(Arrays.copyOfRange(image, 17 * BLOCK, 18 * BLOCK), data(u, read10(17, 1)));
        for (long lba = 0; lba < blocks; lba += 32) {
            int count = (int) Math.min(32, blocks - lba);
            assertArrayEquals(Arrays.copyOfRange(image, (int) lba * BLOCK, (int) (lba + count) * BLOCK),
                    data(u, read10(lba, count)), "blocks at " + lba);
        }
    }
}
