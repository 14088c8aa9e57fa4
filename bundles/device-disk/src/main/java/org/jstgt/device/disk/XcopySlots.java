package org.jstgt.device.disk;

import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;

import org.jstgt.api.scsi.ScsiException;
import org.jstgt.api.scsi.SenseReason;

/**
 * The copy manager's TOTAL CONCURRENT COPIES (SPC-4 §6.18.4): at most {@code limit} EXTENDED COPY
 * commands move data at once; the others wait, in arrival order, and are never refused for it (an
 * initiator such as ESXi may stop offloading copies to a unit that refuses one). The waiting is
 * bounded by the task set (queue.depth), and a waiting copy holds no buffer and no lease. A slot
 * handed to a waiting copy resumes it on its own task's executor. Thread-safe.
 */
final class XcopySlots {
    private record Waiter(CompletableFuture<Void> turn, Executor executor) {
    }

    private final int limit;
    private final ArrayDeque<Waiter> waiting = new ArrayDeque<>();
    // guarded by this
    private int used;

    /** @param limit the copies that may run at once */
    XcopySlots(int limit) {
        this.limit = limit;
    }

    /**
     * @param executor the asking task's executor, where a later turn starts
     * @return completes when the copy may run; {@link #release()} once it has ended
     */
    CompletionStage<Void> acquire(Executor executor) {
        synchronized (this) {
            if (used < limit) {
                used++;
                return CompletableFuture.completedFuture(null);
            }
            Waiter w = new Waiter(new CompletableFuture<>(), executor);
            waiting.add(w);
            return w.turn();
        }
    }

    /** Gives a slot back, to the longest waiting copy if any. */
    void release() {
        while (true) {
            Waiter next;
            synchronized (this) {
                next = waiting.poll();
                if (next == null) {
                    used--;
                    return;
                }
            }
            try {
                next.executor().execute(() -> next.turn().complete(null));
                return;
            } catch (RejectedExecutionException e) {
                // its connection is gone: it ends, and the slot goes to the next
                next.turn().completeExceptionally(new ScsiException(
                        SenseReason.LOGICAL_UNIT_NOT_READY_CAUSE_NOT_REPORTABLE, "executor stopped"));
            }
        }
    }

    /** @return copies running now */
    synchronized int used() {
        return used;
    }
}
