package org.jstgt.scsi.spc;

import java.util.ArrayList;
import java.util.List;

import org.jstgt.api.scsi.DataDirection;
import org.jstgt.api.scsi.ReservationClass;

/**
 * The rows of REPORT TARGET PORT GROUPS (A3h/0Ah, SPC-4 §6.36) and SET TARGET PORT GROUPS
 * (A4h/0Ah, §6.44) in REPORT SUPPORTED OPERATION CODES. The SCSI core runs both commands for
 * every device type, before the device parses, so an {@link OpcodeTable} never dispatches them; it
 * lists them for a task whose target offers them (TPGS, {@link org.jstgt.api.scsi.ScsiTask#targetPortGroupSupport()}).
 */
final class TargetPortGroupRows {
    /** CDB USAGE DATA: byte 1 PARAMETER DATA FORMAT (7-5), bytes 6-9 ALLOCATION LENGTH. */
    static final OpcodeInfo REPORT = new OpcodeInfo(0xA3, 0x0A, "REPORT TARGET PORT GROUPS", 12, DataDirection.IN,
            false, ReservationClass.ALLOWED, usage(0xE0));
    /** CDB USAGE DATA: bytes 6-9 PARAMETER LIST LENGTH. */
    static final OpcodeInfo SET = new OpcodeInfo(0xA4, 0x0A, "SET TARGET PORT GROUPS", 12, DataDirection.OUT,
            false, ReservationClass.WRITE, usage(0x00));

    private TargetPortGroupRows() {
    }

    /**
     * @param tpgs a target's TPGS field (SPC-4 §6.6.2)
     * @return the rows a task of that target is offered: none for 00b, REPORT for 01b, both when
     *     explicit access is supported (1xb)
     */
    static List<OpcodeInfo> offered(int tpgs) {
        return switch (tpgs & 0x3) {
            case 0 -> List.of();
            case 1 -> List.of(REPORT);
            default -> List.of(REPORT, SET);
        };
    }

    /**
     * @param table a device's table
     * @param entries its entries
     * @return by TPGS (0..3), the table REPORT SUPPORTED OPERATION CODES answers from: {@code table}
     *     with the rows offered for that TPGS (those rows are never dispatched)
     */
    static OpcodeTable[] reports(OpcodeTable table, List<OpcodeTable.Entry> entries) {
        OpcodeTable report = withRows(entries, 1);
        OpcodeTable both = withRows(entries, 3);
        return new OpcodeTable[] {table, report, both, both};
    }

    private static OpcodeTable withRows(List<OpcodeTable.Entry> entries, int tpgs) {
        List<OpcodeTable.Entry> all = new ArrayList<>(entries);
        for (OpcodeInfo row : offered(tpgs)) {
            all.add(new OpcodeTable.Entry(row, task -> {
                throw new IllegalStateException(row + " is run by the SCSI core");
            }, null));
        }
        return new OpcodeTable(all, false);
    }

    private static byte[] usage(int byte1) {
        byte[] u = new byte[12];
        u[1] = (byte) byte1;
        for (int i = 6; i <= 9; i++) {
            u[i] = (byte) 0xFF;
        }
        return u;
    }
}
