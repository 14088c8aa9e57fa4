package org.jstgt.device.disk;

import org.jstgt.api.scsi.Cdb;
import org.jstgt.api.scsi.CommandDescriptor;
import org.jstgt.api.scsi.ReservationClass;
import org.jstgt.api.scsi.ScsiException;
import org.jstgt.api.scsi.ScsiTask;
import org.jstgt.scsi.spc.CdbChecks;
import org.jstgt.scsi.spc.Commands;
import org.jstgt.scsi.spc.OpcodeTable;

/**
 * READ DEFECT DATA (10) and (12) (SBC-4 §5.17, §5.18): a virtual medium has no defects, so both
 * lists are empty in whichever address descriptor format is asked for (the list, being empty, is
 * valid in every format). The reserved format 111b is an invalid field; 110b (vendor specific)
 * is answered as the others.
 */
final class DefectData implements CommandFamily {
    private static final int READ_DEFECT_DATA_10 = 0x37;
    private static final int READ_DEFECT_DATA_12 = 0xB7;
    /** REQ_PLIST (4), REQ_GLIST (3), DEFECT LIST FORMAT (2-0). */
    private static final int REQUEST_BITS = 0x1F;
    private static final int RESERVED_FORMAT = 0x07;

    @Override
    public void register(OpcodeTable.Builder table) {
        int full = 0xFF;
        table.command(READ_DEFECT_DATA_10, "READ DEFECT DATA(10)", 10).in().reservation(ReservationClass.READ)
                .usage(0, 0, REQUEST_BITS, 0, 0, 0, 0, full, full, 0)
                .handler(this::readDefectData10)
                .command(READ_DEFECT_DATA_12, "READ DEFECT DATA(12)", 12).in().reservation(ReservationClass.READ)
                .usage(0, REQUEST_BITS, full, full, full, full, full, full, full, full, 0, 0)
                .handler(this::readDefectData12);
    }

    /**
     * READ DEFECT DATA(10): byte 2 REQ_PLIST, REQ_GLIST, DEFECT LIST FORMAT; bytes 7-8 ALLOCATION
     * LENGTH. Parameter data (table 76): byte 1 PLISTV, GLISTV, DEFECT LIST FORMAT; bytes 2-3
     * DEFECT LIST LENGTH 0.
     */
    private CommandDescriptor readDefectData10(ScsiTask task) throws ScsiException {
        Cdb cdb = task.cdb();
        CdbChecks.requireZero(cdb, 1, 0xFF);
        CdbChecks.requireZero(cdb, 2, 0xE0);
        CdbChecks.requireZeroBytes(cdb, 3, 6);
        int request = format(cdb, 2);
        byte[] d = new byte[4];
        d[1] = (byte) request;
        return Commands.dataIn(cdb.u16(7), t -> d);
    }

    /**
     * READ DEFECT DATA(12): byte 1 REQ_PLIST, REQ_GLIST, DEFECT LIST FORMAT; bytes 2-5 ADDRESS
     * DESCRIPTOR INDEX (any: the list is empty); bytes 6-9 ALLOCATION LENGTH. Parameter data
     * (table 79): byte 1 PLISTV, GLISTV, DEFECT LIST FORMAT; bytes 2-3 GENERATION CODE 0 (not
     * supported); bytes 4-7 DEFECT LIST LENGTH 0.
     */
    private CommandDescriptor readDefectData12(ScsiTask task) throws ScsiException {
        Cdb cdb = task.cdb();
        CdbChecks.requireZero(cdb, 1, 0xE0);
        CdbChecks.requireZero(cdb, 10, 0xFF);
        int request = format(cdb, 1);
        byte[] d = new byte[8];
        d[1] = (byte) request;
        return Commands.dataIn(CdbChecks.cap(cdb.u32(6)), t -> d);
    }

    /** @return the PLISTV, GLISTV and format bits to answer with: exactly those asked for */
    private static int format(Cdb cdb, int at) throws ScsiException {
        int bits = cdb.u8(at) & REQUEST_BITS;
        if ((bits & RESERVED_FORMAT) == RESERVED_FORMAT) {
            throw ScsiException.invalidCdbField(at, 2);
        }
        return bits;
    }
}
