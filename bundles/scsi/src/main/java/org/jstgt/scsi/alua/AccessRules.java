package org.jstgt.scsi.alua;

import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;

import org.jstgt.api.scsi.Cdb;
import org.jstgt.api.scsi.Sense;
import org.jstgt.api.scsi.SenseKey;
import org.jstgt.api.target.AccessState;

/**
 * Which commands a logical unit takes through a target port group in each asymmetric access state
 * (SPC-4 §5.16.2.4), as a table of command classes, and the sense of those it refuses: NOT READY,
 * LOGICAL UNIT NOT ACCESSIBLE with the ASCQ of the state (SPC-4 Annex D).
 */
public final class AccessRules {

    /** Commands as the access states tell them apart. */
    public enum CommandClass {
        /** INQUIRY (12h). */
        INQUIRY,
        /** REPORT LUNS (A0h). */
        REPORT_LUNS,
        /** REQUEST SENSE (03h). */
        REQUEST_SENSE,
        /** REPORT TARGET PORT GROUPS (MAINTENANCE IN A3h/0Ah). */
        REPORT_TARGET_PORT_GROUPS,
        /** SET TARGET PORT GROUPS (MAINTENANCE OUT A4h/0Ah). */
        SET_TARGET_PORT_GROUPS,
        /** REPORT SUPPORTED OPERATION CODES and REPORT SUPPORTED TASK MANAGEMENT FUNCTIONS (A3h/0Ch, 0Dh). */
        SUPPORTED_COMMANDS,
        /** LOG SELECT (4Ch), LOG SENSE (4Dh). */
        LOG,
        /** MODE SELECT (15h, 55h), MODE SENSE (1Ah, 5Ah). */
        MODE,
        /** RECEIVE DIAGNOSTIC RESULTS (1Ch), SEND DIAGNOSTIC (1Dh). */
        DIAGNOSTIC,
        /** PERSISTENT RESERVE IN (5Eh), PERSISTENT RESERVE OUT (5Fh). */
        PERSISTENT_RESERVATION,
        /** The echo buffer modes of READ BUFFER (3Ch, 9Bh: mode 0Ah, 0Bh) and WRITE BUFFER (3Bh: mode 0Ah). */
        ECHO_BUFFER,
        /** READ CAPACITY (10) (25h) and (16) (9Eh/10h). */
        CAPACITY,
        /** Everything else: media access, TEST UNIT READY, other service actions, ... */
        OTHER
    }

    /** ASYMMETRIC ACCESS STATE TRANSITION (04h/0Ah). */
    public static final Sense TRANSITIONING = Sense.of(SenseKey.NOT_READY, 0x04, 0x0A);
    /** TARGET PORT IN STANDBY STATE (04h/0Bh). */
    public static final Sense STANDBY = Sense.of(SenseKey.NOT_READY, 0x04, 0x0B);
    /** TARGET PORT IN UNAVAILABLE STATE (04h/0Ch). */
    public static final Sense UNAVAILABLE = Sense.of(SenseKey.NOT_READY, 0x04, 0x0C);

    private static final int MAINTENANCE_IN = 0xA3;
    private static final int MAINTENANCE_OUT = 0xA4;
    private static final int SERVICE_ACTION_IN_16 = 0x9E;
    /** READ BUFFER and WRITE BUFFER MODE (byte 1 bits 4-0): echo buffer, echo buffer descriptor. */
    private static final int ECHO = 0x0A;
    private static final int ECHO_DESCRIPTOR = 0x0B;

    private static final Map<AccessState, Set<CommandClass>> ALLOWED = new EnumMap<>(AccessState.class);

