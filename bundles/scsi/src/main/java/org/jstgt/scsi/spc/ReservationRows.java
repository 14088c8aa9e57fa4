package org.jstgt.scsi.spc;

import java.util.ArrayList;
import java.util.List;

import org.jstgt.api.scsi.CommandDescriptor;
import org.jstgt.api.scsi.DataDirection;
import org.jstgt.api.scsi.ReservationClass;
import org.jstgt.api.scsi.ScsiException;
import org.jstgt.api.scsi.ScsiTask;
import org.jstgt.api.scsi.SenseReason;

/**
 * The rows of the reservation commands that the SCSI core answers for every logical unit, before
 * the unit's parse sees them: PERSISTENT RESERVE IN (SPC-4 §6.15) and OUT (§6.16) with each service
 * action, and SPC-2's RESERVE and RELEASE (§7.21, §7.24). Every {@link OpcodeTable} lists them, so
 * that REPORT SUPPORTED OPERATION CODES reports what the logical unit supports; their parser runs
 * only when a table is used without the core (a unit under test).
 */
final class ReservationRows {
    static final int PERSISTENT_RESERVE_IN = 0x5E;
    static final int PERSISTENT_RESERVE_OUT = 0x5F;
    private static final String[] IN = {"READ KEYS", "READ RESERVATION", "REPORT CAPABILITIES", "READ FULL STATUS"};
    private static final String[] OUT = {"REGISTER", "RESERVE", "RELEASE", "CLEAR", "PREEMPT", "PREEMPT AND ABORT",
        "REGISTER AND IGNORE EXISTING KEY", "REGISTER AND MOVE"};
    private static final List<OpcodeInfo> ROWS = build();

    private ReservationRows() {
    }

    /** @return the rows, SERVICE ACTION in byte 1 bits 4-0 for the persistent reservation commands */
    static List<OpcodeInfo> rows() {
        return ROWS;
    }

    private static List<OpcodeInfo> build() {
        List<OpcodeInfo> rows = new ArrayList<>();
        // PERSISTENT RESERVE IN: bytes 7-8 ALLOCATION LENGTH
        byte[] in = usage(10, 7, 8);
        for (int sa = 0; sa < IN.length; sa++) {
            rows.add(new OpcodeInfo(PERSISTENT_RESERVE_IN, sa, "PERSISTENT RESERVE IN(" + IN[sa] + ")", 10,
                    DataDirection.IN, false, ReservationClass.ALLOWED, in));
        }
        // PERSISTENT RESERVE OUT: byte 2 SCOPE and TYPE, bytes 5-8 PARAMETER LIST LENGTH
        byte[] out = usage(10, 2, 5, 6, 7, 8);
        for (int sa = 0; sa < OUT.length; sa++) {
            rows.add(new OpcodeInfo(PERSISTENT_RESERVE_OUT, sa, "PERSISTENT RESERVE OUT(" + OUT[sa] + ")", 10,
                    DataDirection.OUT, false, ReservationClass.ALLOWED, out));
        }
        // RESERVE and RELEASE: no field used (no third-party or extent reservations)
        rows.add(new OpcodeInfo(0x16, -1, "RESERVE(6)", 6, DataDirection.NONE, false, ReservationClass.ALLOWED,
                new byte[6]));
        rows.add(new OpcodeInfo(0x17, -1, "RELEASE(6)", 6, DataDirection.NONE, false, ReservationClass.ALLOWED,
                new byte[6]));
        rows.add(new OpcodeInfo(0x56, -1, "RESERVE(10)", 10, DataDirection.NONE, false, ReservationClass.ALLOWED,
                new byte[10]));
        rows.add(new OpcodeInfo(0x57, -1, "RELEASE(10)", 10, DataDirection.NONE, false, ReservationClass.ALLOWED,
                new byte[10]));
        return List.copyOf(rows);
    }

    private static byte[] usage(int length, int... full) {
        byte[] u = new byte[length];
        for (int i : full) {
            u[i] = (byte) 0xFF;
        }
        return u;
    }

    /**
     * @param task the task
     * @return never
     * @throws ScsiException always: the SCSI core answers these commands, not the unit
     */
    static CommandDescriptor parse(ScsiTask task) throws ScsiException {
        throw new ScsiException(SenseReason.INVALID_COMMAND_OPERATION_CODE,
                String.format("opcode %02Xh is answered by the SCSI core", task.cdb().opcode())).inCdb(0, -1);
    }
}
