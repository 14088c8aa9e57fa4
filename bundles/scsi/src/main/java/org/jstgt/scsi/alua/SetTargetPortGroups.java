package org.jstgt.scsi.alua;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

import org.jstgt.api.scsi.Cdb;
import org.jstgt.api.scsi.ScsiException;
import org.jstgt.api.scsi.SenseReason;
import org.jstgt.api.target.AccessState;
import org.jstgt.scsi.spc.CdbChecks;

/**
 * SET TARGET PORT GROUPS (MAINTENANCE OUT, service action 0Ah; SPC-4 §6.44): the CDB and the
 * parameter list, all checked before any state changes. Every refusal is ILLEGAL REQUEST with a
 * field pointer.
 */
public final class SetTargetPortGroups {
    /** MAINTENANCE OUT. */
    public static final int OPCODE = 0xA4;
    /** The service action of MAINTENANCE OUT. */
    public static final int SERVICE_ACTION = 0x0A;
    /** Parameter list header: 4 reserved bytes. */
    static final int HEADER = 4;
    /** A set target port group descriptor. */
    static final int DESCRIPTOR = 4;
    /**
     * The longest list worth receiving: one descriptor per possible tag. A longer one necessarily
     * names a group twice and would be refused anyway; it is refused before its data is taken.
     */
    static final long MAX_LENGTH = HEADER + DESCRIPTOR * 0xFFFFL;

    private SetTargetPortGroups() {
    }

    /**
     * Validates the CDB (SPC-4 §6.44): byte 1 bits 7-5 reserved; bytes 2-5 reserved; bytes 6-9
     * PARAMETER LIST LENGTH; byte 10 reserved; byte 11 CONTROL.
     *
     * @param cdb the CDB
     * @return the PARAMETER LIST LENGTH (0: nothing to do)
     * @throws ScsiException INVALID FIELD IN CDB at a reserved field; PARAMETER LIST LENGTH ERROR
     *     (field pointer byte 6) when the length would cut a descriptor
     */
    public static int parameterListLength(Cdb cdb) throws ScsiException {
        CdbChecks.requireZero(cdb, 1, 0xE0);
        CdbChecks.requireZeroBytes(cdb, 2, 5);
        CdbChecks.requireZeroBytes(cdb, 10, 10);
        CdbChecks.checkControl(cdb, 12);
        long length = cdb.u32(6);
        if (length != 0 && (length < HEADER || (length - HEADER) % DESCRIPTOR != 0 || length > MAX_LENGTH)) {
            throw new ScsiException(SenseReason.PARAMETER_LIST_LENGTH_ERROR,
                    "parameter list length " + length + " is not 4 + 4n").inCdb(6, -1);
        }
        return (int) length;
    }

    /**
     * Reads the parameter list (SPC-4 §6.44, set target port group descriptors: byte 0 bits 3-0
     * ASYMMETRIC ACCESS STATE, bytes 2-3 TARGET PORT GROUP).
     *
     * @param list the list, 4 + 4n bytes
     * @param groups the tags of the target's port groups, ascending
     * @return the state asked for each group named, in list order
     * @throws ScsiException INVALID FIELD IN PARAMETER LIST, pointing at a non-zero reserved field,
     *     a state that cannot be set (only active/optimized, active/non-optimized, standby and
     *     unavailable can), a group the target has no port in, or a group named twice
     */
    public static Map<Integer, AccessState> parse(byte[] list, int[] groups) throws ScsiException {
        for (int i = 0; i < HEADER; i++) {
            requireZero(list, i, 0xFF);
        }
        Map<Integer, AccessState> states = new LinkedHashMap<>();
        for (int at = HEADER; at + DESCRIPTOR <= list.length; at += DESCRIPTOR) {
            requireZero(list, at, 0xF0);
            requireZero(list, at + 1, 0xFF);
            AccessState state = settable(list[at] & 0x0F);
            if (state == null) {
                throw invalid(at, 3, "state " + (list[at] & 0x0F) + " cannot be set");
            }
            int tag = ((list[at + 2] & 0xFF) << 8) | (list[at + 3] & 0xFF);
            if (Arrays.binarySearch(groups, tag) < 0) {
                throw invalid(at + 2, -1, "the target has no port in group " + tag);
            }
            if (states.putIfAbsent(tag, state) != null) {
                throw invalid(at + 2, -1, "group " + tag + " named twice");
            }
        }
        return states;
    }

    /** The states an application client may ask for (SPC-4 §6.44: not transitioning). */
    private static AccessState settable(int code) {
        return switch (code) {
            case 0x0 -> AccessState.ACTIVE_OPTIMIZED;
            case 0x1 -> AccessState.ACTIVE_NON_OPTIMIZED;
            case 0x2 -> AccessState.STANDBY;
            case 0x3 -> AccessState.UNAVAILABLE;
            default -> null;
        };
    }

    private static void requireZero(byte[] list, int at, int mask) throws ScsiException {
        int bad = list[at] & mask;
        if (bad != 0) {
            throw invalid(at, 31 - Integer.numberOfLeadingZeros(bad), "reserved bits set");
        }
    }

    private static ScsiException invalid(int at, int bit, String why) {
        return new ScsiException(SenseReason.INVALID_FIELD_IN_PARAMETER_LIST, why).inParameterList(at, bit);
    }
}
