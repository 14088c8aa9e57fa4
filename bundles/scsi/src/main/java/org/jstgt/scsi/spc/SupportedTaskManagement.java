package org.jstgt.scsi.spc;

import org.jstgt.api.scsi.Cdb;
import org.jstgt.api.scsi.CommandDescriptor;
import org.jstgt.api.scsi.DataDirection;
import org.jstgt.api.scsi.ReservationClass;
import org.jstgt.api.scsi.ScsiException;
import org.jstgt.api.scsi.ScsiTask;

/**
 * REPORT SUPPORTED TASK MANAGEMENT FUNCTIONS (MAINTENANCE IN, service action 0Dh, SPC-4 §6.40):
 * the task management functions jstgt's task manager carries out, which are the same for every
 * logical unit. They follow the iSCSI fabric's handling of the Task Management Function Request
 * (RFC 7143 §11.5): ABORT TASK, ABORT TASK SET, CLEAR TASK SET, LOGICAL UNIT RESET and TARGET
 * RESET (TARGET WARM RESET) are performed; CLEAR ACA is answered "not supported" (no unit
 * supports ACA); iSCSI has no QUERY TASK, QUERY TASK SET, QUERY ASYNCHRONOUS EVENT or I_T NEXUS
 * RESET function. No timeouts are reported (TMFTMOV 0).
 */
final class SupportedTaskManagement {
    /** The service action of MAINTENANCE IN. */
    static final int SERVICE_ACTION = 0x0D;
    /** CDB USAGE DATA: SA, REPD, ALLOCATION LENGTH. */
    static final byte[] USAGE = {0, 0x1F, (byte) 0x80, 0, 0, 0, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, 0,
        0};

    /** byte 0: ATS (7), ATSS (6), CACAS (5) 0, CTSS (4), LURS (3), QTS (2) 0, TRS (1), WAKES (0) 0. */
    private static final int SUPPORTED = 0x80 | 0x40 | 0x10 | 0x08 | 0x02;
    /** REPORT ADDITIONAL DATA LENGTH of the extended parameter data (REPD 1). */
    private static final int ADDITIONAL_LENGTH = 0x0C;

    private SupportedTaskManagement() {
    }

    /**
     * Parses the CDB (SPC-4 §6.40, table 317): byte 1 bits 7-5 reserved, SERVICE ACTION; byte 2
     * REPD (7), bits 6-0 reserved; bytes 3-5 reserved; bytes 6-9 ALLOCATION LENGTH; byte 10
     * reserved.
     *
     * @param task the task
     * @return the descriptor; the data is cut at the allocation length (SPC-4 §4.2.5.6)
     * @throws ScsiException INVALID FIELD IN CDB for a reserved bit set
     */
    static CommandDescriptor parse(ScsiTask task) throws ScsiException {
        Cdb cdb = task.cdb();
        CdbChecks.requireZero(cdb, 1, 0xE0);
        CdbChecks.requireZero(cdb, 2, 0x7F);
        CdbChecks.requireZeroBytes(cdb, 3, 5);
        CdbChecks.requireZero(cdb, 10, 0xFF);
        byte[] data = data(cdb.bit(2, 7));
        return Commands.dataIn(CdbChecks.cap(cdb.u32(6)), t -> data);
    }

    /**
     * The parameter data (SPC-4 §6.40.2, tables 318 and 319).
     *
     * @param repd REPD: the 16-byte extended format
     * @return the data
     */
    static byte[] data(boolean repd) {
        byte[] d = new byte[repd ? 16 : 4];
        d[0] = (byte) SUPPORTED;
        // byte 1: QAES (2), QTSS (1), ITNRS (0) all 0; byte 2: TMFTMOV (0) 0
        if (repd) {
            // byte 3: REPORT ADDITIONAL DATA LENGTH; bytes 4-5 timeout-supported bits 0 (TMFTMOV 0);
            // bytes 8-11 TMF LONG TIMEOUT, 12-15 TMF SHORT TIMEOUT: 0
            d[3] = ADDITIONAL_LENGTH;
        }
        return d;
    }

    /** @return the table entry's metadata */
    static OpcodeInfo info() {
        return new OpcodeInfo(OpcodeTable.MAINTENANCE_IN, SERVICE_ACTION, "REPORT SUPPORTED TASK MANAGEMENT FUNCTIONS",
                12, DataDirection.IN, false, ReservationClass.READ, USAGE.clone());
    }
}
