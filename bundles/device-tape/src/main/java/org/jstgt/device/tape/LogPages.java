package org.jstgt.device.tape;

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
 * LOG SENSE (4Dh, SPC-4) with the pages tape tools ask for: Supported Log Pages (00h) and TapeAlert
 * (2Eh, SSC-3), which mtx's tapeinfo, Bacula and smartctl read. The drive detects none of the
 * TapeAlert conditions (no heads to clean, no medium to wear), so its 64 flags are 0.
 */
final class LogPages implements CommandFamily {
    static final int LOG_SENSE = 0x4D;
    static final int SUPPORTED_PAGES = 0x00;
    static final int TAPE_ALERT = 0x2E;
    /** TapeAlert flags 0001h-0040h. */
    static final int TAPE_ALERT_FLAGS = 64;
    /** Parameter control byte of a TapeAlert flag: FORMAT AND LINKING 11b, a binary list parameter. */
    static final int BINARY_LIST = 0x03;

    @Override
    public void register(OpcodeTable.Builder table) {
        table.command(LOG_SENSE, "LOG SENSE", 10).in().reservation(ReservationClass.READ)
                .usage(0, 0x00, 0xFF, 0xFF, 0, 0xFF, 0xFF, 0xFF, 0xFF, 0)
                .handler(this::logSense);
    }

    /**
     * LOG SENSE: byte 1 PPC (1), SP (0), neither offered; byte 2 PC (7-6, every value gives the
     * same page: nothing accumulates), PAGE CODE (5-0); byte 3 SUBPAGE CODE 0; bytes 5-6 PARAMETER
     * POINTER (the first TapeAlert flag returned); bytes 7-8 ALLOCATION LENGTH.
     */
    private CommandDescriptor logSense(ScsiTask task) throws ScsiException {
        Cdb cdb = task.cdb();
        CdbChecks.requireZero(cdb, 1, 0xFF);
        CdbChecks.requireZeroBytes(cdb, 3, 4);
        int page = cdb.u8(2) & 0x3F;
        int pointer = cdb.u16(5);
        byte[] data = switch (page) {
            case SUPPORTED_PAGES -> {
                if (pointer != 0) {
                    throw ScsiException.invalidCdbField(5, -1);
                }
                yield new byte[] {SUPPORTED_PAGES, 0, 0, 2, SUPPORTED_PAGES, TAPE_ALERT};
            }
            case TAPE_ALERT -> {
                if (pointer > TAPE_ALERT_FLAGS) {
                    throw ScsiException.invalidCdbField(5, -1);
                }
                yield tapeAlert(Math.max(pointer, 1));
            }
            default -> throw ScsiException.invalidCdbField(2, 5);
        };
        return Commands.dataIn(cdb.u16(7), t -> data);
    }

    /**
     * TapeAlert page from flag {@code first} on: page header (byte 0 PAGE CODE, bytes 2-3 PAGE
     * LENGTH), then per flag bytes 0-1 PARAMETER CODE, byte 2 control, byte 3 PARAMETER LENGTH 1,
     * byte 4 the flag (bit 0).
     */
    static byte[] tapeAlert(int first) {
        int n = TAPE_ALERT_FLAGS - first + 1;
        byte[] b = new byte[4 + 5 * n];
        b[0] = TAPE_ALERT;
        Bytes.putU16(b, 2, 5 * n);
        for (int i = 0; i < n; i++) {
            int at = 4 + 5 * i;
            Bytes.putU16(b, at, first + i);
            b[at + 2] = BINARY_LIST;
            b[at + 3] = 1;
        }
        return b;
    }
}
