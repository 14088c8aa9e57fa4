package org.jstgt.scsi.alua;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Map;

import org.jstgt.api.scsi.ScsiException;
import org.jstgt.api.scsi.SenseKey;
import org.jstgt.api.scsi.SenseReason;
import org.jstgt.api.target.AccessState;
import org.jstgt.testkit.FakeScsiTask;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * SET TARGET PORT GROUPS (SPC-4 §6.44): a good list, and each bad field answered ILLEGAL REQUEST
 * with its ASC/ASCQ and a field pointer at it.
 */
class SetTargetPortGroupsTest {
    /** The target's groups. */
    private static final int[] GROUPS = {1, 2, 0x0102};

    private static byte[] list(int... v) {
        byte[] b = new byte[v.length];
        for (int i = 0; i < v.length; i++) {
            b[i] = (byte) v[i];
        }
        return b;
    }

    /**
     * Asserts ILLEGAL REQUEST with the reason and a field pointer.
     *
     * @param inCdb C/D
     * @param fieldBit the bit, or -1 for BPV 0
     */
    private static void illegal(SenseReason reason, boolean inCdb, int fieldByte, int fieldBit, Executable e) {
        ScsiException x = assertThrows(ScsiException.class, e);
        assertEquals(SenseKey.ILLEGAL_REQUEST, x.sense().key(), x.getMessage());
        assertEquals(reason.asc(), x.sense().asc(), "ASC");
        assertEquals(reason.ascq(), x.sense().ascq(), "ASCQ");
        int sks = x.sense().senseKeySpecific();
        int b0 = 0x80 | (inCdb ? 0x40 : 0) | (fieldBit >= 0 ? 0x08 | fieldBit : 0);
        assertEquals(b0, sks >>> 16, "SKSV, C/D, BPV, BIT POINTER");
        assertEquals(fieldByte, sks & 0xFFFF, "FIELD POINTER");
    }

    private static void badList(int fieldByte, int fieldBit, byte[] list) {
        illegal(SenseReason.INVALID_FIELD_IN_PARAMETER_LIST, false, fieldByte, fieldBit,
                () -> SetTargetPortGroups.parse(list, GROUPS));
    }

    @Test
    void aGoodListNamesEachGroupOnceWithASettableState() throws Exception {
        Map<Integer, AccessState> m = SetTargetPortGroups.parse(list(0, 0, 0, 0, 0x02, 0, 0, 2, 0x00, 0, 0, 1,
                0x03, 0, 0x01, 0x02, 0x01, 0, 0, 0), new int[] {0, 1, 2, 0x0102});
        assertEquals(List.of(2, 1, 0x0102, 0), List.copyOf(m.keySet()), "in list order");
        assertEquals(List.of(AccessState.STANDBY, AccessState.ACTIVE_OPTIMIZED, AccessState.UNAVAILABLE,
                AccessState.ACTIVE_NON_OPTIMIZED), List.copyOf(m.values()));
        assertEquals(Map.of(), SetTargetPortGroups.parse(list(0, 0, 0, 0), GROUPS), "a header alone sets nothing");
    }

    @Test
    void parameterListLengthIsReadAndZeroMeansNothing() throws Exception {
        assertEquals(12, SetTargetPortGroups.parameterListLength(
                FakeScsiTask.of(0xA4, 0x0A, 0, 0, 0, 0, 0, 0, 0, 12, 0, 0).cdb()));
        assertEquals(0, SetTargetPortGroups.parameterListLength(
                FakeScsiTask.of(0xA4, 0x0A, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0).cdb()));
    }

    @ParameterizedTest(name = "length {0}")
    @CsvSource({"2", "6", "13", "262148"})
    void aLengthThatCutsADescriptorIsAParameterListLengthErrorAtTheLengthField(long length) {
        illegal(SenseReason.PARAMETER_LIST_LENGTH_ERROR, true, 6, -1, () -> SetTargetPortGroups.parameterListLength(
                FakeScsiTask.of(0xA4, 0x0A, 0, 0, 0, 0, (int) (length >>> 24), (int) (length >>> 16) & 0xFF,
                        (int) (length >>> 8) & 0xFF, (int) length & 0xFF, 0, 0).cdb()));
    }

    @Test
    void reservedCdbFieldsAreInvalidFieldsInTheCdb() {
        illegal(SenseReason.INVALID_FIELD_IN_CDB, true, 1, 7, () -> SetTargetPortGroups.parameterListLength(
                FakeScsiTask.of(0xA4, 0x8A, 0, 0, 0, 0, 0, 0, 0, 8, 0, 0).cdb()));
        illegal(SenseReason.INVALID_FIELD_IN_CDB, true, 5, -1, () -> SetTargetPortGroups.parameterListLength(
                FakeScsiTask.of(0xA4, 0x0A, 0, 0, 0, 9, 0, 0, 0, 8, 0, 0).cdb()));
        illegal(SenseReason.INVALID_FIELD_IN_CDB, true, 11, 0, () -> SetTargetPortGroups.parameterListLength(
                FakeScsiTask.of(0xA4, 0x0A, 0, 0, 0, 0, 0, 0, 0, 8, 0, 0x01).cdb()));
    }

    @Test
    void reservedHeaderBytes() {
        badList(2, 0, list(0, 0, 0x01, 0, 0x02, 0, 0, 2));
    }

    @Test
    void reservedBitsBeforeTheState() {
        badList(8, 5, list(0, 0, 0, 0, 0x02, 0, 0, 2, 0x22, 0, 0, 1));
    }

    @Test
    void reservedByteOfADescriptor() {
        badList(5, 7, list(0, 0, 0, 0, 0x02, 0x80, 0, 2));
    }

    @ParameterizedTest(name = "state {0}")
    @CsvSource({"4", "14", "15", "7"})
    void statesThatCannotBeSetPointAtTheStateField(int state) {
        // logical block dependent, offline, transitioning, reserved
        badList(8, 3, list(0, 0, 0, 0, 0x02, 0, 0, 2, state, 0, 0, 1));
    }

    @Test
    void aGroupTheTargetHasNoPortInPointsAtTheGroupField() {
        badList(6, -1, list(0, 0, 0, 0, 0x02, 0, 0, 3));
    }

    @Test
    void aGroupNamedTwicePointsAtTheSecond() {
        badList(14, -1, list(0, 0, 0, 0, 0x02, 0, 0x01, 0x02, 0x01, 0, 0, 1, 0x00, 0, 0x01, 0x02));
    }
}
