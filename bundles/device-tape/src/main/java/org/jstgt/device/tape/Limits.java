package org.jstgt.device.tape;

import java.util.ArrayList;
import java.util.List;

import org.jstgt.api.scsi.Cdb;
import org.jstgt.api.scsi.CommandDescriptor;
import org.jstgt.api.scsi.CommandResult;
import org.jstgt.api.scsi.DataDirection;
import org.jstgt.api.scsi.ReservationClass;
import org.jstgt.api.scsi.ScsiException;
import org.jstgt.api.scsi.ScsiTask;
import org.jstgt.device.tape.image.TapeImage;
import org.jstgt.scsi.spc.Bytes;
import org.jstgt.scsi.spc.CdbChecks;
import org.jstgt.scsi.spc.OpcodeTable;

/**
 * What the drive can do: READ BLOCK LIMITS (05h) and REPORT DENSITY SUPPORT (44h), SSC-3.
 */
final class Limits implements CommandFamily {
    static final int READ_BLOCK_LIMITS = 0x05;
    static final int REPORT_DENSITY_SUPPORT = 0x44;
    /** Density support descriptor length (SSC-3, REPORT DENSITY SUPPORT). */
    static final int DENSITY_DESCRIPTOR = 52;
    /** Medium type descriptor length. */
    static final int MEDIUM_DESCRIPTOR = 56;
    /** MEDIA WIDTH in tenths of millimetres: half-inch tape. */
    static final int HALF_INCH = 127;

    private final TapeUnit unit;

    Limits(TapeUnit unit) {
        this.unit = unit;
    }

    @Override
    public void register(OpcodeTable.Builder table) {
        table.command(READ_BLOCK_LIMITS, "READ BLOCK LIMITS", 6).in().reservation(ReservationClass.READ)
                .usage(0, 0x01, 0, 0, 0, 0)
                .handler(this::readBlockLimits)
                .command(REPORT_DENSITY_SUPPORT, "REPORT DENSITY SUPPORT", 10).in().reservation(ReservationClass.READ)
                .usage(0, 0x03, 0, 0, 0, 0, 0, 0xFF, 0xFF, 0)
                .handler(this::reportDensitySupport);
    }

    /**
     * READ BLOCK LIMITS: byte 1 MLOI (0); bytes 2-4 reserved. Without MLOI, 6 bytes: byte 0
     * GRANULARITY (4-0) 0, bytes 1-3 MAXIMUM BLOCK LENGTH LIMIT ({@link Transfers#MAX_TRANSFER}),
     * bytes 4-5 MINIMUM BLOCK LENGTH LIMIT 1. With MLOI, 20 bytes whose bytes 12-19 hold the
     * MAXIMUM LOGICAL OBJECT IDENTIFIER the loaded cartridge can reach (every object a block of one
     * byte), which needs a cartridge.
     */
    private CommandDescriptor readBlockLimits(ScsiTask task) throws ScsiException {
        Cdb cdb = task.cdb();
        CdbChecks.requireZero(cdb, 1, 0xFE);
        CdbChecks.requireZeroBytes(cdb, 2, 4);
        boolean mloi = cdb.bit(1, 0);
        int length = mloi ? 20 : 6;
        return unit.command(DataDirection.IN, length, (t, d) -> {
            byte[] b = new byte[length];
            if (mloi) {
                TapeImage image = d.ready();
                Bytes.putU64(b, 12, image.capacity() / (image.overhead() + 1L));
            } else {
                Bytes.putU24(b, 1, Transfers.MAX_TRANSFER);
                Bytes.putU16(b, 4, 1);
            }
            t.dataIn(length).put(0, b);
            return CommandResult.good(length);
        });
    }

