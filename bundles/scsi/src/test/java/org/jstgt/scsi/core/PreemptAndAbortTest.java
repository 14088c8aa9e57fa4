package org.jstgt.scsi.core;

import static org.jstgt.scsi.core.Harness.*;
import static org.junit.jupiter.api.Assertions.*;

import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

import org.jstgt.api.scsi.SenseReason;
import org.jstgt.api.scsi.TaskAttribute;
import org.jstgt.api.target.ScsiResult;
import org.jstgt.scsi.pr.PrOutRequest;
import org.jstgt.testkit.FakeScsiTask;
import org.jstgt.testkit.PrCdbs;
import org.jstgt.testkit.RecordingStore;
import org.junit.jupiter.api.Test;

/**
 * PREEMPT AND ABORT (SPC-4 §5.13.11.2.5): the preempted nexus's commands on the LU are aborted
 * through its task set (a queued one never runs, a running one is gone when the device completed
 * it), and the command completes only once they are gone.
 */
class PreemptAndAbortTest extends TwoNexuses {
    private static ScsiResult result(CompletionStage<ScsiResult> s) throws Exception {
        return s.toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    private static FakeScsiTask write(int lba, int value, TaskAttribute attribute) {
        byte[] block = new byte[512];
        Arrays.fill(block, (byte) value);
        return Tasks.write10(0, lba, block).toBuilder().attribute(attribute).build();
    }

    @Test
    void abortsThePreemptedNexusesCommandsAndCompletesWhenTheyAreGone() throws Exception {
        assertGood(register(a, 0, 0xAA));
        assertGood(register(b, 0, 0xBB));
        assertGood(reserve(b, 0xBB, EA));
        CompletableFuture<Void> gate = new CompletableFuture<>();
        h.devices.writeGate = gate;
        // b: one write running in the device, one ORDERED write queued behind it
        CompletionStage<ScsiResult> running = b.prepare(write(1, 0x11, TaskAttribute.SIMPLE)).execute();
        CompletionStage<ScsiResult> queued = b.prepare(write(2, 0x22, TaskAttribute.ORDERED)).execute();
        assertFalse(queued.toCompletableFuture().isDone());
        // a preempts b's key; HEAD OF QUEUE so that it runs now, beside them
        FakeScsiTask preempt = Tasks.prOut(PrOutRequest.PREEMPT_AND_ABORT, EA, PrCdbs.basic(0xAA, 0xBB, 0))
                .toBuilder().attribute(TaskAttribute.HEAD_OF_QUEUE).build();
        CompletionStage<ScsiResult> done = a.prepare(preempt).execute();
        assertTaskAborted(result(queued), "the queued command is gone at once, with TASK ABORTED status (TAS 1)");
        assertFalse(done.toCompletableFuture().isDone(), "the running write is not gone yet");
        gate.complete(null);
        assertGood(result(done));
        assertTaskAborted(result(running), "the running write, once the device completed it");
        RecordingStore store = h.stores.opened.get(0);
        assertEquals(0, store.get(2 * 512), "the queued write never reached the store");
        assertTrue(h.manager.lun("d0").live.isEmpty());
        assertSense(run(b, Tasks.testUnitReady(0)), SenseReason.REGISTRATIONS_PREEMPTED);
        assertConflict(run(b, Tasks.read10(0, 1, 1)));
        assertGood(run(a, Tasks.write10(0, 3, new byte[512])));
    }

    @Test
    void plainPreemptAbortsNothing() throws Exception {
        assertGood(register(a, 0, 0xAA));
        assertGood(register(b, 0, 0xBB));
        CompletableFuture<Void> gate = new CompletableFuture<>();
        h.devices.writeGate = gate;
        CompletionStage<ScsiResult> running = b.prepare(write(1, 0x11, TaskAttribute.SIMPLE)).execute();
        assertGood(out(a, PrOutRequest.PREEMPT, EA, PrCdbs.basic(0xAA, 0xBB, 0)));
        gate.complete(null);
        assertGood(result(running));
        assertEquals(0x11, h.stores.opened.get(0).get(512));
    }
}
