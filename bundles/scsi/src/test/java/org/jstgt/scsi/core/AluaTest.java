package org.jstgt.scsi.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.jstgt.api.scsi.ScsiStatus;
import org.jstgt.api.scsi.SenseReason;
import org.jstgt.api.target.AccessState;
import org.jstgt.api.target.Nexus;
import org.jstgt.api.target.PortalGroup;
import org.jstgt.api.target.ScsiResult;
import org.jstgt.testkit.ConfigProps;
import org.jstgt.testkit.FakeScsiTask;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * ALUA through the core: the admission step, REPORT and SET TARGET PORT GROUPS run by the core for
 * the unit, and the unit attentions of a state change. Target "t" is offered on portals "a" (group 1)
 * and "b" (group 2); the harness's initiator has one nexus through each.
 */
class AluaTest {
    private static final String IQN_U = "iqn.2026-11.org.jstgt:u";
    private static final String IQN_W = "iqn.2026-11.org.jstgt:w";
    private final Harness h = new Harness(5_000).withProviders();

    /** What SET TARGET PORT GROUPS asked to persist. */
    private final List<String> saved = new CopyOnWriteArrayList<>();

    @AfterEach
    void tearDown() {
        h.close();
    }

    private void publish(AccessState one, AccessState two) {
        h.manager.portalGroups(List.of(new PortalGroup("a", 1, one, true), new PortalGroup("b", 2, two, false)));
    }

    private void setUp(String alua) {
        h.lun("disk0");
        h.target("t", "lun.0", "disk0", "portals", "a, b", "alua", alua);
        h.manager.accessStates().persistWith((tag, state, portals) -> saved.add(tag + " " + state + " " + portals));
        publish(AccessState.ACTIVE_OPTIMIZED, AccessState.ACTIVE_OPTIMIZED);
    }

    /** A nexus of the harness's initiator through a port group, power-on unit attention consumed. */
    private static Nexus nexus(Harness h, String iqn, int tag, int... luns) throws Exception {
        Nexus n = h.manager.target(iqn).orElseThrow().openNexus(Harness.INITIATOR, Harness.INITIATOR + ",i,0x" + tag,
                iqn + ",t,0x" + tag, tag);
        for (int l : luns) {
            Harness.run(n, Tasks.requestSense(l, false, 18));
        }
        return n;
    }

    static FakeScsiTask rtpg(int format, int alloc) {
        return Tasks.task(0, alloc, 0xA3, (format << 5) | 0x0A, 0, 0, 0, 0, alloc >>> 24, (alloc >>> 16) & 0xFF,
                (alloc >>> 8) & 0xFF, alloc & 0xFF, 0, 0);
    }

    static FakeScsiTask stpg(int lun, int... list) {
        byte[] b = new byte[list.length];
        for (int i = 0; i < list.length; i++) {
            b[i] = (byte) list[i];
        }
        return Tasks.task(lun, b.length, 0xA4, 0x0A, 0, 0, 0, 0, 0, 0, 0, b.length, 0, 0).withDataOut(b);
    }

    private static byte[] data(Nexus n, FakeScsiTask t) throws Exception {
        ScsiResult r = Harness.run(n, t);
        Harness.assertGood(r);
        return t.dataInBytes(r.dataInLength());
    }

    private static void assertNotReady(ScsiResult r, int ascq) {
        assertEquals(ScsiStatus.CHECK_CONDITION, r.status());
        byte[] s = r.sense();
        assertEquals(0x02, s[2] & 0x0F, "NOT READY");
        assertEquals(0x04, s[12] & 0xFF, "LOGICAL UNIT NOT ACCESSIBLE");
        assertEquals(ascq, s[13] & 0xFF, "ASCQ");
    }

    private static void assertStateChanged(ScsiResult r) {
        assertEquals(ScsiStatus.CHECK_CONDITION, r.status());
        byte[] s = r.sense();
        assertEquals(0x06, s[2] & 0x0F, "UNIT ATTENTION");
        assertEquals(0x2A, s[12] & 0xFF, "ASYMMETRIC ACCESS STATE CHANGED");
        assertEquals(0x06, s[13] & 0xFF);
    }

