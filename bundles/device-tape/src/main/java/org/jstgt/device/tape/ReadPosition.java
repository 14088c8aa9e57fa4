package org.jstgt.device.tape;

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
 * READ POSITION (34h, SSC-3): byte 1 SERVICE ACTION (4-0); bytes 7-8 ALLOCATION LENGTH. Service
 * actions 00h short form (block identifiers), 01h short form (vendor-specific: the same
 * identifiers; Linux st asks for this one), 06h long form and 08h extended form. The drive has no
 * object buffer of its own: what was written is in the image when the command runs, so the first
 * and last logical object locations are both the position and the buffer holds 0 objects and 0
 * bytes. BOP marks the beginning of partition, EOP a position past early warning; PERR a position
 * that does not fit the short form's 32-bit field.
 */
final class ReadPosition implements CommandFamily {
    static final int OPCODE = 0x34;
    static final int SHORT = 0x00;
    static final int SHORT_VENDOR = 0x01;
    static final int LONG = 0x06;
    static final int EXTENDED = 0x08;
    static final int SHORT_LENGTH = 20;
    static final int LONG_LENGTH = 32;
    static final int EXTENDED_LENGTH = 32;

    private final TapeUnit unit;

    ReadPosition(TapeUnit unit) {
        this.unit = unit;
    }

    @Override
    public void register(OpcodeTable.Builder table) {
        int[] usage = {0, 0x1F, 0, 0, 0, 0, 0, 0xFF, 0xFF, 0};
        table.command(OPCODE, SHORT, "READ POSITION", 10).in().reservation(ReservationClass.READ).usage(usage)
                .handler(t -> parse(t, SHORT))
                .command(OPCODE, SHORT_VENDOR, "READ POSITION", 10).in().reservation(ReservationClass.READ)
                .usage(usage).handler(t -> parse(t, SHORT_VENDOR))
                .command(OPCODE, LONG, "READ POSITION", 10).in().reservation(ReservationClass.READ).usage(usage)
                .handler(t -> parse(t, LONG))
                .command(OPCODE, EXTENDED, "READ POSITION", 10).in().reservation(ReservationClass.READ)
                .usage(usage).handler(t -> parse(t, EXTENDED));
    }

    /**
     * The short and long forms have a fixed length, sent whole when ALLOCATION LENGTH is 0 (SCSI-2
     * initiators such as Linux st leave it 0) and cut at it otherwise; the extended form is cut
     * at ALLOCATION LENGTH (SPC-4 §4.2.5.6).
     */
    private CommandDescriptor parse(ScsiTask task, int form) throws ScsiException {
        var cdb = task.cdb();
        CdbChecks.requireZero(cdb, 1, 0xE0);
        CdbChecks.requireZeroBytes(cdb, 2, 6);
        int allocation = cdb.u16(7);
        int full = switch (form) {
            case LONG -> LONG_LENGTH;
            case EXTENDED -> EXTENDED_LENGTH;
            default -> SHORT_LENGTH;
        };
        int length = form == EXTENDED || allocation != 0 ? Math.min(allocation, full) : full;
        if (length == 0) {
            return unit.command(DataDirection.NONE, 0, (t, d) -> {
                d.ready();
                return CommandResult.good();
            });
        }
        return unit.command(DataDirection.IN, length, (t, d) -> {
            TapeImage image = d.ready();
            byte[] data = switch (form) {
                case LONG -> longForm(d, image);
                case EXTENDED -> extendedForm(d, image);
                default -> shortForm(d, image);
            };
            t.dataIn(length).put(0, data, 0, length);
            return CommandResult.good(length);
        });
    }

    /** Byte 0 flags common to the short and extended forms: BOP (7), EOP (6), PERR (1). */
    private static int flags(Drive d, boolean overflow) {
        long at = d.position();
        return (at == 0 ? 0x80 : 0) | (d.pastEarlyWarning(at) ? 0x40 : 0) | (overflow ? 0x02 : 0);
    }

    /**
     * Short form (20 bytes): byte 0 BOP, EOP, LOCU (5), BYCU (4), LOLU (2), PERR, BPEW (0); byte 1
     * PARTITION NUMBER; bytes 4-7 FIRST and 8-11 LAST LOGICAL OBJECT LOCATION; bytes 13-15 NUMBER OF
     * LOGICAL OBJECTS IN OBJECT BUFFER; bytes 16-19 NUMBER OF BYTES IN OBJECT BUFFER.
     */
    static byte[] shortForm(Drive d, TapeImage image) {
        byte[] b = new byte[SHORT_LENGTH];
        long at = d.position();
        boolean overflow = at > 0xFFFF_FFFFL;
        b[0] = (byte) flags(d, overflow);
        if (!overflow) {
            Bytes.putU32(b, 4, at);
            Bytes.putU32(b, 8, at);
        }
        return b;
    }

    /**
     * Long form (32 bytes): byte 0 BOP (7), EOP (6), MPU (3), LONU (2); bytes 4-7 PARTITION
     * NUMBER; bytes 8-15 LOGICAL OBJECT NUMBER; bytes 16-23 LOGICAL FILE IDENTIFIER (filemarks
     * before the position); bytes 24-31 LOGICAL SET IDENTIFIER (setmarks before it).
     */
    static byte[] longForm(Drive d, TapeImage image) {
        byte[] b = new byte[LONG_LENGTH];
        long at = d.position();
        b[0] = (byte) flags(d, false);
        Bytes.putU64(b, 8, at);
        Bytes.putU64(b, 16, image.marksBefore(TapeImage.Kind.FILEMARK, at));
        Bytes.putU64(b, 24, image.marksBefore(TapeImage.Kind.SETMARK, at));
        return b;
    }

    /**
     * Extended form (32 bytes): byte 0 as the short form; byte 1 PARTITION NUMBER; bytes 2-3
     * ADDITIONAL LENGTH (1Ch); bytes 5-7 NUMBER OF LOGICAL OBJECTS IN OBJECT BUFFER; bytes 8-15
     * FIRST and 16-23 LAST LOGICAL OBJECT LOCATION; bytes 24-31 NUMBER OF BYTES IN OBJECT BUFFER.
     */
    static byte[] extendedForm(Drive d, TapeImage image) {
        byte[] b = new byte[EXTENDED_LENGTH];
        long at = d.position();
        b[0] = (byte) flags(d, false);
        Bytes.putU16(b, 2, EXTENDED_LENGTH - 4);
        Bytes.putU64(b, 8, at);
        Bytes.putU64(b, 16, at);
        return b;
    }
}
