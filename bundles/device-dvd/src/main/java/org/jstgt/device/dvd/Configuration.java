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
 * GET CONFIGURATION (MMC-6): the drive's profiles and features. Profiles DVD-ROM (0010h) and
 * CD-ROM (0008h), the current one chosen by the disc's size ({@link Disc#profile()}), 0000h without
 * a disc. Features, all true of this drive: Profile List (0000h), Core (0001h), Morphing (0002h),
 * Removable Medium (0003h), Random Readable (0010h, current with a disc), CD Read (001Eh,
 * current with a CD: READ CD and READ CD MSF), DVD Read (001Fh, current with a DVD: READ DISC
 * STRUCTURE) and Power Management (0100h). Runs while a unit attention is pending (MMC-6) and
 * does not clear it.
 */
final class Configuration implements CommandFamily {
    static final int PROFILE_LIST = 0x0000;
    static final int CORE = 0x0001;
    static final int MORPHING = 0x0002;
    static final int REMOVABLE_MEDIUM = 0x0003;
    static final int RANDOM_READABLE = 0x0010;
    static final int CD_READ = 0x001E;
    static final int DVD_READ = 0x001F;
    static final int POWER_MANAGEMENT = 0x0100;
    /** Every feature, ascending. */
    private static final int[] FEATURES = {PROFILE_LIST, CORE, MORPHING, REMOVABLE_MEDIUM, RANDOM_READABLE,
        CD_READ, DVD_READ, POWER_MANAGEMENT};

    private final Tray tray;

    Configuration(Tray tray) {
        this.tray = tray;
    }

    @Override
    public void register(OpcodeTable.Builder table) {
        table.command(0x46, "GET CONFIGURATION", 10).in().allowedWithUnitAttention()
                .reservation(ReservationClass.ALLOWED)
                .usage(0, 0x03, 0xFF, 0xFF, 0, 0, 0, 0xFF, 0xFF, 0)
                .handler(this::parse);
    }

    /**
     * GET CONFIGURATION CDB: byte 1 RT (1-0), bits 7-2 reserved; bytes 2-3 STARTING FEATURE
     * NUMBER; bytes 4-6 reserved; bytes 7-8 ALLOCATION LENGTH. RT 00b: every feature from the
     * starting one; 01b: the current ones among them; 10b: that one feature only; 11b reserved.
     */
    private CommandDescriptor parse(ScsiTask task) throws ScsiException {
        Cdb cdb = task.cdb();
        CdbChecks.requireZero(cdb, 1, 0xFC);
        CdbChecks.requireZeroBytes(cdb, 4, 6);
        int rt = cdb.u8(1) & 0x03;
        if (rt == 0b11) {
            throw ScsiException.invalidCdbField(1, 1);
        }
        int start = cdb.u16(2);
        return Commands.dataIn(cdb.u16(7), t -> data(rt, start));
    }

    /**
     * Feature header (MMC-6): bytes 0-3 DATA LENGTH (n - 3), bytes 6-7 CURRENT PROFILE;
     * then the feature descriptors.
     */
    byte[] data(int rt, int start) {
        Disc d = tray.peek();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(new byte[8]);
        for (int code : FEATURES) {
            if (rt == 0b10 ? code != start : code < start) {
                continue;
            }
            boolean current = switch (code) {
                case RANDOM_READABLE -> d != null;
                case CD_READ -> d != null && !d.dvd();
                case DVD_READ -> d != null && d.dvd();
                default -> true;
            };
            if (rt == 0b01 && !current) {
                continue;
            }
            out.writeBytes(feature(code, current, d));
        }
        byte[] b = out.toByteArray();
        Bytes.putU32(b, 0, b.length - 4L);
        Bytes.putU16(b, 6, d == null ? 0 : d.profile());
        return b;
    }

    /**
     * A feature descriptor (MMC-6): bytes 0-1 FEATURE CODE; byte 2 VERSION (5-2),
     * PERSISTENT (1), CURRENT (0); byte 3 ADDITIONAL LENGTH; then the feature's data.
     */
    private static byte[] feature(int code, boolean current, Disc d) {
        int version;
        boolean persistent = true;
        byte[] data;
        switch (code) {
            case PROFILE_LIST -> {
                // profile descriptors, bytes 0-1 PROFILE NUMBER, byte 2 CURRENTP (bit 0)
                version = 0;
                data = new byte[8];
                Bytes.putU16(data, 0, Disc.PROFILE_DVD_ROM);
                data[2] = (byte) (d != null && d.dvd() ? 1 : 0);
                Bytes.putU16(data, 4, Disc.PROFILE_CD_ROM);
                data[6] = (byte) (d != null && !d.dvd() ? 1 : 0);
            }
            case CORE -> {
                // bytes 4-7 PHYSICAL INTERFACE STANDARD 00000001h (SCSI family); byte 8 INQ2 (1), DBE (0)
                version = 2;
                data = new byte[8];
                Bytes.putU32(data, 0, 1);
                data[4] = 0x02;
            }
            case MORPHING -> {
                // byte 4 OCEVENT (1): operational change events are reported; ASYNC (0) 0: polled only
                version = 1;
                data = new byte[4];
                data[0] = 0x02;
            }
            case REMOVABLE_MEDIUM -> {
                // byte 4 LOADING MECHANISM TYPE (7-5) 001b tray, LOAD (4), EJECT (3),
                // PVNT JMPR (2) 0, DBML (1) 0, LOCK (0)
                version = 2;
                data = new byte[4];
                data[0] = 0x20 | 0x10 | 0x08 | 0x01;
            }
            case RANDOM_READABLE -> {
                // bytes 4-7 LOGICAL BLOCK SIZE, 8-9 BLOCKING (16 on DVD, 1 on CD), byte 10 PP (0):
                // the Read/Write Error Recovery mode page is present
                version = 0;
                persistent = false;
                data = new byte[8];
                Bytes.putU32(data, 0, Disc.BLOCK);
                Bytes.putU16(data, 4, d != null && d.dvd() ? 16 : 1);
                data[6] = 0x01;
            }
            case CD_READ -> {
                // version 0: byte 4 DAP (7), C2 FLAGS (1), CD-TEXT (0) all 0
                version = 0;
                persistent = false;
                data = new byte[4];
            }
            case DVD_READ -> {
                // version 0: no data (READ DISC STRUCTURE of DVD-ROM structures)
                version = 0;
                persistent = false;
                data = new byte[0];
            }
            case POWER_MANAGEMENT -> {
                version = 0;
                data = new byte[0];
            }
            default -> throw new IllegalArgumentException("feature " + code);
        }
        byte[] f = new byte[4 + data.length];
        Bytes.putU16(f, 0, code);
        f[2] = (byte) ((version << 2) | (persistent ? 0x02 : 0) | (current ? 0x01 : 0));
        f[3] = (byte) data.length;
        System.arraycopy(data, 0, f, 4, data.length);
        return f;
    }
}
