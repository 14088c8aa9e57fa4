package org.jstgt.scsi.core;

import static org.jstgt.scsi.core.Harness.*;
import static org.junit.jupiter.api.Assertions.*;

import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.jstgt.api.scsi.DeviceProvider;
import org.jstgt.api.scsi.SenseReason;
import org.jstgt.api.target.Nexus;
import org.jstgt.api.target.ScsiResult;
import org.jstgt.scsi.pr.PrIn;
import org.jstgt.scsi.pr.PrOutRequest;
import org.jstgt.testkit.Cdbs;
import org.jstgt.testkit.PrCdbs;
import org.junit.jupiter.api.Test;

/**
 * Persistent reservations through the core (SPC-4 §5.13): PERSISTENT RESERVE IN/OUT answered for
 * the unit, the conflict step between the unit attention check and the task set, ILLEGAL REQUEST
 * with its field pointer, and the unit attentions a change establishes on the nexuses that see the
 * LU, in every target.
 */
class ReservationsTest extends TwoNexuses {
    @Test
    void persistentReserveInAndOutAreTheCores() throws Exception {
        assertGood(register(a, 0, 0xAA));
        var keys = Tasks.prIn(PrIn.READ_KEYS, 64);
        ScsiResult r = run(b, keys);
        assertGood(r);
        assertEquals(16, r.dataInLength());
        assertArrayEquals(new byte[] {0, 0, 0, 1, 0, 0, 0, 8, 0, 0, 0, 0, 0, 0, 0, (byte) 0xAA}, keys.dataInBytes(16));
        assertTrue(h.devices.created.get(0).nexusesLost.isEmpty());
    }

    @Test
    void otherNexusesConflictUnderExclusiveAccess() throws Exception {
        assertGood(register(a, 0, 0xAA));
        assertGood(reserve(a, 0xAA, EA));
        assertGood(run(a, Tasks.read10(0, 1, 1)));
        assertGood(run(a, Tasks.write10(0, 1, new byte[512])));
        assertConflict(run(b, Tasks.read10(0, 1, 1)));
        assertConflict(run(b, Tasks.write10(0, 1, new byte[512])));
        assertGood(run(b, Tasks.inquiry(0, 36)));
        assertGood(run(b, Tasks.testUnitReady(0)));
        assertGood(run(b, Tasks.reportLuns(0, 64)));
        // PERSISTENT RESERVE IN goes through every reservation
        assertGood(run(b, Tasks.prIn(PrIn.READ_RESERVATION, 64)));
    }

    @Test
    void writeExclusiveLetsOthersRead() throws Exception {
        assertGood(register(a, 0, 0xAA));
        assertGood(reserve(a, 0xAA, WE));
        assertGood(run(b, Tasks.read10(0, 1, 1)));
        assertConflict(run(b, Tasks.write10(0, 1, new byte[512])));
        assertGood(register(b, 0, 0xBB));
        // registered is not enough under Write Exclusive
        assertConflict(run(b, Tasks.write10(0, 1, new byte[512])));
    }

    @Test
    void registrantsOnlyLetsRegisteredNexusesWrite() throws Exception {
        assertGood(register(a, 0, 0xAA));
        assertGood(reserve(a, 0xAA, WE_RO));
        assertConflict(run(b, Tasks.write10(0, 1, new byte[512])));
        assertGood(register(b, 0, 0xBB));
        assertGood(run(b, Tasks.write10(0, 1, new byte[512])));
    }

    @Test
    void unitAttentionComesBeforeTheConflict() throws Exception {
        assertGood(register(a, 0, 0xAA));
        assertGood(reserve(a, 0xAA, EA));
        ((TargetRuntime) h.manager.target(IQN).orElseThrow()).maps.raise(h.manager.lun("d0"),
                SenseReason.MODE_PARAMETERS_CHANGED.sense());
        assertSense(run(b, Tasks.read10(0, 1, 1)), SenseReason.MODE_PARAMETERS_CHANGED);
        assertConflict(run(b, Tasks.read10(0, 1, 1)));
    }

    @Test
    void badFieldsAreIllegalRequestsWithTheirFieldPointer() throws Exception {
        ScsiResult type = out(a, PrOutRequest.RESERVE, 0x02, PrCdbs.basic(0, 0, 0));
        assertSense(type, SenseReason.INVALID_FIELD_IN_CDB);
        assertFieldPointer(type.sense(), true, 2, 3);
        ScsiResult scope = out(a, PrOutRequest.RESERVE, 0x11, PrCdbs.basic(0, 0, 0));
        assertFieldPointer(scope.sense(), true, 2, 7);
        ScsiResult sa = run(a, Tasks.prIn(4, 64));
        assertSense(sa, SenseReason.INVALID_FIELD_IN_CDB);
        assertFieldPointer(sa.sense(), true, 1, 4);
        ScsiResult outSa = out(a, 9, 0, PrCdbs.basic(0, 0, 0));
        assertFieldPointer(outSa.sense(), true, 1, 4);
        ScsiResult specIPt = out(a, PrOutRequest.RESERVE, EA, PrCdbs.basic(0, 0, PrCdbs.SPEC_I_PT));
        assertSense(specIPt, SenseReason.INVALID_FIELD_IN_PARAMETER_LIST);
        assertFieldPointer(specIPt.sense(), false, 20, 3);
        ScsiResult aptpl = register(a, 0, 0xAA);
        assertGood(aptpl);
        ScsiResult noPtpl = out(a, PrOutRequest.REGISTER, 0, PrCdbs.basic(0xAA, 0xAB, PrCdbs.APTPL));
        assertSense(noPtpl, SenseReason.INVALID_FIELD_IN_PARAMETER_LIST);
        assertFieldPointer(noPtpl.sense(), false, 20, 0);
        assertSense(out(a, PrOutRequest.REGISTER, 0, Arrays.copyOf(PrCdbs.basic(0xAA, 0xAB, 0), 25)),
                SenseReason.PARAMETER_LIST_LENGTH_ERROR);
        assertSense(out(a, PrOutRequest.CLEAR, 0, new byte[0]), SenseReason.PARAMETER_LIST_LENGTH_ERROR);
        ScsiResult release = out(a, PrOutRequest.RELEASE, WE, PrCdbs.basic(0xAA, 0, 0));
        assertGood(release);
        assertGood(reserve(a, 0xAA, EA));
        assertSense(out(a, PrOutRequest.RELEASE, WE, PrCdbs.basic(0xAA, 0, 0)),
                SenseReason.INVALID_RELEASE_OF_PERSISTENT_RESERVATION);
    }

