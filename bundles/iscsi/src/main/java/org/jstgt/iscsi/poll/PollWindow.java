package org.jstgt.iscsi.poll;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * How long an event loop keeps polling after its last I/O before it sleeps (the key
 * {@code busy.poll.us} of {@code etc/jstgt.iscsi.cfg}). Read by every loop on every turn, changed
 * at any time.
 */
public final class PollWindow {
    /** The default window, in microseconds. */
    public static final int DEFAULT_MICROS = 50;
    /** The largest window, in microseconds. */
    public static final int MAX_MICROS = 10_000;

    private volatile long nanos;
    private final int maxPollers;
    private final AtomicInteger pollers = new AtomicInteger();

    /** @param micros the window in microseconds, 0 (no polling) to {@value #MAX_MICROS} */
    public PollWindow(int micros) {
        this(micros, Math.max(1, Runtime.getRuntime().availableProcessors() / 2));
    }

    /**
     * @param micros the window in microseconds, 0 (no polling) to {@value #MAX_MICROS}
     * @param maxPollers how many loops may poll at once
     */
    public PollWindow(int micros, int maxPollers) {
        set(micros);
        this.maxPollers = maxPollers;
    }

    /**
     * @return true when the calling loop may poll: fewer than half the processors' worth of loops
     *     poll already (the others sleep, leaving CPU to initiators and to loops with work)
     */
    boolean tryPoll() {
        int n;
        do {
            n = pollers.get();
            if (n >= maxPollers) {
                return false;
            }
        } while (!pollers.compareAndSet(n, n + 1));
        return true;
    }

    /** The calling loop, which {@link #tryPoll} let poll, stops polling. */
    void donePolling() {
        pollers.decrementAndGet();
    }

    /** @return loops polling now */
    int pollers() {
        return pollers.get();
    }

    /** @param micros the window in microseconds, 0 (no polling) to {@value #MAX_MICROS} */
    public void set(int micros) {
        if (micros < 0 || micros > MAX_MICROS) {
            throw new IllegalArgumentException("busy poll window " + micros + " us is not in 0.." + MAX_MICROS);
        }
        nanos = TimeUnit.MICROSECONDS.toNanos(micros);
    }

    /** @return the window in nanoseconds; 0: sleep as soon as there is nothing to do */
    public long nanos() {
        return nanos;
    }
}
