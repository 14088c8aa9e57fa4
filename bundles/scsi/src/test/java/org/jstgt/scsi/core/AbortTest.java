package org.jstgt.scsi.core;

import static org.jstgt.scsi.core.Harness.*;
import static org.junit.jupiter.api.Assertions.*;

import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

import org.jstgt.api.scsi.DeviceProvider;
import org.jstgt.api.scsi.Queueing;
import org.jstgt.api.scsi.SenseReason;
import org.jstgt.api.target.Nexus;
import org.jstgt.api.target.PreparedCommand;
import org.jstgt.api.target.ScsiResult;
import org.jstgt.testkit.Cdbs;
import org.jstgt.testkit.FakeScsiTask;
import org.jstgt.testkit.RecordingStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Aborts that really abort (SAM-5 §5.6, §7.8): an aborted command held for its provider, queued in
 * an in-order task set or not yet executed never reaches the store; a running one is gone only
 * when the device completed it; LOGICAL UNIT RESET does this for every nexus's tasks.
 */
class AbortTest {
    private static final Map<String, Object> DEVICE = Map.of(DeviceProvider.TYPE, "fake");
    private Harness h;

    @AfterEach
    void tearDown() {
        if (h != null) {
            h.close();
        }
    }

    static byte[] block(int value) {
        byte[] b = new byte[512];
        java.util.Arrays.fill(b, (byte) value);
        return b;
    }