    @Test
    void shortDataOutIsAParameterListLengthError() throws Exception {
        byte[] list = PrCdbs.basic(0, 0xAA, 0);
        var t = Tasks.task(0, 16, PrCdbs.persistentReserveOut(PrOutRequest.REGISTER, 0, 24))
                .withDataOut(Arrays.copyOf(list, 16));
        assertSense(run(a, t), SenseReason.PARAMETER_LIST_LENGTH_ERROR);
        assertNull(h.manager.lun("d0").reservations.state().registrationOf(((NexusImpl) a).itNexus));
    }

    @Test
    void preemptTellsThePreemptedAndTheOthersOfTheNewType() throws Exception {
        // a third nexus, of another target that maps the same LU at number 3
        h.target("t2", "iqn", "iqn.2026-11.org.jstgt:t2", "lun.3", "d0");
        Nexus c = quiet(h.manager.target("iqn.2026-11.org.jstgt:t2").orElseThrow().openNexus("iqn.2026-01.org.test:c",
                "iqn.2026-01.org.test:c,i,0x1", "iqn.2026-11.org.jstgt:t2,t,0x1", 1), 3);
        assertGood(register(a, 0, 0xAA));
        assertGood(register(b, 0, 0xBB));
        assertGood(run(c, Tasks.task(3, 24, PrCdbs.persistentReserveOut(PrOutRequest.REGISTER, 0, 24))
                .withDataOut(PrCdbs.basic(0, 0xCC, 0))));
        assertGood(reserve(a, 0xAA, WE));
        assertGood(out(b, PrOutRequest.PREEMPT, EA, PrCdbs.basic(0xBB, 0xAA, 0)));
        ScsiResult ua = run(a, Tasks.testUnitReady(0));
        assertSense(ua, SenseReason.REGISTRATIONS_PREEMPTED);
        assertSense(run(c, Tasks.task(3, 0, Cdbs.testUnitReady())), SenseReason.RESERVATIONS_RELEASED);
        // the preempting nexus gets none
        assertGood(run(b, Tasks.testUnitReady(0)));
        assertConflict(run(a, Tasks.write10(0, 1, new byte[512])));
        assertGood(run(b, Tasks.write10(0, 1, new byte[512])));
    }

    @Test
    void clearPreemptsTheOtherRegisteredNexuses() throws Exception {
        assertGood(register(a, 0, 0xAA));
        assertGood(register(b, 0, 0xBB));
        assertGood(reserve(a, 0xAA, EA));
        assertGood(out(b, PrOutRequest.CLEAR, 0, PrCdbs.basic(0xBB, 0, 0)));
        assertSense(run(a, Tasks.testUnitReady(0)), SenseReason.RESERVATIONS_PREEMPTED);
        assertGood(run(b, Tasks.testUnitReady(0)));
        assertTrue(h.manager.lun("d0").reservations.state().idle());
    }

    @Test
    void administratorClearPreemptsEveryRegisteredNexus() throws Exception {
        assertGood(register(a, 0, 0xAA));
        assertGood(reserve(a, 0xAA, EA));
        var view = h.manager.managementView();
        var info = view.reservations("d0").orElseThrow();
        assertEquals("EA", info.type());
        assertEquals(1, info.registrations().size());
        assertTrue(info.registrations().get(0).holder());
        assertEquals(INITIATOR + ",i,0x000000000001", info.registrations().get(0).initiatorPort());
        assertTrue(view.clearReservations("d0"));
        assertFalse(view.clearReservations("nope"));
        assertSense(run(a, Tasks.testUnitReady(0)), SenseReason.RESERVATIONS_PREEMPTED);
        assertGood(run(b, Tasks.write10(0, 1, new byte[512])));
        assertEquals("", view.reservations("d0").orElseThrow().type());
        assertTrue(view.reservations("nope").isEmpty());
    }

    @Test
    void aCommandHeldForItsProviderIsCheckedWhenItRuns() throws Exception {
        assertGood(register(a, 0, 0xAA));
        assertGood(reserve(a, 0xAA, EA));
        Map<String, Object> device = Map.of(DeviceProvider.TYPE, "fake");
        h.manager.removeDeviceProvider(h.devices, device);
        var held = b.prepare(Tasks.write10(0, 1, new byte[512]));
        var done = held.execute();
        assertFalse(done.toCompletableFuture().isDone());
        h.manager.addDeviceProvider(h.devices, device);
        assertConflict(done.toCompletableFuture().get(10, TimeUnit.SECONDS));
    }
}
