package org.jstgt.device.dvd;

import java.io.ByteArrayOutputStream;

import org.jstgt.api.scsi.Cdb;
import org.jstgt.api.scsi.CommandDescriptor;
import org.jstgt.api.scsi.ReservationClass;
import org.jstgt.api.scsi.ScsiException;
import org.jstgt.api.scsi.ScsiTask;
import org.jstgt.scsi.spc.Bytes;
import org.jstgt.scsi.spc.CdbChecks;
import org.jstgt.scsi.spc.Commands;
import org.jstgt.scsi.spc.OpcodeTable;

/**
 * The disc's layout, as a finalized single-session disc with one data track (track 1, Mode 1 /
 * DVD data, from LBA 0 to the last block): READ TOC/PMA/ATIP formats 0 (TOC), 1 (session
 * information) and 2 (full TOC), READ DISC INFORMATION and READ TRACK INFORMATION (MMC-6).
 * Without a disc they answer NOT READY.
 *
 * <p>MSF addresses are LBA + 150 frames at 75 frames a second (MMC-6); an address past
 * 255:59:74, which a DVD's lead-out can be, is reported as 255:59:74.
 */
final class DiscInformation implements CommandFamily {
    /** Track number of the lead-out in a TOC. */
    static final int LEAD_OUT = 0xAA;
    /** ADR 1h (Q sub-channel mode 1), CONTROL 4h (data track, recorded uninterrupted). */
    static final int ADR_CONTROL = 0x14;

    private final Tray tray;

    DiscInformation(Tray tray) {
        this.tray = tray;
    }

    @Override
    public void register(OpcodeTable.Builder table) {
        table.command(0x43, "READ TOC/PMA/ATIP", 10).in().reservation(ReservationClass.READ)
                .usage(0, 0x02, 0x0F, 0, 0, 0, 0xFF, 0xFF, 0xFF, 0xC0)
                .handler(this::readToc)
                .command(0x51, "READ DISC INFORMATION", 10).in().reservation(ReservationClass.READ)
                .usage(0, 0x07, 0, 0, 0, 0, 0, 0xFF, 0xFF, 0)
                .handler(this::readDiscInformation)
                .command(0x52, "READ TRACK INFORMATION", 10).in().reservation(ReservationClass.READ)
                .usage(0, 0x07, 0xFF, 0xFF, 0xFF, 0xFF, 0, 0xFF, 0xFF, 0)
                .handler(this::readTrackInformation);
    }

    /**
     * READ TOC/PMA/ATIP (MMC-6): byte 1 MSF (bit 1), other bits reserved; byte 2 FORMAT
     * (3-0), bits 7-4 reserved; bytes 3-5 reserved; byte 6 TRACK/SESSION NUMBER; bytes 7-8
     * ALLOCATION LENGTH; byte 9 CONTROL, whose vendor-specific bits 7-6 carried the format before
     * MMC (SFF-8020; Linux's sr still asks for session information that way): they are read when
     * FORMAT is 0. Formats 3 (PMA), 4 (ATIP) and 5 (CD-TEXT) are for recordable or audio media.
     */
    private CommandDescriptor readToc(ScsiTask task) throws ScsiException {
        Cdb cdb = task.cdb();
        CdbChecks.requireZero(cdb, 1, 0xFD);
        CdbChecks.requireZero(cdb, 2, 0xF0);
        CdbChecks.requireZeroBytes(cdb, 3, 5);
        boolean msf = cdb.bit(1, 1);
        int format = cdb.u8(2) & 0x0F;
        if (format == 0) {
            format = cdb.u8(9) >>> 6;
        }
        int number = cdb.u8(6);
        int f = format;
        switch (f) {
            case 0 -> {
                if (number > 1 && number != LEAD_OUT) {
                    throw ScsiException.invalidCdbField(6, -1);
                }
            }
            case 1 -> {
            }
            case 2 -> {
                if (number > 1) {
                    throw ScsiException.invalidCdbField(6, -1);
                }
            }
            default -> throw ScsiException.invalidCdbField(2, 3);
        }
        return Commands.dataIn(cdb.u16(7), t -> {
            Disc d = tray.acquire();
            try {
                return switch (f) {
                    case 0 -> toc(d, msf, number);
                    case 1 -> sessionInformation(msf);
                    default -> fullToc(d);
                };
            } finally {
                d.release();
            }
        });
    }

