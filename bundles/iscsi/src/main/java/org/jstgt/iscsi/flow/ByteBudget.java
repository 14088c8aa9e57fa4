package org.jstgt.iscsi.flow;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Bytes of buffers a group of holders may take at once, taken and given back from any thread
 * without locks (one compare-and-set per take). A session's Data-In buffers
 * ({@code read.buffer.max}: taken when the device asks for a command's buffer, given back when the
 * command's answer is queued; with the read throttle a session's Data-In memory stays near this
 * plus {@code send.buffer.high}), and the large buffers all I/O threads keep for reuse.
 */
public final class ByteBudget {
    private final long max;
    private final AtomicLong used = new AtomicLong();

    /** @param max bytes the holders may take at once */
    public ByteBudget(long max) {
        this.max = max;
    }

    /** @return the budget */
    public long max() {
        return max;
    }

    /** @return bytes taken now */
    public long used() {
        return used.get();
    }

    /**
     * @param bytes a buffer size
     * @return true when it can never fit (larger than the whole budget)
     */
    public boolean tooLarge(long bytes) {
        return bytes > max;
    }

    /**
     * @param bytes a buffer size
     * @return true when taken; false when the budget is spent
     */
    public boolean tryTake(long bytes) {
        for (;;) {
            long u = used.get();
            if (u + bytes > max) {
                return false;
            }
            if (used.compareAndSet(u, u + bytes)) {
                return true;
            }
        }
    }

    /** @param bytes what {@link #tryTake} took */
    public void give(long bytes) {
        used.addAndGet(-bytes);
    }
}
