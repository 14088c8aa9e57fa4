package org.jstgt.scsi.alua;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.jstgt.api.scsi.Cdb;
import org.jstgt.api.scsi.Sense;
import org.jstgt.api.scsi.SenseKey;
import org.jstgt.api.target.AccessState;
import org.jstgt.scsi.alua.AccessRules.CommandClass;
import org.jstgt.testkit.FakeScsiTask;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The ALUA state table (SPC-4 §5.16.2.4): one case per access state and command class, each with
 * a CDB of the class, against the lists written out here from the standard.
 */
class AccessRulesTest {
    /** One CDB of each class. */
    private static final Map<CommandClass, int[]> SAMPLE = Map.ofEntries(
            Map.entry(CommandClass.INQUIRY, new int[] {0x12, 0, 0, 0, 36, 0}),
            Map.entry(CommandClass.REPORT_LUNS, new int[] {0xA0, 0, 0, 0, 0, 0, 0, 0, 0, 16, 0, 0}),
            Map.entry(CommandClass.REQUEST_SENSE, new int[] {0x03, 0, 0, 0, 18, 0}),
            Map.entry(CommandClass.REPORT_TARGET_PORT_GROUPS, new int[] {0xA3, 0x0A, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0}),
            Map.entry(CommandClass.SET_TARGET_PORT_GROUPS, new int[] {0xA4, 0x0A, 0, 0, 0, 0, 0, 0, 0, 8, 0, 0}),
            Map.entry(CommandClass.SUPPORTED_COMMANDS, new int[] {0xA3, 0x0C, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0}),
            Map.entry(CommandClass.LOG, new int[] {0x4D, 0, 0, 0, 0, 0, 0, 1, 0, 0}),
            Map.entry(CommandClass.MODE, new int[] {0x1A, 0, 0x3F, 0, 255, 0}),
            Map.entry(CommandClass.DIAGNOSTIC, new int[] {0x1C, 0, 0, 0, 255, 0}),
            Map.entry(CommandClass.PERSISTENT_RESERVATION, new int[] {0x5E, 0, 0, 0, 0, 0, 0, 1, 0, 0}),
            Map.entry(CommandClass.ECHO_BUFFER, new int[] {0x3C, 0x0A, 0, 0, 0, 0, 0, 0, 64, 0}),
            Map.entry(CommandClass.CAPACITY, new int[] {0x25, 0, 0, 0, 0, 0, 0, 0, 0, 0}),
            Map.entry(CommandClass.OTHER, new int[] {0x28, 0, 0, 0, 0, 0, 0, 0, 1, 0}));

    /** What each state lets through, as SPC-4 §5.16.2.4.2 to §5.16.2.4.6 list it (plus the probes of standby). */
    private static final Map<AccessState, Set<CommandClass>> EXPECTED = Map.of(
            AccessState.ACTIVE_OPTIMIZED, EnumSet.allOf(CommandClass.class),
            AccessState.ACTIVE_NON_OPTIMIZED, EnumSet.allOf(CommandClass.class),
            AccessState.STANDBY, EnumSet.of(CommandClass.INQUIRY, CommandClass.REPORT_LUNS, CommandClass.REQUEST_SENSE,
                    CommandClass.REPORT_TARGET_PORT_GROUPS, CommandClass.SET_TARGET_PORT_GROUPS,
                    CommandClass.SUPPORTED_COMMANDS, CommandClass.LOG, CommandClass.MODE, CommandClass.DIAGNOSTIC,
                    CommandClass.PERSISTENT_RESERVATION, CommandClass.ECHO_BUFFER, CommandClass.CAPACITY),
            AccessState.UNAVAILABLE, EnumSet.of(CommandClass.INQUIRY, CommandClass.REPORT_LUNS,
                    CommandClass.REQUEST_SENSE, CommandClass.REPORT_TARGET_PORT_GROUPS,
                    CommandClass.SET_TARGET_PORT_GROUPS, CommandClass.ECHO_BUFFER),
            AccessState.TRANSITIONING, EnumSet.of(CommandClass.INQUIRY, CommandClass.REPORT_LUNS,
                    CommandClass.REQUEST_SENSE, CommandClass.REPORT_TARGET_PORT_GROUPS, CommandClass.ECHO_BUFFER));

    /** The sense of a refused command, per state (SPC-4 Annex D). */
    private static final Map<AccessState, Integer> ASCQ = Map.of(AccessState.STANDBY, 0x0B,
            AccessState.UNAVAILABLE, 0x0C, AccessState.TRANSITIONING, 0x0A);

    static List<Arguments> stateAndClass() {
        List<Arguments> l = new ArrayList<>();
        for (AccessState s : AccessState.values()) {
            for (CommandClass c : CommandClass.values()) {
                l.add(Arguments.of(s, c));
            }
        }
        return l;
    }

    private static Cdb cdb(int... bytes) {
        return FakeScsiTask.of(bytes).cdb();
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("stateAndClass")
    void eachStateAllowsWhatTheStandardListsAndRefusesTheRestNotReady(AccessState state, CommandClass command) {
        Cdb cdb = cdb(SAMPLE.get(command));
        assertEquals(command, AccessRules.classify(cdb), "sample CDB");
        boolean allowed = EXPECTED.get(state).contains(command);
        assertEquals(allowed, AccessRules.allows(state, command));
        Sense refused = AccessRules.refusal(state, cdb);
        if (allowed) {
            assertNull(refused);
        } else {
            assertEquals(SenseKey.NOT_READY, refused.key());
            assertEquals(0x04, refused.asc(), "LOGICAL UNIT NOT ACCESSIBLE");
            assertEquals(ASCQ.get(state), refused.ascq());
        }
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({
        // service actions and modes decide within an opcode
        "'A3 0A', REPORT_TARGET_PORT_GROUPS", "'A3 2A', REPORT_TARGET_PORT_GROUPS", "'A3 0D', SUPPORTED_COMMANDS",
        "'A3 05', OTHER", "'A4 0A', SET_TARGET_PORT_GROUPS", "'A4 06', OTHER", "'3C 0B', ECHO_BUFFER",
        "'3C 02', OTHER", "'9B 0A', ECHO_BUFFER", "'3B 0A', ECHO_BUFFER", "'3B 0B', OTHER", "'9E 10', CAPACITY",
        "'9E 12', OTHER", "'55 10', MODE", "'5A 00', MODE", "'15 10', MODE", "'4C 02', LOG", "'1D 04', DIAGNOSTIC",
        "'5F 01', PERSISTENT_RESERVATION", "'00 00', OTHER", "'2A 00', OTHER", "'35 00', OTHER", "'1B 00', OTHER"})
    void classifiesByOpcodeAndServiceActionOrMode(String bytes, CommandClass expected) {
        String[] b = bytes.split(" ");
        int[] c = new int[16];
        c[0] = Integer.parseInt(b[0], 16);
        c[1] = Integer.parseInt(b[1], 16);
        assertEquals(expected, AccessRules.classify(cdb(c)));
    }
}
