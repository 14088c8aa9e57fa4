package org.jstgt.scsi.alua;

import java.util.List;

import org.jstgt.api.scsi.Cdb;
import org.jstgt.api.scsi.ScsiException;
import org.jstgt.scsi.spc.Bytes;
import org.jstgt.scsi.spc.CdbChecks;

/**
 * REPORT TARGET PORT GROUPS (MAINTENANCE IN, service action 0Ah; SPC-4 §6.36): the CDB and the
 * parameter data, in the length only and the extended header format.
 */
public final class ReportTargetPortGroups {
    /** MAINTENANCE IN. */
    public static final int OPCODE = 0xA3;
    /** The service action of MAINTENANCE IN. */
    public static final int SERVICE_ACTION = 0x0A;
    /** PARAMETER DATA FORMAT 000b: RETURN DATA LENGTH, then the descriptors. */
    public static final int LENGTH_ONLY = 0b000;
    /** PARAMETER DATA FORMAT 001b: extended header with FORMAT TYPE and IMPLICIT TRANSITION TIME. */
    public static final int EXTENDED = 0b001;
    /**
     * Supported states of each descriptor (byte 1): T_SUP (7), U_SUP (3), S_SUP (2), AN_SUP (1),
     * AO_SUP (0). Offline (O_SUP, 6) and logical block dependent (LBD_SUP, 4) are not supported.
     */
    static final int SUPPORTED_STATES = 0x80 | 0x08 | 0x04 | 0x02 | 0x01;

    /**
     * A validated CDB.
     *
     * @param format PARAMETER DATA FORMAT
     * @param allocationLength ALLOCATION LENGTH, capped to an int
     */
    public record Request(int format, int allocationLength) {
    }

    private ReportTargetPortGroups() {
    }

    /**
     * Validates the CDB (SPC-4 §6.36): byte 1 PARAMETER DATA FORMAT (bits 7-5) and
     * SERVICE ACTION; bytes 2-5 reserved; bytes 6-9 ALLOCATION LENGTH; byte 10 reserved; byte 11
     * CONTROL.
     *
     * @param cdb the CDB
     * @return the request
     * @throws ScsiException INVALID FIELD IN CDB at the offending field
     */
    public static Request parse(Cdb cdb) throws ScsiException {
        int format = cdb.u8(1) >>> 5;
        if (format != LENGTH_ONLY && format != EXTENDED) {
            throw ScsiException.invalidCdbField(1, 7);
        }
        CdbChecks.requireZeroBytes(cdb, 2, 5);
        CdbChecks.requireZeroBytes(cdb, 10, 10);
        CdbChecks.checkControl(cdb, 12);
        return new Request(format, CdbChecks.cap(cdb.u32(6)));
    }

    /**
     * The parameter data (SPC-4 §6.36), before allocation length truncation: one
     * target port group descriptor per group, each with the one target port of the target in it
     * (RELATIVE TARGET PORT IDENTIFIER = the group's tag, as iSCSI reports the target port).
     *
     * @param groups the target's groups, ascending by tag
     * @param format {@link #LENGTH_ONLY} or {@link #EXTENDED}
     * @return the data
     */
    public static byte[] data(List<GroupSnapshot.Group> groups, int format) {
        int header = format == EXTENDED ? 8 : 4;
        byte[] d = new byte[header + groups.size() * 12];
        // bytes 0-3: RETURN DATA LENGTH (n - 3)
        Bytes.putU32(d, 0, d.length - 4L);
        if (format == EXTENDED) {
            // byte 4: FORMAT TYPE (bits 6-4) 001b; byte 5: IMPLICIT TRANSITION TIME 0 (states
            // change at once; no time is specified); bytes 6-7 reserved
            d[4] = 0x10;
        }
        int p = header;
        for (GroupSnapshot.Group g : groups) {
            // byte 0: PREF (7), ASYMMETRIC ACCESS STATE (3-0); byte 1: supported states
            d[p] = (byte) ((g.preferred() ? 0x80 : 0) | g.state().code());
            d[p + 1] = (byte) SUPPORTED_STATES;
            // bytes 2-3: TARGET PORT GROUP; byte 4 reserved; byte 5 STATUS CODE; byte 6 vendor
            // specific; byte 7 TARGET PORT COUNT
            Bytes.putU16(d, p + 2, g.tag());
            d[p + 5] = (byte) g.status();
            d[p + 7] = 1;
            // target port descriptor: bytes 0-1 obsolete, bytes 2-3 RELATIVE TARGET PORT IDENTIFIER
            Bytes.putU16(d, p + 10, g.tag());
            p += 12;
        }
        return d;
    }
}
