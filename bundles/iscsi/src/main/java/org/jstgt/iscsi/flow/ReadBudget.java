package org.jstgt.iscsi.flow;

import java.util.concurrent.atomic.AtomicLong;

/**
 * The bytes of Data-In buffers one session's executing commands may hold at once
 * ({@code read.buffer.max}): taken when the device asks for a command's Data-In buffer, given back
 * when the command's answer is queued. With the read throttle (no new commands while answers
 * wait to be sent), a session's Data-In memory stays near this plus {@code send.buffer.high}.
 *
 * <p>Devices ask from their own threads: lock-free (one compare-and-set per command).
 */
public final class ReadBudget {
    private final long max;
    private final AtomicLong used = new AtomicLong();

    /** @param max bytes the session may hold */
    public ReadBudget(long max) {
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
     * @param bytes a Data-In buffer size
     * @return true when it can never fit (larger than the whole budget)
     */
    public boolean tooLarge(long bytes) {
        return bytes > max;
    }

    /**
     * @param bytes a Data-In buffer size
     * @return true when taken; false when the budget is spent
     */
    public boolean tryTake(int bytes) {
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
    public void give(int bytes) {
        used.addAndGet(-bytes);
    }
}
