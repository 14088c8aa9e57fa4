package org.jstgt.store.file;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A store's operations in flight, on either path, so that closing refuses new ones and waits for
 * those already running before the file goes.
 */
final class InFlight {
    private final AtomicInteger count = new AtomicInteger();
    private final Object drained = new Object();
    private volatile boolean closed;

    /** @return true once {@link #closeAndWait} began */
    boolean closed() {
        return closed;
    }

    /** @return true when the operation may start (counted), false when the store is closing */
    boolean enter() {
        count.incrementAndGet();
        if (closed) {
            exit();
            return false;
        }
        return true;
    }

    /** An operation that {@link #enter entered} ended (or did not start after all). */
    void exit() {
        if (count.decrementAndGet() == 0 && closed) {
            synchronized (drained) {
                drained.notifyAll();
            }
        }
    }

    /**
     * Refuses further operations and waits for those in flight.
     *
     * @return how many are still in flight when {@code millis} ran out (or the wait was interrupted)
     */
    int closeAndWait(long millis) {
        closed = true;
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
        synchronized (drained) {
            while (count.get() > 0) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    break;
                }
                try {
                    drained.wait(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
        }
        return count.get();
    }
}
