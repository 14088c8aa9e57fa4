package org.jstgt.iscsi.poll;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLongArray;

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
    /** A loop counts as busy for this long after its last I/O. */
    static final long BUSY_NANOS = TimeUnit.MILLISECONDS.toNanos(1);
    private static final int MAX_LOOPS = 256;
    /** Each registered loop's last I/O ({@link System#nanoTime()}), by {@link #register} index. */
    private final AtomicLongArray lastIo = new AtomicLongArray(MAX_LOOPS);
    /** Which indices belong to a live loop (1); a loop that ends frees its own. */
    private final AtomicIntegerArray used = new AtomicIntegerArray(MAX_LOOPS);
    /** One past the highest index ever taken: what {@link #quiet} scans. */
    private final AtomicInteger highest = new AtomicInteger();

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

    /**
     * @return the new loop's index for {@link #io} and {@link #quiet}, the lowest free one, or -1
     *     when 256 loops live (that one never polls)
     */
    int register() {
        for (int i = 0; i < MAX_LOOPS; i++) {
            if (used.compareAndSet(i, 0, 1)) {
                highest.accumulateAndGet(i + 1, Math::max);
                return i;
            }
        }
        return -1;
    }

    /** @param loop the index of a loop that ends, from {@link #register} (-1: none) */
    void unregister(int loop) {
        if (loop >= 0) {
            lastIo.set(loop, 0);
            used.set(loop, 0);
        }
    }

    /**
     * @param loop the loop's index
     * @param now its time of I/O
     */
    void io(int loop, long now) {
        lastIo.lazySet(loop, now);
    }

    /**
     * @param now the time
     * @return true when at most {@link #tryPoll}'s number of loops had I/O within the last
     *     millisecond: when more are busy (several connections at once, on a machine shared with
     *     initiators), polling would only take CPU from them, so nobody polls
     */
    boolean quiet(long now) {
        int n = highest.get();
        int busy = 0;
        for (int i = 0; i < n; i++) {
            long t = lastIo.get(i);
            if (t != 0 && now - t < BUSY_NANOS && ++busy > maxPollers) {
                return false;
            }
        }
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
