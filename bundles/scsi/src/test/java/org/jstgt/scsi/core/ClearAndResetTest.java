package org.jstgt.scsi.core;

import static org.jstgt.scsi.core.AbortTest.block;
import static org.jstgt.scsi.core.AbortTest.result;
import static org.jstgt.scsi.core.Harness.*;
import static org.junit.jupiter.api.Assertions.*;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

import org.jstgt.api.scsi.Queueing;
import org.jstgt.api.scsi.ScsiStatus;
import org.jstgt.api.scsi.SenseReason;
import org.jstgt.api.target.Nexus;
import org.jstgt.api.target.PreparedCommand;
import org.jstgt.api.target.ScsiResult;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * CLEAR TASK SET (SAM-5 §7.5) and the hard reset of a target (SAM-5 §6.3.2, iSCSI's TARGET WARM
 * and COLD RESET): which tasks end, when the function completes, and who gets which unit attention.
 * Units queue in arrival order so that one gated write keeps the next one queued.
 */
class ClearAndResetTest {
    private static final String IQN2 = "iqn.2026-11.org.jstgt:t2";
    private Harness h;
    private CompletableFuture<Void> gate;

    @BeforeEach
    void setUp() {
        h = new Harness(15_000).withProviders();
        h.devices.queueing = Queueing.IN_ORDER;
        h.lun("d0");
        h.lun("d1");
        h.target("t1", "lun.0", "d0", "lun.5", "d1");
        gate = new CompletableFuture<>();
        h.devices.writeGate = gate;
    }

    @AfterEach
    void tearDown() {
        gate.complete(null);
        h.close();
    }

    /** A nexus of an initiator port of t1 with its power-on attentions on LUN 0 and 5 consumed. */
    private Nexus nexus(String port) throws Exception {
        Nexus n = h.manager.target(IQN).orElseThrow().openNexus(INITIATOR, INITIATOR + ",i," + port,
                IQN + ",t,0x1", 1);
        run(n, Tasks.requestSense(0, false, 18));
        run(n, Tasks.requestSense(5, false, 18));
        return n;
    }

    private static CompletionStage<ScsiResult> write(Nexus n, int lun, int lba) {
        return n.prepare(Tasks.write10(lun, lba, block(lba))).execute();
    }

    @Test
    void clearTaskSetAbortsEveryNexussTasksOfThatUnitOnlyAndAnswersTheOtherNexusesTaskAborted() throws Exception {
        Nexus a = nexus("0x1");
        Nexus b = nexus("0x2");
        Nexus idle = nexus("0x3");
        CompletionStage<ScsiResult> running = write(a, 0, 1);
        CompletionStage<ScsiResult> queued = write(b, 0, 2);
        CompletionStage<ScsiResult> otherUnit = write(b, 5, 3);
        PreparedCommand otherUnitCollecting = a.prepare(Tasks.write10(5, 4, block(4)));
        CompletableFuture<Boolean> clear = a.clearTaskSet(0).toCompletableFuture();
        assertTaskAborted(result(queued), "the queued task of the other nexus ends at once");
        assertFalse(clear.isDone(), "a task still runs in the device");
        gate.complete(null);
        assertTrue(clear.get(10, TimeUnit.SECONDS));
        assertTrue(result(running).aborted(), "this nexus's running task ends without a response once the device "
                + "completed it");
        assertGood(result(otherUnit));
        assertGood(result(otherUnitCollecting.execute()));
        assertTrue(h.manager.lun("d0").live.isEmpty());
        // SAM-5 §5.6 (TAS 1): TASK ABORTED status told b; COMMANDS CLEARED BY ANOTHER INITIATOR is TAS 0's way
        assertGood(run(b, Tasks.testUnitReady(0)));
        assertGood(run(b, Tasks.testUnitReady(5)));
        assertGood(run(a, Tasks.testUnitReady(0)));
        assertGood(run(idle, Tasks.testUnitReady(0)));
        assertGood(run(a, Tasks.read10(0, 2, 1)));
        assertFalse(a.clearTaskSet(9).toCompletableFuture().get(10, TimeUnit.SECONDS));
    }