    @Test
    void reportTargetPortGroupsListsTheTargetsGroupsInBothFormatsCutAtTheAllocationLength() throws Exception {
        setUp("implicit");
        Nexus one = nexus(h, Harness.IQN, 1, 0);
        byte[] full = data(one, rtpg(0, 4096));
        assertArrayEquals(new byte[] {0, 0, 0, 24,
            (byte) 0x80, (byte) 0x8F, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1,
            0x00, (byte) 0x8F, 0, 2, 0, 0, 0, 1, 0, 0, 0, 2}, full);
        byte[] extended = data(one, rtpg(1, 4096));
        assertEquals(32, extended.length);
        assertArrayEquals(new byte[] {0, 0, 0, 28, 0x10, 0, 0, 0}, Arrays.copyOf(extended, 8));
        assertArrayEquals(Arrays.copyOfRange(full, 4, 28), Arrays.copyOfRange(extended, 8, 32));
        // a short allocation length truncates; the length field still counts everything
        assertArrayEquals(Arrays.copyOf(extended, 10), data(one, rtpg(1, 10)));
        assertArrayEquals(Arrays.copyOf(full, 3), data(one, rtpg(0, 3)));
    }

    @Test
    void setTargetPortGroupsChangesTheGroupForEveryTargetAndTellsEveryOtherNexusOfItsLus() throws Exception {
        setUp("explicit");
        h.lun("disk1");
        h.manager.targetUpdated("pid-u", ConfigProps.fromFile("jstgt.target-u.cfg", "iqn", IQN_U, "lun.3", "disk0",
                "portals", "b"));
        h.manager.targetUpdated("pid-w", ConfigProps.fromFile("jstgt.target-w.cfg", "iqn", IQN_W, "lun.0", "disk1",
                "portals", "a", "alua", "explicit"));
        Nexus one = nexus(h, Harness.IQN, 1, 0);
        Nexus two = nexus(h, Harness.IQN, 2, 0);
        Nexus otherTarget = nexus(h, IQN_U, 2, 3);
        Nexus otherLu = nexus(h, IQN_W, 1, 0);

        Harness.assertGood(Harness.run(one, stpg(0, 0, 0, 0, 0, 0x02, 0, 0, 2)));

        Harness.assertGood(Harness.run(one, Tasks.testUnitReady(0)));
        assertStateChanged(Harness.run(two, Tasks.testUnitReady(0)));
        assertStateChanged(Harness.run(otherTarget, Tasks.testUnitReady(3)));
        Harness.assertGood(Harness.run(otherLu, Tasks.testUnitReady(0)));
        // group 2 is in standby for every target with a port in it
        assertNotReady(Harness.run(two, Tasks.read10(0, 0, 1)), 0x0B);
        assertNotReady(Harness.run(otherTarget, Tasks.testUnitReady(3)), 0x0B);
        Harness.assertGood(Harness.run(two, Tasks.inquiry(0, 36)));
        Harness.assertGood(Harness.run(one, Tasks.read10(0, 0, 1)));
        assertEquals(List.of("2 STANDBY [b]"), saved);
        // the report shows it, altered by SET TARGET PORT GROUPS (status 01h); the command runs in standby too
        byte[] d = data(two, rtpg(0, 4096));
        assertEquals(0x02, d[16], "standby");
        assertEquals(0x01, d[21], "STATUS CODE");
        // a standby path takes SET TARGET PORT GROUPS: back to active, told to the others
        Harness.assertGood(Harness.run(two, stpg(0, 0, 0, 0, 0, 0x00, 0, 0, 2)));
        assertStateChanged(Harness.run(one, Tasks.testUnitReady(0)));
        Harness.assertGood(Harness.run(two, Tasks.read10(0, 0, 1)));
    }

    @Test
    void aBadDescriptorIsIllegalRequestWithAFieldPointerInTheSenseData() throws Exception {
        setUp("both");
        Nexus one = nexus(h, Harness.IQN, 1, 0);
        ScsiResult r = Harness.run(one, stpg(0, 0, 0, 0, 0, 0x02, 0, 0, 9));
        Harness.assertSense(r, SenseReason.INVALID_FIELD_IN_PARAMETER_LIST);
        byte[] s = r.sense();
        // fixed format bytes 15-17: SKSV 1, C/D 0 (parameter list), BPV 0; FIELD POINTER 6 (TARGET PORT GROUP)
        assertEquals(0x80, s[15] & 0xFF);
        assertEquals(6, ((s[16] & 0xFF) << 8) | (s[17] & 0xFF));
        assertEquals(AccessState.ACTIVE_OPTIMIZED, h.manager.accessStates().snapshot().state(9));
        assertTrue(saved.isEmpty());
    }

