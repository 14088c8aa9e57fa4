package org.jstgt.scsi.core;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;

import org.jstgt.api.mgmt.IoMeter;
import org.jstgt.api.target.ScsiResult;

/**
 * One admitted command's life in its logical unit, for aborts (SAM-5 §5.6): admitted (data phase),
 * waiting (held for a provider, or queued in an in-order task set), running in the device, done.
 * Every path into the device passes {@link #run}, which refuses an aborted command, so a command
 * aborted before it runs provably never reaches the store; one aborted while running is gone when
 * the device completes it. The LU keeps its live tasks ({@link LunRuntime#live}) so that a
 * LOGICAL UNIT RESET reaches those of every nexus. Thread-safe: aborts come from any nexus.
 *
 * <p>It is also the command's entry in the I/O counters of its LUN and target
 * ({@link LunRuntime#meter}, {@link TargetRuntime#meter}): timed from its admission (construction)
 * to its first {@link #finish}, which records it once unless it was aborted (an aborted command
 * gets no status of its own: none, or TASK ABORTED). Two clock reads per command and nothing
 * allocated.
 */
final class CoreTask {
    private enum Phase { ADMITTED, WAITING, RUNNING, DONE }

    private final LunRuntime lun;
    /** The I_T nexus the command came on: who CLEAR TASK SET tells that its commands were cleared. */
    final NexusImpl owner;
    private final CompletableFuture<ScsiResult> result = new CompletableFuture<>();
    private Phase phase = Phase.ADMITTED;
    /**
     * Null until aborted; then how it ends: {@link ScsiResult#ABORTED} (no response) when its own
     * nexus aborted it, {@link ScsiResult#TASK_ABORTED} when only other nexuses did (TAS 1).
     */
    private ScsiResult abortedAs;
    /** Takes the command out of where it waits (held list, in-order set), while WAITING. */
    private Runnable dequeue;
    /** Set by the first {@link #finish}: later ones record nothing. */
    private boolean ended;
    /** {@link System#nanoTime()} at admission. */
    private final long admitted = System.nanoTime();
    /** What the command does to the medium ({@link Metering#kind}); OTHER until parsed. */
    private IoMeter.Kind kind = IoMeter.Kind.OTHER;
    /** Data-Out bytes the command received (writes). */
    private int outBytes;
    /** The most Data-In bytes the initiator takes (its expected length). */
    private int inLimit;

    /**
     * @param lun the command's LU
     * @param owner the I_T nexus the command came on
     * @param place takes the command out of an in-order task set it entered at admission, when it
     *     is aborted before it runs (so that it does not hold back the set); null when none
     */
    CoreTask(LunRuntime lun, NexusImpl owner, Runnable place) {
        this.lun = lun;
        this.owner = owner;
        this.dequeue = place;
        lun.live.add(this);
    }

    /**
     * Sets how the command counts, once parsed; before {@link #run} or {@link #waiting} (whose
     * lock publishes it to the thread that finishes the command).
     *
     * @param kind what it does to the medium
     * @param outBytes Data-Out bytes it received
     * @param inLimit the initiator's expected length, which bounds the Data-In bytes counted
     */
    void metered(IoMeter.Kind kind, int outBytes, int inLimit) {
        this.kind = kind;
        this.outBytes = outBytes;
        this.inLimit = inLimit;
    }

    /** @return completes with the command's result, or how it was aborted ({@link #abort}) */
    CompletableFuture<ScsiResult> result() {
        return result;
    }

    /**
     * The command waits (held, queued); {@code remove} takes it out when it is aborted meanwhile.
     *
     * @return false when it was aborted already: it ended as {@link #abort} said
     */
    boolean waiting(Runnable remove) {
        synchronized (this) {
            if (abortedAs == null && phase != Phase.DONE) {
                phase = Phase.WAITING;
                dequeue = remove;
                return true;
            }
        }
        finish(null);
        return false;
    }

    /**
     * Enters the device unless aborted: {@code device} starts the command (the one step that may
     * touch the store) and hands its result to the consumer it is given once the device has
     * finished (straight to {@link #finish}: no completion stage of its own per command).
     *
     * @param device starts the command in the device with the consumer of its result
     * @param refused runs instead when the command was aborted (releases what was taken for it)
     * @return {@link #result()}: the device's result, or how it was aborted when it did not start
     *     or was aborted meanwhile
     */
    CompletionStage<ScsiResult> run(Consumer<Consumer<ScsiResult>> device, Runnable refused) {
        boolean go;
        synchronized (this) {
            go = abortedAs == null && phase != Phase.DONE;
            phase = go ? Phase.RUNNING : Phase.DONE;
            dequeue = null;
        }
        if (!go) {
            refused.run();
            finish(null);
            return result;
        }
        device.accept(this::finish);
        return result;
    }

    /** @return true once aborted */
    synchronized boolean aborted() {
        return abortedAs != null;
    }

    /**
     * Ends the command; its result stage completes with {@code r}, or with how it was aborted
     * ({@link #abort}) when it was. Idempotent.
     *
     * @param r the device's result; null when the command did not run (it was aborted, or dropped)
     */
    void finish(ScsiResult r) {
        ScsiResult wasAborted;
        boolean first;
        synchronized (this) {
            first = !ended;
            ended = true;
            phase = Phase.DONE;
            dequeue = null;
            wasAborted = abortedAs;
        }
        lun.live.remove(this);
        ScsiResult end = wasAborted != null ? wasAborted : r == null ? ScsiResult.ABORTED : r;
        if (first && wasAborted == null && !end.aborted()) {
            record(end);
        }
        result.complete(end);
    }

    /** Counts the command in its LUN's and target's meters. */
    private void record(ScsiResult r) {
        long nanos = System.nanoTime() - admitted;
        IoMeter.Kind k = kind;
        long bytes = switch (k) {
            case READ -> Math.min(Math.max(r.dataInLength(), 0), inLimit);
            case WRITE -> outBytes;
            default -> 0;
        };
        int key = org.jstgt.api.scsi.SenseData.senseKey(r.sense());
        lun.meter.record(k, bytes, nanos, r.status(), key);
        owner.target().meter.record(k, bytes, nanos, r.status(), key);
    }

    /**
     * Aborts the command: a waiting one is taken out and ends at once, one not yet executed will
     * not run, a running one is gone when the device completes it. It ends with {@code as}; once
     * its own nexus aborted it ({@link ScsiResult#ABORTED}), it stays without a response.
     *
     * @param as {@link ScsiResult#ABORTED} when its own nexus aborts it (or it ends without one),
     *     {@link ScsiResult#TASK_ABORTED} when another nexus's action does (TAS 1, SAM-5 §5.6)
     * @return completes when the command can no longer touch the store
     */
    CompletionStage<Void> abort(ScsiResult as) {
        Runnable remove;
        Phase was;
        synchronized (this) {
            was = phase;
            if (abortedAs == null || as == ScsiResult.ABORTED) {
                abortedAs = as;
            }
            remove = dequeue;
            dequeue = null;
        }
        switch (was) {
            case RUNNING -> {
                return result.thenApply(r -> null);
            }
            case WAITING -> {
                if (remove != null) {
                    remove.run();
                }
                finish(null);
            }
            case ADMITTED -> {
                if (remove != null) {
                    remove.run();
                }
                lun.live.remove(this);
            }
            default -> {
            }
        }
        return CompletableFuture.completedFuture(null);
    }
}