    /**
     * Format 0000b: header bytes 0-1 TOC DATA LENGTH (n - 1), byte 2 FIRST TRACK
     * NUMBER, byte 3 LAST TRACK NUMBER; then 8-byte track descriptors from the track asked for
     * (0 as 1) and the lead-out: byte 1 ADR (7-4), CONTROL (3-0); byte 2 TRACK NUMBER; bytes 4-7
     * TRACK START ADDRESS.
     */
    static byte[] toc(Disc d, boolean msf, int from) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(new byte[] {0, 0, 1, 1});
        if (from <= 1) {
            out.writeBytes(trackDescriptor(1, 0, msf));
        }
        out.writeBytes(trackDescriptor(LEAD_OUT, d.blocks(), msf));
        byte[] b = out.toByteArray();
        Bytes.putU16(b, 0, b.length - 2);
        return b;
    }

    private static byte[] trackDescriptor(int track, long lba, boolean msf) {
        byte[] t = new byte[8];
        t[1] = ADR_CONTROL;
        t[2] = (byte) track;
        address(t, 4, lba, msf);
        return t;
    }

    /**
     * Format 0001b: TOC DATA LENGTH 000Ah, FIRST and LAST COMPLETE SESSION NUMBER 1;
     * one descriptor: ADR/CONTROL, FIRST TRACK NUMBER IN LAST COMPLETE SESSION (1), its START
     * ADDRESS (0).
     */
    static byte[] sessionInformation(boolean msf) {
        byte[] b = new byte[12];
        Bytes.putU16(b, 0, 10);
        b[2] = 1;
        b[3] = 1;
        b[5] = ADR_CONTROL;
        b[6] = 1;
        address(b, 8, 0, msf);
        return b;
    }

    /**
     * Format 0010b, addresses always MSF: header TOC DATA LENGTH, FIRST and LAST
     * COMPLETE SESSION NUMBER; 11-byte descriptors (SESSION NUMBER, ADR/CONTROL, TNO 0, POINT,
     * MIN, SEC, FRAME, ZERO, PMIN, PSEC, PFRAME) for POINT A0h (first track 1, disc type 00h
     * CD-ROM), A1h (last track 1), A2h (lead-out start) and track 1 (start 00:02:00).
     */
    static byte[] fullToc(Disc d) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(new byte[] {0, 0, 1, 1});
        out.writeBytes(point(0xA0, new byte[] {1, 0, 0}));
        out.writeBytes(point(0xA1, new byte[] {1, 0, 0}));
        byte[] leadOut = new byte[4];
        address(leadOut, 0, d.blocks(), true);
        out.writeBytes(point(0xA2, new byte[] {leadOut[1], leadOut[2], leadOut[3]}));
        byte[] first = new byte[4];
        address(first, 0, 0, true);
        out.writeBytes(point(1, new byte[] {first[1], first[2], first[3]}));
        byte[] b = out.toByteArray();
        Bytes.putU16(b, 0, b.length - 2);
        return b;
    }

    private static byte[] point(int point, byte[] p) {
        byte[] t = new byte[11];
        t[0] = 1;
        t[1] = ADR_CONTROL;
        t[3] = (byte) point;
        System.arraycopy(p, 0, t, 8, 3);
        return t;
    }

    /** Writes an address at {@code at}: 4-byte LBA, or 00h M S F (MMC-6). */
    static void address(byte[] b, int at, long lba, boolean msf) {
        if (!msf) {
            Bytes.putU32(b, at, lba);
            return;
        }
        long frames = lba + 150;
        long m = frames / (60 * 75);
        if (m > 255) {
            b[at + 1] = (byte) 255;
            b[at + 2] = 59;
            b[at + 3] = 74;
            return;
        }
        b[at + 1] = (byte) m;
        b[at + 2] = (byte) (frames / 75 % 60);
        b[at + 3] = (byte) (frames % 75);
    }

    /**
     * READ DISC INFORMATION (MMC-6): byte 1 DATA TYPE (2-0), bits 7-3 reserved; bytes 2-6
     * reserved; bytes 7-8 ALLOCATION LENGTH. Only standard disc information (000b).
     */
    private CommandDescriptor readDiscInformation(ScsiTask task) throws ScsiException {
        Cdb cdb = task.cdb();
        CdbChecks.requireZero(cdb, 1, 0xF8);
        if ((cdb.u8(1) & 0x07) != 0) {
            throw ScsiException.invalidCdbField(1, 2);
        }
        CdbChecks.requireZeroBytes(cdb, 2, 6);
        return Commands.dataIn(cdb.u16(7), t -> {
            tray.acquire().release();
            return discInformation();
        });
    }

    /**
     * Standard disc information, 34 bytes: bytes 0-1 DISC INFORMATION LENGTH (n - 1);
     * byte 2 DISC INFORMATION DATA TYPE 000b (7-5), ERASABLE (4) 0, STATE OF LAST SESSION (3-2) 11b
     * complete, DISC STATUS (1-0) 10b finalized; byte 3 NUMBER OF FIRST TRACK ON DISC; bytes 4-6
     * NUMBER OF SESSIONS, FIRST and LAST TRACK NUMBER IN LAST SESSION (LSB), all 1; byte 7 DID_V,
     * DBC_V, URU, DAC_V 0; byte 8 DISC TYPE 00h; bytes 16-19 LAST SESSION LEAD-IN START ADDRESS and
     * 20-23 LAST POSSIBLE LEAD-OUT START ADDRESS FFFFFFFFh (a complete disc has no more).
     */
    static byte[] discInformation() {
        byte[] b = new byte[34];
        Bytes.putU16(b, 0, 32);
        b[2] = 0x0E;
        b[3] = 1;
        b[4] = 1;
        b[5] = 1;
        b[6] = 1;
        Bytes.putU32(b, 16, 0xFFFF_FFFFL);
        Bytes.putU32(b, 20, 0xFFFF_FFFFL);
        return b;
    }

    /**
     * READ TRACK INFORMATION (MMC-6): byte 1 OPEN (2), ADDRESS/NUMBER TYPE (1-0), bits 7-3
     * reserved; bytes 2-5 LOGICAL BLOCK ADDRESS/TRACK/SESSION NUMBER; byte 6 reserved; bytes 7-8
     * ALLOCATION LENGTH. Type 00b: the track holding that LBA; 01b: track 1 (0, the lead-in, and
     * FFh, the invisible track, do not exist on a finalized ROM); 10b: the first track of session 1.
     * OPEN asks for an open track, of which there is none.
     */
    private CommandDescriptor readTrackInformation(ScsiTask task) throws ScsiException {
        Cdb cdb = task.cdb();
        CdbChecks.requireZero(cdb, 1, 0xFC);
        CdbChecks.requireZeroBytes(cdb, 6, 6);
        int type = cdb.u8(1) & 0x03;
        long value = cdb.u32(2);
        switch (type) {
            case 0b00 -> {
            }
            case 0b01, 0b10 -> {
                if (value != 1) {
                    throw ScsiException.invalidCdbField(2, -1);
                }
            }
            default -> throw ScsiException.invalidCdbField(1, 1);
        }
        return Commands.dataIn(cdb.u16(7), t -> {
            Disc d = tray.acquire();
            try {
                if (type == 0b00 && value >= d.blocks()) {
                    throw ScsiException.invalidCdbField(2, -1);
                }
                return trackInformation(d);
            } finally {
                d.release();
            }
        });
    }

    /**
     * Track information, 48 bytes: bytes 0-1 DATA LENGTH (n - 1); byte 2 TRACK NUMBER
     * (LSB) 1; byte 3 SESSION NUMBER (LSB) 1; byte 5 DAMAGE, COPY 0, TRACK MODE (3-0) 4h (data,
     * uninterrupted); byte 6 RT, BLANK, PACKET/INC, FP 0, DATA MODE (3-0) 1h (Mode 1); byte 7 LRA_V
     * (1) 1, NWA_V (0) 0; bytes 8-11 TRACK START ADDRESS 0; bytes 20-23 FIXED PACKET SIZE/BLOCKING
     * FACTOR (16 on DVD); bytes 24-27 TRACK SIZE; bytes 28-31 LAST RECORDED ADDRESS.
     */
    static byte[] trackInformation(Disc d) {
        byte[] b = new byte[48];
        Bytes.putU16(b, 0, 46);
        b[2] = 1;
        b[3] = 1;
        b[5] = 0x04;
        b[6] = 0x01;
        b[7] = 0x02;
        Bytes.putU32(b, 20, d.dvd() ? 16 : 0);
        Bytes.putU32(b, 24, d.blocks());
        Bytes.putU32(b, 28, d.lastLba());
        return b;
    }
}
