package org.jstgt.scsi.alua;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.jstgt.api.scsi.ScsiException;
import org.jstgt.api.scsi.SenseReason;
import org.jstgt.api.target.AccessState;
import org.jstgt.testkit.FakeScsiTask;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/** REPORT TARGET PORT GROUPS (SPC-4 §6.36): CDB checks and the parameter data of two groups. */
class ReportTargetPortGroupsTest {
    private static final List<GroupSnapshot.Group> TWO = List.of(
            new GroupSnapshot.Group(1, AccessState.ACTIVE_OPTIMIZED, true, GroupSnapshot.STATUS_NONE),
            new GroupSnapshot.Group(0x1234, AccessState.STANDBY, false, GroupSnapshot.STATUS_EXPLICIT));

    /** The two descriptors, byte by byte. */
    private static final int[] DESCRIPTORS = {
        // PREF + active/optimized, T_SUP U_SUP S_SUP AN_SUP AO_SUP, group 1, reserved, no status,
        // vendor, one port; the port: obsolete, relative target port 1
        0x80, 0x8F, 0x00, 0x01, 0, 0x00, 0, 1, 0, 0, 0x00, 0x01,
        // standby, same support, group 1234h, status 01h (altered by SET TARGET PORT GROUPS); port 1234h
        0x02, 0x8F, 0x12, 0x34, 0, 0x01, 0, 1, 0, 0, 0x12, 0x34};

    private static byte[] bytes(int... v) {
        byte[] b = new byte[v.length];
        for (int i = 0; i < v.length; i++) {
            b[i] = (byte) v[i];
        }
        return b;
    }

    private static byte[] concat(int[] head, int[] tail) {
        int[] all = new int[head.length + tail.length];
        System.arraycopy(head, 0, all, 0, head.length);
        System.arraycopy(tail, 0, all, head.length, tail.length);
        return bytes(all);
    }

    @Test
    void lengthOnlyHeaderThenOneDescriptorPerGroup() {
        assertArrayEquals(concat(new int[] {0, 0, 0, 24}, DESCRIPTORS),
                ReportTargetPortGroups.data(TWO, ReportTargetPortGroups.LENGTH_ONLY));
    }

    @Test
    void extendedHeaderSaysItsFormatAndNoImplicitTransitionTime() {
        // RETURN DATA LENGTH counts the 4 header bytes after it; FORMAT TYPE 001b; IMPLICIT TRANSITION TIME 0
        assertArrayEquals(concat(new int[] {0, 0, 0, 28, 0x10, 0, 0, 0}, DESCRIPTORS),
                ReportTargetPortGroups.data(TWO, ReportTargetPortGroups.EXTENDED));
    }

    @Test
    void parsesFormatAndAllocationLength() throws Exception {
        ReportTargetPortGroups.Request r = ReportTargetPortGroups.parse(
                FakeScsiTask.of(0xA3, 0x2A, 0, 0, 0, 0, 0x01, 0x02, 0x03, 0x04, 0, 0).cdb());
        assertEquals(ReportTargetPortGroups.EXTENDED, r.format());
        assertEquals(0x01020304, r.allocationLength());
        assertEquals(Integer.MAX_VALUE, ReportTargetPortGroups.parse(
                FakeScsiTask.of(0xA3, 0x0A, 0, 0, 0, 0, 0xFF, 0xFF, 0xFF, 0xFF, 0, 0).cdb()).allocationLength());
    }

    private static void invalidCdb(int fieldByte, int fieldBit, Executable e) {
        ScsiException x = assertThrows(ScsiException.class, e);
        assertTrue(x.sense().is(SenseReason.INVALID_FIELD_IN_CDB), x.getMessage());
        int sks = x.sense().senseKeySpecific();
        // SKSV and C/D set, BPV with the bit when one is named, FIELD POINTER
        assertEquals(0xC0 | (fieldBit >= 0 ? 0x08 | fieldBit : 0), sks >>> 16, "SKSV, C/D, BPV, BIT POINTER");
        assertEquals(fieldByte, sks & 0xFFFF, "FIELD POINTER");
    }

    @Test
    void badCdbFieldsArePointedAt() {
        // PARAMETER DATA FORMAT 010b is reserved
        invalidCdb(1, 7, () -> ReportTargetPortGroups.parse(FakeScsiTask.of(0xA3, 0x4A, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0)
                .cdb()));
        invalidCdb(3, -1, () -> ReportTargetPortGroups.parse(FakeScsiTask.of(0xA3, 0x0A, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0)
                .cdb()));
        invalidCdb(10, -1, () -> ReportTargetPortGroups.parse(FakeScsiTask.of(0xA3, 0x0A, 0, 0, 0, 0, 0, 0, 1, 0, 8,
                0).cdb()));
        // CONTROL: NACA
        invalidCdb(11, 2, () -> ReportTargetPortGroups.parse(FakeScsiTask.of(0xA3, 0x0A, 0, 0, 0, 0, 0, 0, 1, 0, 0,
                0x04).cdb()));
    }
}
