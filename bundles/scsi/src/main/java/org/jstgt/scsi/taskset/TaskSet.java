package org.jstgt.scsi.taskset;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Supplier;

import org.jstgt.api.scsi.TaskAttribute;

/**
 * The task set of a logical unit whose commands run concurrently (a disk): one set for every I_T
 * nexus (the Control mode page's TST 000b), bounded by the LU's queue depth, honouring the task
 * attributes (SAM-5 §8.6):
 * <ul>
 * <li>HEAD OF QUEUE is enabled at once, ahead of every waiting command;</li>
 * <li>SIMPLE (and untagged) is enabled when no older ORDERED or HEAD OF QUEUE command is in the
 * set, so it waits behind those but not behind other SIMPLE ones;</li>
 * <li>ORDERED is enabled when every older command, whatever its attribute, has ended.</li>
 * </ul>
 * Commands become enabled in arrival order: a SIMPLE command that arrives behind a waiting ORDERED
 * one waits too (the ORDERED one is older). ACA is refused before a command gets here (no unit
 * supports ACA: standard INQUIRY NORMACA 0).
 *
 * <p>A command takes its place when admitted ({@link #enter}), before its data phase, counts
 * against the depth from then until it ends or leaves, and runs when it is ready and enabled. The
 * common case (SIMPLE with nothing ordered in the set) is enabled at {@link #enter} and then runs on
 * the caller's thread with one short lock at each end. Thread-safe: commands arrive and complete on
 * several event loops; the lock guards counters and the waiting queue, never a command's run.
 */
public final class TaskSet {
    /** Default LU queue depth (commands of all nexuses in the set). */
    public static final int DEFAULT_DEPTH = 128;
    /** Largest configurable LU queue depth. */
    public static final int MAX_DEPTH = 1024;

    /** What {@link #enter} answers when the set is full. */
    public enum Full {
        /** The nexus has commands in the set: TASK SET FULL (SAM-5 §5.3.1). */
        TASK_SET_FULL,
        /** The nexus has none (others filled the set): BUSY, which it retries. */
        BUSY
    }

    /** Commands waiting to be enabled, oldest first. */
    private final ArrayDeque<Slot> waiting = new ArrayDeque<>();
    /** Commands in the set per nexus (any object identifying the nexus). */
    private final Map<Object, int[]> perNexus = new HashMap<>();
    private int size;
    private int enabled;
    private int enabledOrdered;
    private int enabledHeadOfQueue;

    /** One command's place. */
    public final class Slot implements Place {
        private final TaskAttribute attribute;
        private final Object nexus;
        /** Under the set's lock. */
        private boolean on;
        private boolean gone;
        private Executor executor;
        private Runnable start;

        private Slot(TaskAttribute attribute, Object nexus) {
            this.attribute = attribute;
            this.nexus = nexus;
        }

        @Override
        public boolean enabled() {
            synchronized (TaskSet.this) {
                return on && !gone;
            }
        }

        @Override
        public <T> CompletionStage<T> run(Executor executor, Supplier<CompletionStage<T>> work) {
            CompletableFuture<T> out;
            synchronized (TaskSet.this) {
                if (start != null) {
                    throw new IllegalStateException("run() after run()");
                }
                if (gone) {
                    return CompletableFuture.completedFuture(null);
                }
                if (on) {
                    // enabled: runs here, and the place is freed when the work's stage completes
                    start = () -> { };
                    out = null;
                } else {
                    out = new CompletableFuture<>();
                    this.executor = executor;
                    start = () -> relay(work, out);
                }
            }
            if (out != null) {
                return out;
            }
            CompletionStage<T> s;
            try {
                s = work.get();
            } catch (RuntimeException | Error e) {
                end(this);
                return CompletableFuture.failedFuture(e);
            }
            s.whenComplete((v, e) -> end(this));
            return s;
        }

        private <T> void relay(Supplier<CompletionStage<T>> work, CompletableFuture<T> out) {
            CompletionStage<T> s;
            try {
                s = work.get();
            } catch (RuntimeException | Error e) {
                end(this);
                out.completeExceptionally(e);
                return;
            }
            s.whenComplete((v, e) -> {
                end(this);
                if (e != null) {
                    out.completeExceptionally(e);
                } else {
                    out.complete(v);
                }
            });
        }

        @Override
        public boolean leave() {
            synchronized (TaskSet.this) {
                if (gone || (start != null && on)) {
                    return false;
                }
                if (!on) {
                    waiting.remove(this);
                }
            }
            end(this);
            return true;
        }
    }

    /**
     * Admits a command.
     *
     * @param attribute its task attribute (ACA is refused before this)
     * @param nexus identifies its I_T nexus (compared by {@code equals})
     * @param depth the LU's queue depth now, 1..{@link #MAX_DEPTH}
     * @return its place; or {@link Full} when the set holds {@code depth} commands already
     */
    public synchronized Object enter(TaskAttribute attribute, Object nexus, int depth) {
        if (size >= depth) {
            return perNexus.containsKey(nexus) ? Full.TASK_SET_FULL : Full.BUSY;
        }
        Slot s = new Slot(attribute, nexus);
        size++;
        perNexus.computeIfAbsent(nexus, k -> new int[1])[0]++;
        if (attribute == TaskAttribute.HEAD_OF_QUEUE || (waiting.isEmpty() && mayEnable(attribute))) {
            enable(s);
        } else {
            waiting.add(s);
        }
        return s;
    }

    /** @return the number of commands in the set (waiting, enabled or running) */
    public synchronized int size() {
        return size;
    }

    /** @return the number of commands waiting to be enabled */
    public synchronized int waiting() {
        return waiting.size();
    }

    private boolean mayEnable(TaskAttribute a) {
        return switch (a) {
            case HEAD_OF_QUEUE -> true;
            case ORDERED -> enabled == 0;
            default -> enabledOrdered == 0 && enabledHeadOfQueue == 0;
        };
    }

    private void enable(Slot s) {
        s.on = true;
        enabled++;
        if (s.attribute == TaskAttribute.ORDERED) {
            enabledOrdered++;
        } else if (s.attribute == TaskAttribute.HEAD_OF_QUEUE) {
            enabledHeadOfQueue++;
        }
    }

    /** A place ends (its work completed, or it left): counters drop and waiting commands may go. */
    private void end(Slot s) {
        Slot[] ready = null;
        int n = 0;
        synchronized (this) {
            if (s.gone) {
                return;
            }
            s.gone = true;
            size--;
            int[] c = perNexus.get(s.nexus);
            if (c != null && --c[0] == 0) {
                perNexus.remove(s.nexus);
            }
            if (s.on) {
                enabled--;
                if (s.attribute == TaskAttribute.ORDERED) {
                    enabledOrdered--;
                } else if (s.attribute == TaskAttribute.HEAD_OF_QUEUE) {
                    enabledHeadOfQueue--;
                }
            }
            while (!waiting.isEmpty() && mayEnable(waiting.peek().attribute)) {
                Slot next = waiting.poll();
                enable(next);
                if (next.start != null) {
                    if (ready == null) {
                        ready = new Slot[waiting.size() + 1];
                    }
                    ready[n++] = next;
                }
            }
        }
        for (int i = 0; i < n; i++) {
            Slot r = ready[i];
            try {
                r.executor.execute(r.start);
            } catch (RejectedExecutionException e) {
                // the command's transport has gone: run here rather than stall the set
                r.start.run();
            }
        }
    }
}