    static {
        Set<CommandClass> all = EnumSet.allOf(CommandClass.class);
        // SPC-4 §5.16.2.4.2, §5.16.2.4.3: the active states take every command
        ALLOWED.put(AccessState.ACTIVE_OPTIMIZED, all);
        ALLOWED.put(AccessState.ACTIVE_NON_OPTIMIZED, all);
        // §5.16.2.4.4, plus what lets a host probe a standby path: the reports of supported
        // commands, and READ CAPACITY, which hosts (Linux sd) send on every path while scanning and
        // would take a refusal of as a broken path
        ALLOWED.put(AccessState.STANDBY, EnumSet.complementOf(EnumSet.of(CommandClass.OTHER)));
        // §5.16.2.4.5
        ALLOWED.put(AccessState.UNAVAILABLE, EnumSet.of(CommandClass.INQUIRY, CommandClass.REPORT_LUNS,
                CommandClass.REQUEST_SENSE, CommandClass.REPORT_TARGET_PORT_GROUPS,
                CommandClass.SET_TARGET_PORT_GROUPS, CommandClass.ECHO_BUFFER));
        // §5.16.2.4.6
        ALLOWED.put(AccessState.TRANSITIONING, EnumSet.of(CommandClass.INQUIRY, CommandClass.REPORT_LUNS,
                CommandClass.REQUEST_SENSE, CommandClass.REPORT_TARGET_PORT_GROUPS, CommandClass.ECHO_BUFFER));
    }

    private AccessRules() {
    }

    /**
     * @param state the state of the port group a command came through
     * @param command the command's class
     * @return true when the state lets it run
     */
    public static boolean allows(AccessState state, CommandClass command) {
        return ALLOWED.get(state).contains(command);
    }

    /**
     * @param state the state of the port group a command came through
     * @param cdb the command
     * @return the sense the command ends with, or null when it may run
     */
    public static Sense refusal(AccessState state, Cdb cdb) {
        if (state.active() || allows(state, classify(cdb))) {
            return null;
        }
        return switch (state) {
            case STANDBY -> STANDBY;
            case UNAVAILABLE -> UNAVAILABLE;
            default -> TRANSITIONING;
        };
    }

    /**
     * @param cdb a CDB
     * @return its class (byte 0 OPERATION CODE, and byte 1 bits 4-0 SERVICE ACTION or MODE where
     *     they decide)
     */
    public static CommandClass classify(Cdb cdb) {
        int action = cdb.u8(1) & 0x1F;
        return switch (cdb.opcode()) {
            case 0x12 -> CommandClass.INQUIRY;
            case 0xA0 -> CommandClass.REPORT_LUNS;
            case 0x03 -> CommandClass.REQUEST_SENSE;
            case MAINTENANCE_IN -> switch (action) {
                case ReportTargetPortGroups.SERVICE_ACTION -> CommandClass.REPORT_TARGET_PORT_GROUPS;
                case 0x0C, 0x0D -> CommandClass.SUPPORTED_COMMANDS;
                default -> CommandClass.OTHER;
            };
            case MAINTENANCE_OUT -> action == SetTargetPortGroups.SERVICE_ACTION
                    ? CommandClass.SET_TARGET_PORT_GROUPS : CommandClass.OTHER;
            case 0x4C, 0x4D -> CommandClass.LOG;
            case 0x15, 0x55, 0x1A, 0x5A -> CommandClass.MODE;
            case 0x1C, 0x1D -> CommandClass.DIAGNOSTIC;
            case 0x5E, 0x5F -> CommandClass.PERSISTENT_RESERVATION;
            case 0x3C, 0x9B -> action == ECHO || action == ECHO_DESCRIPTOR ? CommandClass.ECHO_BUFFER
                    : CommandClass.OTHER;
            case 0x3B -> action == ECHO ? CommandClass.ECHO_BUFFER : CommandClass.OTHER;
            case 0x25 -> CommandClass.CAPACITY;
            case SERVICE_ACTION_IN_16 -> action == 0x10 ? CommandClass.CAPACITY : CommandClass.OTHER;
            default -> CommandClass.OTHER;
        };
    }
}