    static ScsiResult result(CompletionStage<ScsiResult> s) throws Exception {
        return s.toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    private RecordingStore store() {
        return h.stores.opened.get(h.stores.opened.size() - 1);
    }

    /** A LUN d0 at LUN 0 of the harness target, and a nexus with its power-on attention consumed. */
    private Nexus start(Queueing queueing, String... lunKeys) throws Exception {
        h = new Harness(15_000).withProviders();
        h.devices.queueing = queueing;
        h.lun("d0", lunKeys);
        h.target("t1", "lun.0", "d0");
        return h.quietNexus(0);
    }

    private Nexus otherNexus() throws Exception {
        Nexus b = h.manager.target(IQN).orElseThrow().openNexus(INITIATOR, INITIATOR + ",i,0x2", IQN + ",t,0x1", 1);
        run(b, Tasks.requestSense(0, false, 18));
        return b;
    }

    @Test
    void aHeldCommandEndedByAUnitAttentionLeavesTheHeldList() throws Exception {
        Nexus a = start(Queueing.CONCURRENT);
        Nexus b = otherNexus();
        h.manager.removeDeviceProvider(h.devices, DEVICE);
        assertTrue(a.logicalUnitReset(0));
        assertSense(run(b, Tasks.write10(0, 3, block(3))), SenseReason.BUS_DEVICE_RESET_FUNCTION_OCCURRED);
        assertEquals(0, h.manager.lun("d0").heldCount());
        assertTrue(h.manager.lun("d0").live.isEmpty(), "no task of the LU is tracked any more");
        h.manager.addDeviceProvider(h.devices, DEVICE);
        assertFalse(store().ops().contains("write"), () -> "store calls " + store().ops());
    }

    @Test
    void abortedHeldWriteNeverReachesTheStoreWhenTheProviderReturns() throws Exception {
        Nexus n = start(Queueing.CONCURRENT);
        h.manager.removeDeviceProvider(h.devices, DEVICE);
        PreparedCommand p = n.prepare(Tasks.write10(0, 3, block(0x5A)));
        CompletionStage<ScsiResult> done = p.execute();
        assertEquals(1, h.manager.lun("d0").heldCount());
        CompletableFuture<Void> gone = p.abort().toCompletableFuture();
        assertTrue(gone.isDone(), "a held command is gone at once");
        assertEquals(0, h.manager.lun("d0").heldCount());
        assertTrue(result(done).aborted());
        h.manager.addDeviceProvider(h.devices, DEVICE);
        assertGood(run(n, Tasks.read10(0, 3, 1)));
        assertFalse(store().ops().contains("write"), () -> "store calls " + store().ops());
    }

    @Test
    void runningWriteIsGoneOnlyWhenTheDeviceCompletedIt() throws Exception {
        Nexus n = start(Queueing.CONCURRENT);
        CompletableFuture<Void> gate = new CompletableFuture<>();
        h.devices.writeGate = gate;
        PreparedCommand p = n.prepare(Tasks.write10(0, 3, block(0x5A)));
        CompletionStage<ScsiResult> done = p.execute();
        CompletableFuture<Void> gone = p.abort().toCompletableFuture();
        assertFalse(gone.isDone(), "the device still runs it");
        gate.complete(null);
        gone.get(10, TimeUnit.SECONDS);
        assertEquals(0x5A, store().get(3 * 512));
        assertTrue(result(done).aborted());
        assertTrue(h.manager.lun("d0").live.isEmpty());
    }

    @Test
    void abortedBeforeExecuteNeverRuns() throws Exception {
        Nexus n = start(Queueing.CONCURRENT);
        PreparedCommand p = n.prepare(Tasks.write10(0, 3, block(0x5A)));
        assertTrue(p.abort().toCompletableFuture().isDone());
        assertTrue(result(p.execute()).aborted());
        assertFalse(store().ops().contains("write"), () -> "store calls " + store().ops());
    }

    @Test
    void abortedCommandQueuedInOrderNeverRunsAndFreesTheSet() throws Exception {
        Nexus n = start(Queueing.IN_ORDER);
        CompletableFuture<Void> gate = new CompletableFuture<>();
        h.devices.writeGate = gate;
        CompletionStage<ScsiResult> first = n.prepare(Tasks.write10(0, 1, block(1))).execute();
        PreparedCommand second = n.prepare(Tasks.write10(0, 2, block(2)));
        CompletionStage<ScsiResult> secondDone = second.execute();
        PreparedCommand third = n.prepare(Tasks.read10(0, 1, 1));
        CompletionStage<ScsiResult> thirdDone = third.execute();
        assertTrue(second.abort().toCompletableFuture().isDone(), "a queued command is gone at once");
        assertTrue(result(secondDone).aborted());
        gate.complete(null);
        assertGood(result(first));
        assertGood(result(thirdDone));
        assertEquals(0, store().get(2 * 512), "the aborted write did not run");
        assertEquals(0, h.manager.lun("d0").ordered.size());
    }

    @Test
    void logicalUnitResetAbortsTheTasksOfEveryNexusAndAnswersWhenTheyAreGone() throws Exception {
        Nexus a = start(Queueing.IN_ORDER);
        Nexus b = otherNexus();
        CompletableFuture<Void> gate = new CompletableFuture<>();
        h.devices.writeGate = gate;
        CompletionStage<ScsiResult> running = b.prepare(Tasks.write10(0, 1, block(1))).execute();
        CompletionStage<ScsiResult> queued = b.prepare(Tasks.write10(0, 2, block(2))).execute();
        PreparedCommand collecting = b.prepare(Tasks.write10(0, 4, block(4)));
        CompletableFuture<Boolean> reset = a.resetLogicalUnit(0).toCompletableFuture();
        assertTaskAborted(result(queued), "the queued task of the other nexus ends at once");
        assertFalse(reset.isDone(), "a task still runs in the device");
        assertEquals(0, store().get(2 * 512));
        gate.complete(null);
        assertTrue(reset.get(10, TimeUnit.SECONDS));
        assertTaskAborted(result(running), "the other nexus's running task, once the device completed it");
        assertTaskAborted(result(collecting.execute()), "a task in its data phase does not run later");
        assertEquals(0, store().get(2 * 512));
        assertEquals(0, store().get(4 * 512));
        assertSense(run(b, Tasks.testUnitReady(0)), SenseReason.BUS_DEVICE_RESET_FUNCTION_OCCURRED);
        assertSense(run(a, Tasks.testUnitReady(0)), SenseReason.BUS_DEVICE_RESET_FUNCTION_OCCURRED);
        assertGood(run(a, Tasks.testUnitReady(0)));
        assertFalse(a.resetLogicalUnit(9).toCompletableFuture().get(10, TimeUnit.SECONDS));
    }

    @Test
    void aTaskItsOwnNexusAbortedStaysWithoutAResponseWhateverAbortsItToo() throws Exception {
        Nexus a = start(Queueing.CONCURRENT);
        Nexus b = otherNexus();
        CompletableFuture<Void> gate = new CompletableFuture<>();
        h.devices.writeGate = gate;
        PreparedCommand first = b.prepare(Tasks.write10(0, 1, block(1)));
        CompletionStage<ScsiResult> firstDone = first.execute();
        PreparedCommand second = b.prepare(Tasks.write10(0, 2, block(2)));
        CompletionStage<ScsiResult> secondDone = second.execute();
        // b's ABORT TASK of the first before a's reset, after it for the second
        CompletionStage<Void> own = first.abort();
        CompletableFuture<Boolean> reset = a.resetLogicalUnit(0).toCompletableFuture();
        CompletionStage<Void> ownLater = second.abort();
        gate.complete(null);
        assertTrue(reset.get(10, TimeUnit.SECONDS));
        own.toCompletableFuture().get(10, TimeUnit.SECONDS);
        ownLater.toCompletableFuture().get(10, TimeUnit.SECONDS);
        assertTrue(result(firstDone).aborted(), "aborted by its own nexus first: no response");
        assertTrue(result(secondDone).aborted(), "aborted by its own nexus after another's reset: no response");
    }

    @Test
    void aTaskAbortedInItsDataPhaseNoLongerHoldsBackAnInOrderSet() throws Exception {
        Nexus a = start(Queueing.IN_ORDER);
        Nexus b = otherNexus();
        PreparedCommand collecting = b.prepare(Tasks.write10(0, 4, block(4)));
        assertTrue(a.resetLogicalUnit(0).toCompletableFuture().get(10, TimeUnit.SECONDS));
        assertSense(run(a, Tasks.testUnitReady(0)), SenseReason.BUS_DEVICE_RESET_FUNCTION_OCCURRED);
        assertGood(run(a, Tasks.read10(0, 4, 1)));
        assertTaskAborted(result(collecting.execute()), "the other nexus's task in its data phase");
        assertEquals(0, h.manager.lun("d0").ordered.size());
        assertFalse(store().ops().contains("write"), () -> "store calls " + store().ops());
    }

    @Test
    void logicalUnitResetAbortsHeldTasksOfOtherNexuses() throws Exception {
        Nexus a = start(Queueing.CONCURRENT);
        Nexus b = otherNexus();
        h.manager.removeDeviceProvider(h.devices, DEVICE);
        CompletionStage<ScsiResult> held = b.prepare(Tasks.write10(0, 3, block(3))).execute();
        assertTrue(a.resetLogicalUnit(0).toCompletableFuture().get(10, TimeUnit.SECONDS));
        assertTaskAborted(result(held), "the other nexus's held task");
        assertEquals(0, h.manager.lun("d0").heldCount());
        h.manager.addDeviceProvider(h.devices, DEVICE);
        assertSense(run(b, Tasks.testUnitReady(0)), SenseReason.BUS_DEVICE_RESET_FUNCTION_OCCURRED);
        assertGood(run(b, Tasks.read10(0, 3, 1)));
        assertFalse(store().ops().contains("write"), () -> "store calls " + store().ops());
    }

    @Test
    void heldCommandsAreBoundedByMaxTransfer() throws Exception {
        Nexus n = start(Queueing.CONCURRENT, "max.transfer", "64KiB");
        h.manager.removeDeviceProvider(h.devices, DEVICE);
        FakeScsiTask tooLong = Tasks.task(0, 128 * 1024, Cdbs.write10(0, 256));
        PreparedCommand p = n.prepare(tooLong);
        assertNotNull(p.immediateResult(), "refused before its data phase");
        assertSense(p.immediateResult(), SenseReason.INVALID_FIELD_IN_CDB);
        PreparedCommand fits = n.prepare(Tasks.task(0, 64 * 1024, Cdbs.write10(0, 128)));
        assertNull(fits.immediateResult());
        assertEquals(64 * 1024, fits.transferLength());
        fits.abandon();
    }

    @Test
    void heldCommandsWithoutMaxTransferTakeTheDefaultBound() throws Exception {
        Nexus n = start(Queueing.CONCURRENT, "max.transfer", "not-a-size");
        h.manager.removeDeviceProvider(h.devices, DEVICE);
        PreparedCommand p = n.prepare(Tasks.task(0, LunRuntime.DEFAULT_MAX_TRANSFER + 512,
                Cdbs.write10(0, LunRuntime.DEFAULT_MAX_TRANSFER / 512 + 1)));
        assertSense(p.immediateResult(), SenseReason.INVALID_FIELD_IN_CDB);
    }
}
