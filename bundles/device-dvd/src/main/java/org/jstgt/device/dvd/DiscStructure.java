package org.jstgt.device.dvd;

import org.jstgt.api.scsi.Cdb;
import org.jstgt.api.scsi.CommandDescriptor;
import org.jstgt.api.scsi.ReservationClass;
import org.jstgt.api.scsi.ScsiException;
import org.jstgt.api.scsi.ScsiTask;
import org.jstgt.api.scsi.Sense;
import org.jstgt.api.scsi.SenseKey;
import org.jstgt.scsi.spc.Bytes;
import org.jstgt.scsi.spc.CdbChecks;
import org.jstgt.scsi.spc.Commands;
import org.jstgt.scsi.spc.OpcodeTable;

/**
 * READ DISC STRUCTURE (MMC-6) for DVD media, as the DVD Read feature requires it: formats
 * 00h (physical format information of a single-layer embossed DVD-ROM), 01h (copyright: no
 * protection, all regions), 04h (disc manufacturing information, empty) and FFh (the list). A CD in
 * the drive has no such structures: CANNOT READ MEDIUM - INCOMPATIBLE FORMAT (30h/02h).
 */
final class DiscStructure implements CommandFamily {
    static final int PHYSICAL = 0x00;
    static final int COPYRIGHT = 0x01;
    static final int MANUFACTURING = 0x04;
    static final int LIST = 0xFF;
    /** ILLEGAL REQUEST, CANNOT READ MEDIUM - INCOMPATIBLE FORMAT (SPC-4 annex D). */
    static final Sense INCOMPATIBLE_FORMAT = Sense.of(SenseKey.ILLEGAL_REQUEST, 0x30, 0x02);
    /** First physical sector number of the data area of a DVD-ROM (ECMA-267). */
    static final long DATA_AREA_START = 0x030000;

    private final Tray tray;

    DiscStructure(Tray tray) {
        this.tray = tray;
    }

    @Override
    public void register(OpcodeTable.Builder table) {
        table.command(0xAD, "READ DISC STRUCTURE", 12).in().reservation(ReservationClass.READ)
                .usage(0, 0x0F, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0, 0)
                .handler(this::parse);
    }

    /**
     * CDB: byte 1 MEDIA TYPE (3-0) 0h (DVD), bits 7-4 reserved; bytes 2-5 ADDRESS (0 for these
     * formats); byte 6 LAYER NUMBER (0: one layer); byte 7 FORMAT CODE; bytes 8-9 ALLOCATION
     * LENGTH; byte 10 AGID (7-6), for the key exchange formats only (not offered), 0.
     */
    private CommandDescriptor parse(ScsiTask task) throws ScsiException {
        Cdb cdb = task.cdb();
        CdbChecks.requireZero(cdb, 1, 0xFF);
        CdbChecks.requireZeroBytes(cdb, 2, 5);
        CdbChecks.requireZero(cdb, 10, 0xFF);
        int format = cdb.u8(7);
        if (format != PHYSICAL && format != COPYRIGHT && format != MANUFACTURING && format != LIST) {
            throw ScsiException.invalidCdbField(7, -1);
        }
        if (format != LIST && cdb.u8(6) != 0) {
            throw ScsiException.invalidCdbField(6, -1);
        }
        return Commands.dataIn(cdb.u16(8), t -> {
            Disc d = tray.acquire();
            try {
                if (!d.dvd()) {
                    throw new ScsiException(INCOMPATIBLE_FORMAT);
                }
                return switch (format) {
                    case PHYSICAL -> physical(d);
                    case COPYRIGHT -> structure(new byte[4]);
                    case MANUFACTURING -> structure(new byte[2048]);
                    default -> list();
                };
            } finally {
                d.release();
            }
        });
    }

    /** Header: bytes 0-1 DATA LENGTH (n - 1), bytes 2-3 reserved; then the structure. */
    private static byte[] structure(byte[] body) {
        byte[] b = new byte[4 + body.length];
        Bytes.putU16(b, 0, b.length - 2);
        System.arraycopy(body, 0, b, 4, body.length);
        return b;
    }

    /**
     * Physical format information (ECMA-267), 2048 bytes: byte 0 DISK CATEGORY
     * 0h (DVD-ROM), PART VERSION 1h; byte 1 DISC SIZE 0h (120 mm), MAXIMUM RATE Fh (not specified);
     * byte 2 NUMBER OF LAYERS 0 (one), TRACK PATH 0, LAYER TYPE 1h (embossed); byte 3 densities 0;
     * bytes 4-7 STARTING PHYSICAL SECTOR 030000h, 8-11 END PHYSICAL SECTOR OF DATA AREA, 12-15 END
     * SECTOR IN LAYER 0 (0); byte 16 BCA 0.
     */
    private static byte[] physical(Disc d) {
        byte[] p = new byte[2048];
        p[0] = 0x01;
        p[1] = 0x0F;
        p[2] = 0x01;
        Bytes.putU32(p, 4, DATA_AREA_START);
        Bytes.putU32(p, 8, DATA_AREA_START + d.blocks() - 1);
        return structure(p);
    }

    /** Disc structure list: per structure FORMAT CODE, SDS (7) / RDS (6), STRUCTURE LENGTH. */
    private static byte[] list() {
        int[][] entries = {{PHYSICAL, 2048 + 4}, {COPYRIGHT, 4 + 4}, {MANUFACTURING, 2048 + 4}, {LIST, 4 + 16}};
        byte[] body = new byte[4 * entries.length];
        for (int i = 0; i < entries.length; i++) {
            body[4 * i] = (byte) entries[i][0];
            body[4 * i + 1] = 0x40;
            Bytes.putU16(body, 4 * i + 2, entries[i][1]);
        }
        return structure(body);
    }
}