    /**
     * REPORT DENSITY SUPPORT: byte 1 MEDIUM TYPE (1), MEDIA (0); bytes 7-8 ALLOCATION LENGTH. A
     * header (bytes 0-1 AVAILABLE DENSITY SUPPORT LENGTH) and density support descriptors (every
     * density the drive writes, or with MEDIA the loaded cartridge's), or with MEDIUM TYPE one
     * medium type descriptor for the drive's virtual cartridge.
     */
    private CommandDescriptor reportDensitySupport(ScsiTask task) throws ScsiException {
        Cdb cdb = task.cdb();
        CdbChecks.requireZero(cdb, 1, 0xFC);
        CdbChecks.requireZeroBytes(cdb, 2, 6);
        boolean mediumType = cdb.bit(1, 1);
        boolean media = cdb.bit(1, 0);
        int allocation = cdb.u16(7);
        if (allocation == 0) {
            return unit.command(DataDirection.NONE, 0, (t, d) -> CommandResult.good());
        }
        return unit.command(DataDirection.IN, allocation, (t, d) -> {
            if (media) {
                d.ready();
            }
            List<Density> densities = media ? List.of(d.density()) : List.of(Density.values());
            byte[] data = mediumType ? mediumTypes(densities) : densities(densities, d.defaultDensity());
            int n = Math.min(allocation, data.length);
            t.dataIn(n).put(0, data, 0, n);
            return CommandResult.good(n);
        });
    }

    /**
     * Density support descriptors: byte 0 PRIMARY and 1 SECONDARY DENSITY CODE; byte 2 WRTOK (7),
     * DUP (6), DEFLT (5); bytes 5-7 BITS PER MM; 8-9 MEDIA WIDTH; 10-11 TRACKS; 12-15 CAPACITY (10^6
     * bytes); 16-23 ASSIGNING ORGANIZATION; 24-31 DENSITY NAME; 32-51 DESCRIPTION. Bits per mm and
     * tracks are 0: the recording is virtual.
     */
    static byte[] densities(List<Density> densities, Density deflt) {
        byte[] b = new byte[4 + DENSITY_DESCRIPTOR * densities.size()];
        Bytes.putU16(b, 0, b.length - 2);
        int at = 4;
        for (Density d : densities) {
            b[at] = (byte) d.code();
            b[at + 1] = (byte) d.code();
            b[at + 2] = (byte) (0x80 | (d == deflt ? 0x20 : 0));
            Bytes.putU16(b, at + 8, HALF_INCH);
            Bytes.putU32(b, at + 12, d.megabytes());
            Bytes.putAscii(b, at + 16, 8, "QUANTUM");
            Bytes.putAscii(b, at + 24, 8, d.label());
            Bytes.putAscii(b, at + 32, 20, d.label() + " (jstgt image)");
            at += DENSITY_DESCRIPTOR;
        }
        return b;
    }

    /**
     * One medium type descriptor: byte 0 MEDIUM TYPE 00h (as the mode parameter header reports);
     * bytes 2-3 DESCRIPTOR LENGTH (52); byte 4 NUMBER OF DENSITY CODES; bytes 5-13 PRIMARY DENSITY
     * CODES; 14-15 MEDIA WIDTH; 16-17 MEDIUM LENGTH 0 (virtual); 20-27 ASSIGNING ORGANIZATION;
     * 28-35 MEDIUM TYPE NAME; 36-55 DESCRIPTION.
     */
    static byte[] mediumTypes(List<Density> densities) {
        byte[] b = new byte[4 + MEDIUM_DESCRIPTOR];
        Bytes.putU16(b, 0, b.length - 2);
        int at = 4;
        Bytes.putU16(b, at + 2, MEDIUM_DESCRIPTOR - 4);
        List<Density> codes = new ArrayList<>(densities.subList(0, Math.min(9, densities.size())));
        b[at + 4] = (byte) codes.size();
        for (int i = 0; i < codes.size(); i++) {
            b[at + 5 + i] = (byte) codes.get(i).code();
        }
        Bytes.putU16(b, at + 14, HALF_INCH);
        Bytes.putAscii(b, at + 20, 8, "JSTGT");
        Bytes.putAscii(b, at + 28, 8, "VIRTUAL");
        Bytes.putAscii(b, at + 36, 20, "jstgt tape image");
        return b;
    }
}