    @Test
    void logicalUnitAndTargetResetsResetTheUnitsOnceTheirTasksAreGone() throws Exception {
        Nexus a = nexus("0x1");
        Fakes.Unit d0 = h.devices.created.get(0).spec.name().equals("d0") ? h.devices.created.get(0)
                : h.devices.created.get(1);
        Fakes.Unit d1 = d0 == h.devices.created.get(0) ? h.devices.created.get(1) : h.devices.created.get(0);
        CompletionStage<ScsiResult> running = write(a, 0, 1);
        CompletableFuture<Boolean> reset = a.resetLogicalUnit(0).toCompletableFuture();
        assertEquals(0, d0.resets.get(), "not while a task still runs in the device");
        gate.complete(null);
        assertTrue(reset.get(10, TimeUnit.SECONDS));
        assertTrue(result(running).aborted());
        assertEquals(1, d0.resets.get(), "LOGICAL UNIT RESET resets that unit");
        assertEquals(0, d1.resets.get(), "and no other");
        a.resetTarget().toCompletableFuture().get(10, TimeUnit.SECONDS);
        assertEquals(2, d0.resets.get(), "a target reset resets every unit it maps");
        assertEquals(1, d1.resets.get());
    }

    @Test
    void clearTaskSetIsNotALogicalUnitReset() throws Exception {
        Nexus a = nexus("0x1");
        Nexus b = nexus("0x2");
        assertTrue(a.clearTaskSet(0).toCompletableFuture().get(10, TimeUnit.SECONDS));
        assertEquals(0, h.devices.created.get(0).resets.get() + h.devices.created.get(1).resets.get());
        assertGood(run(b, Tasks.testUnitReady(0)));
        assertGood(run(a, Tasks.testUnitReady(0)));
    }

    @Test
    void targetResetResetsEveryUnitAndRaisesTheResetAttentionOnEveryNexus() throws Exception {
        h.target("t2", "iqn", IQN2, "lun.3", "d0");
        Nexus a = nexus("0x1");
        Nexus b = nexus("0x2");
        Nexus elsewhere = h.manager.target(IQN2).orElseThrow().openNexus(INITIATOR, INITIATOR + ",i,0x4",
                IQN2 + ",t,0x1", 1);
        run(elsewhere, Tasks.requestSense(3, false, 18));
        CompletionStage<ScsiResult> running = write(b, 0, 1);
        CompletionStage<ScsiResult> queued = write(b, 0, 2);
        CompletionStage<ScsiResult> onFive = write(a, 5, 3);
        PreparedCommand collecting = b.prepare(Tasks.write10(5, 4, block(4)));
        CompletableFuture<Void> reset = a.resetTarget().toCompletableFuture();
        assertTaskAborted(result(queued), "b's queued task");
        assertFalse(reset.isDone(), "tasks still run in the device");
        gate.complete(null);
        reset.get(10, TimeUnit.SECONDS);
        assertTaskAborted(result(running), "b's running task");
        assertTrue(result(onFive).aborted(), "the task of a, which asked for the reset, ends without a response");
        assertTaskAborted(result(collecting.execute()), "b's task in its data phase");
        assertTrue(h.manager.lun("d0").live.isEmpty());
        assertTrue(h.manager.lun("d1").live.isEmpty());
        for (Nexus n : new Nexus[] {a, b}) {
            for (int lun : new int[] {0, 5}) {
                assertSense(run(n, Tasks.testUnitReady(lun)), SenseReason.POWER_ON_RESET_OR_BUS_DEVICE_RESET);
                assertGood(run(n, Tasks.testUnitReady(lun)));
            }
        }
        // a nexus of another target sees a logical unit reset of the unit it shares
        assertSense(run(elsewhere, Tasks.testUnitReady(3)), SenseReason.BUS_DEVICE_RESET_FUNCTION_OCCURRED);
        assertGood(run(elsewhere, Tasks.testUnitReady(3)));
    }
}
