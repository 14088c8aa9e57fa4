package org.jstgt.scsi.core;

import static org.jstgt.scsi.core.Harness.*;
import static org.junit.jupiter.api.Assertions.*;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

import org.jstgt.api.scsi.ScsiStatus;
import org.jstgt.api.scsi.TaskAttribute;
import org.jstgt.api.target.Nexus;
import org.jstgt.api.target.PreparedCommand;
import org.jstgt.api.target.ScsiResult;
import org.jstgt.testkit.FakeScsiTask;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The LU task set through the nexus: task attributes, queue depth, ACA (SAM-5 §5.3.1, §8.6). */
class TaskAttributesTest {
    private Harness h;

    @AfterEach
    void tearDown() {
        if (h != null) {
            h.close();
        }
    }

    private Nexus start(String... lunKeys) throws Exception {
        h = new Harness(15_000).withProviders();
        h.lun("d0", lunKeys);
        h.target("t1", "lun.0", "d0");
        return h.quietNexus(0);
    }

    /** @return holds every WRITE in the device until completed */
    private CompletableFuture<Void> gate() {
        CompletableFuture<Void> gate = new CompletableFuture<>();
        h.devices.writeGate = gate;
        return gate;
    }

    private static FakeScsiTask with(FakeScsiTask t, TaskAttribute a) {
        return t.toBuilder().attribute(a).build();
    }

    private static ScsiResult result(CompletionStage<ScsiResult> s) throws Exception {
        return s.toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @Test
    void anOrderedCommandWaitsForTheWriteBeforeIt() throws Exception {
        Nexus n = start();
        CompletableFuture<Void> gate = gate();
        CompletionStage<ScsiResult> write = n.prepare(Tasks.write10(0, 1, AbortTest.block(7))).execute();
        CompletionStage<ScsiResult> read = n.prepare(with(Tasks.read10(0, 1, 1), TaskAttribute.ORDERED)).execute();
        CompletionStage<ScsiResult> simple = n.prepare(Tasks.read10(0, 2, 1)).execute();
        assertFalse(read.toCompletableFuture().isDone(), "ORDERED waits for the older write");
        assertFalse(simple.toCompletableFuture().isDone(), "a newer SIMPLE command waits behind the ORDERED one");
        gate.complete(null);
        assertGood(result(write));
        assertGood(result(read));
        assertGood(result(simple));
        assertEquals(0, h.manager.lun("d0").tasks.size());
    }

    @Test
    void headOfQueueOvertakesAWaitingOrderedCommand() throws Exception {
        Nexus n = start();
        CompletableFuture<Void> gate = gate();
        CompletionStage<ScsiResult> write = n.prepare(Tasks.write10(0, 1, AbortTest.block(7))).execute();
        CompletionStage<ScsiResult> ordered = n.prepare(with(Tasks.read10(0, 1, 1), TaskAttribute.ORDERED)).execute();
        ScsiResult hoq = run(n, with(Tasks.testUnitReady(0), TaskAttribute.HEAD_OF_QUEUE));
        assertGood(hoq);
        assertFalse(ordered.toCompletableFuture().isDone());
        gate.complete(null);
        assertGood(result(write));
        assertGood(result(ordered));
    }

    @Test
    void anAbortedWaitingOrderedCommandNeverRunsAndFreesTheSet() throws Exception {
        Nexus n = start();
        CompletableFuture<Void> gate = gate();
        CompletionStage<ScsiResult> first = n.prepare(Tasks.write10(0, 1, AbortTest.block(1))).execute();
        PreparedCommand ordered = n.prepare(with(Tasks.write10(0, 2, AbortTest.block(2)), TaskAttribute.ORDERED));
        CompletionStage<ScsiResult> orderedDone = ordered.execute();
        CompletionStage<ScsiResult> after = n.prepare(Tasks.read10(0, 1, 1)).execute();
        assertTrue(ordered.abort().toCompletableFuture().isDone(), "a waiting command is gone at once");
        assertTrue(result(orderedDone).aborted());
        gate.complete(null);
        assertGood(result(first));
        assertGood(result(after));
        assertEquals(0, h.stores.opened.get(0).get(2 * 512), "the aborted write did not run");
        assertEquals(0, h.manager.lun("d0").tasks.size());
    }

    /** SAM-5 §5.9: no ACA condition can be established here, so an ACA task is INVALID MESSAGE ERROR. */
    @Test
    void acaTaskIsIllegalRequestInvalidMessageError() throws Exception {
        Nexus n = start();
        ScsiResult r = run(n, with(Tasks.testUnitReady(0), TaskAttribute.ACA));
        assertEquals(ScsiStatus.CHECK_CONDITION, r.status());
        byte[] s = r.sense();
        assertEquals(0x05, s[2] & 0x0F, "ILLEGAL REQUEST");
        assertEquals(0x49, s[12] & 0xFF, "INVALID MESSAGE ERROR");
        assertEquals(0x00, s[13] & 0xFF);
        assertEquals(0, h.manager.lun("d0").tasks.size());
    }

    @Test
    void beyondTheQueueDepthTaskSetFullThenBusyForAnotherNexus() throws Exception {
        Nexus n = start("queue.depth", "2");
        CompletableFuture<Void> gate = gate();
        CompletionStage<ScsiResult> w1 = n.prepare(Tasks.write10(0, 1, AbortTest.block(1))).execute();
        CompletionStage<ScsiResult> w2 = n.prepare(Tasks.write10(0, 2, AbortTest.block(2))).execute();
        assertEquals(ScsiStatus.TASK_SET_FULL, run(n, Tasks.read10(0, 1, 1)).status());
        Nexus other = h.manager.target(IQN).orElseThrow().openNexus(INITIATOR, INITIATOR + ",i,0x2", IQN + ",t,0x1", 1);
        run(other, Tasks.requestSense(0, false, 18));
        assertEquals(ScsiStatus.BUSY, run(other, Tasks.testUnitReady(0)).status(),
                "a nexus with nothing in the set gets BUSY");
        gate.complete(null);
        assertGood(result(w1));
        assertGood(result(w2));
        assertGood(run(n, Tasks.read10(0, 1, 1)));
        assertEquals(0, h.manager.lun("d0").handle().inFlight(),
                "commands refused TASK SET FULL or BUSY hold nothing of the unit");
    }

    @Test
    void badQueueDepthFailsTheLunNamingTheKey() {
        h = new Harness(15_000).withProviders();
        h.lun("d0", "queue.depth", "1025");
        assertTrue(h.manager.lunInfos().stream().anyMatch(i -> i.state().contains("queue.depth")),
                () -> "states " + h.manager.lunInfos());
    }
}