    @ParameterizedTest(name = "alua = {0}")
    @CsvSource({"none, 0, false, false", "implicit, 1, true, false", "explicit, 2, true, true", "both, 3, true, true"})
    void theAluaKeyDecidesTpgsAndWhichCommandsTheCoreRuns(String alua, int tpgs, boolean report, boolean set)
            throws Exception {
        setUp(alua);
        Nexus one = nexus(h, Harness.IQN, 1, 0);
        assertEquals(tpgs, one.targetPortGroupSupport(), "TPGS of INQUIRY");
        ScsiResult r = Harness.run(one, rtpg(0, 64));
        if (report) {
            Harness.assertGood(r);
        } else {
            // not offered: the unit parses it, and answers as for any command it does not support
            Harness.assertSense(r, SenseReason.INVALID_COMMAND_OPERATION_CODE);
        }
        r = Harness.run(one, stpg(0, 0, 0, 0, 0, 0x01, 0, 0, 1));
        if (set) {
            Harness.assertGood(r);
            assertEquals(AccessState.ACTIVE_NON_OPTIMIZED, h.manager.accessStates().snapshot().state(1));
        } else {
            Harness.assertSense(r, SenseReason.INVALID_COMMAND_OPERATION_CODE);
            assertEquals(AccessState.ACTIVE_OPTIMIZED, h.manager.accessStates().snapshot().state(1));
        }
    }

    @Test
    void aConfiguredChangeTellsEveryNexusAndTheStateDecidesWhatRuns() throws Exception {
        setUp("explicit");
        Nexus one = nexus(h, Harness.IQN, 1, 0);
        Nexus two = nexus(h, Harness.IQN, 2, 0);
        publish(AccessState.UNAVAILABLE, AccessState.ACTIVE_OPTIMIZED);
        assertStateChanged(Harness.run(one, Tasks.testUnitReady(0)));
        assertStateChanged(Harness.run(two, Tasks.testUnitReady(0)));
        assertNotReady(Harness.run(one, Tasks.testUnitReady(0)), 0x0C);
        Harness.assertGood(Harness.run(one, Tasks.inquiry(0, 36)));
        Harness.assertGood(Harness.run(one, rtpg(0, 64)));
        Harness.assertGood(Harness.run(two, Tasks.testUnitReady(0)));
        publish(AccessState.TRANSITIONING, AccessState.ACTIVE_NON_OPTIMIZED);
        assertStateChanged(Harness.run(one, Tasks.testUnitReady(0)));
        assertNotReady(Harness.run(one, Tasks.testUnitReady(0)), 0x0A);
        // SET TARGET PORT GROUPS is not among what transitioning allows
        assertNotReady(Harness.run(one, stpg(0, 0, 0, 0, 0, 0x00, 0, 0, 1)), 0x0A);
        assertStateChanged(Harness.run(two, Tasks.testUnitReady(0)));
        Harness.assertGood(Harness.run(two, Tasks.read10(0, 0, 1)));
    }

    /** A target that reports no ALUA (TPGS 00b) does not behave asymmetrically either. */
    @Test
    void aTargetWithoutAluaIsNeitherRefusedNorTold() throws Exception {
        setUp("none");
        h.manager.targetUpdated("pid-u", ConfigProps.fromFile("jstgt.target-u.cfg", "iqn", IQN_U, "lun.3", "disk0",
                "portals", "a"));
        Nexus none = nexus(h, Harness.IQN, 1, 0);
        Nexus implicit = nexus(h, IQN_U, 1, 3);
        publish(AccessState.STANDBY, AccessState.ACTIVE_OPTIMIZED);
        Harness.assertGood(Harness.run(none, Tasks.read10(0, 0, 1)));
        assertStateChanged(Harness.run(implicit, Tasks.testUnitReady(3)));
        assertNotReady(Harness.run(implicit, Tasks.read10(3, 0, 1)), 0x0B);
    }

    @Test
    void aCommandRefusedWhileItsLuWaitsForItsUnitLeavesNothingBehind() throws Exception {
        try (Harness waiting = new Harness(60_000)) {
            waiting.lun("d0");
            waiting.target("t", "lun.0", "d0", "portals", "a");
            Nexus one = nexus(waiting, Harness.IQN, 1, 0);
            waiting.manager.portalGroups(List.of(new PortalGroup("a", 1, AccessState.STANDBY, false)));
            byte[] ua = data(one, Tasks.requestSense(0, false, 18));
            assertEquals(0x2A, ua[12], "ASYMMETRIC ACCESS STATE CHANGED, reported by REQUEST SENSE");
            assertNotReady(one.prepare(Tasks.testUnitReady(0)).immediateResult(), 0x0B);
            assertEquals(0, waiting.manager.lun("d0").heldCount());
            assertTrue(waiting.manager.lun("d0").live.isEmpty());
        }
    }
}
