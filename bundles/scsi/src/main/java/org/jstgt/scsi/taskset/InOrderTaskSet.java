package org.jstgt.scsi.taskset;

import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Supplier;

/**
 * Runs one logical unit's commands one at a time in the order they were admitted, each after the
 * one before has completed (SAM-5 §8.6.1 for a unit that orders everything, as a tape drive or
 * media changer must: a READ POSITION may not overtake a WRITE).
 *
 * <p>A command takes its place when admitted ({@link #enter()}), before its data phase, and runs
 * when it is ready ({@link Place#run}) and every earlier place has finished or left
 * ({@link Place#leave}). Thread-safe; the lock guards only the queue, never a command's run.
 */
public final class InOrderTaskSet {
    private final ArrayDeque<Slot> places = new ArrayDeque<>();
    private boolean running;

    /** A command's place in the set. */
    public final class Slot implements Place {
        private Supplier<CompletionStage<?>> work;
        private Executor executor;
        private boolean gone;

        private Slot() {
        }

        /** @return false: a place here always waits for {@link #run} and the places before it */
        @Override
        public boolean enabled() {
            return false;
        }

        /** Runs {@code work} when every earlier place is done (see {@link Place#run}). */
        @Override
        public <T> CompletionStage<T> run(Executor executor, Supplier<CompletionStage<T>> work) {
            CompletableFuture<T> out = new CompletableFuture<>();
            synchronized (InOrderTaskSet.this) {
                if (this.work != null) {
                    throw new IllegalStateException("run() after run()");
                }
                if (gone) {
                    out.complete(null);
                    return out;
                }
                this.executor = executor;
                this.work = () -> {
                    CompletionStage<T> s;
                    try {
                        s = work.get();
                    } catch (RuntimeException | Error e) {
                        out.completeExceptionally(e);
                        return out;
                    }
                    s.whenComplete((v, e) -> {
                        if (e != null) {
                            out.completeExceptionally(e);
                        } else {
                            out.complete(v);
                        }
                    });
                    return s;
                };
            }
            drain(this);
            return out;
        }

        @Override
        public boolean leave() {
            synchronized (InOrderTaskSet.this) {
                if (gone) {
                    return false;
                }
                gone = true;
                places.remove(this);
            }
            drain(null);
            return true;
        }
    }

    /** @return a new place at the end of the set */
    public synchronized Slot enter() {
        Slot p = new Slot();
        places.add(p);
        return p;
    }

    /** @return the number of commands in the set (waiting, ready or running) */
    public synchronized int size() {
        return places.size();
    }

    /**
     * Starts the head when it is ready and nothing runs.
     *
     * @param caller the place whose run() calls, on its own thread: when it is the head it starts
     *     here; any other head starts on its own executor
     */
    private void drain(Slot caller) {
        Slot head;
        synchronized (this) {
            head = places.peek();
            if (running || head == null || head.work == null) {
                return;
            }
            running = true;
            places.poll();
            head.gone = true;
        }
        Runnable start = () -> head.work.get().whenComplete((v, e) -> {
            synchronized (this) {
                running = false;
            }
            drain(null);
        });
        if (head == caller) {
            start.run();
            return;
        }
        try {
            head.executor.execute(start);
        } catch (RejectedExecutionException e) {
            // the command's transport has gone: run here rather than stall the set
            start.run();
        }
    }
}
