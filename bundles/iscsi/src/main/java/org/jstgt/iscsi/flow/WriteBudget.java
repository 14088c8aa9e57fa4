package org.jstgt.iscsi.flow;

import java.util.ArrayDeque;
import java.util.concurrent.Executor;
import java.util.function.BooleanSupplier;

/**
 * The bytes of write data buffers one session may hold at once ({@code write.buffer.max}): a WRITE's
 * buffer is taken from the budget when its data phase starts and given back when the task ends.
 * A command that finds the budget spent waits for it in arrival order (it gets its R2Ts later), or,
 * when it cannot wait because the initiator sends its data unasked, is answered TASK SET FULL.
 *
 * <p>Confined to the session's event loop (the byte count is a {@link ByteBudget}, which takes one
 * uncontended compare-and-set).
 */
public final class WriteBudget {
    private record Waiter(int bytes, BooleanSupplier alive, Runnable start) {
    }

    private final ByteBudget bytes;
    private final ArrayDeque<Waiter> waiting = new ArrayDeque<>();
    private boolean drainQueued;

    /** @param max bytes the session may hold */
    public WriteBudget(long max) {
        this.bytes = new ByteBudget(max);
    }

    /** @return the bytes taken and the most there may be */
    public ByteBudget bytes() {
        return bytes;
    }

    /** @return commands waiting for buffer space */
    public int waiting() {
        return waiting.size();
    }

    /**
     * Takes buffer space if it is free and nobody waits before us (arrival order).
     *
     * @param bytes the buffer size
     * @return true when taken
     */
    public boolean tryTake(int bytes) {
        // commands that ended while waiting (aborted, data phase over) no longer hold the line
        while (!waiting.isEmpty() && !waiting.peek().alive().getAsBoolean()) {
            waiting.poll();
        }
        return waiting.isEmpty() && this.bytes.tryTake(bytes);
    }

    /**
     * Queues a command for buffer space: once {@code bytes} are free (and every earlier waiter
     * started) they are taken for it and {@code start} runs on the event loop. A command that ended
     * while waiting (aborted, connection lost) is dropped from the queue when its turn comes.
     *
     * @param bytes the buffer size
     * @param alive whether the command still waits
     * @param start what starts the data phase
     */
    public void await(int bytes, BooleanSupplier alive, Runnable start) {
        waiting.add(new Waiter(bytes, alive, start));
    }

    /**
     * Gives buffer space back; waiting commands that now fit start from a task of the event loop
     * (never from inside the caller).
     *
     * @param bytes what {@link #tryTake} or a start took
     * @param loop the session's event loop
     */
    public void give(int bytes, Executor loop) {
        this.bytes.give(bytes);
        if (!waiting.isEmpty() && !drainQueued) {
            drainQueued = true;
            loop.execute(this::drain);
        }
    }

    private void drain() {
        drainQueued = false;
        Waiter w;
        while ((w = waiting.peek()) != null) {
            if (!w.alive().getAsBoolean()) {
                waiting.poll();
            } else if (bytes.tryTake(w.bytes())) {
                waiting.poll();
                w.start().run();
            } else {
                break;
            }
        }
    }

    /** The session ended: nobody waits any more. */
    public void clear() {
        waiting.clear();
    }
}
