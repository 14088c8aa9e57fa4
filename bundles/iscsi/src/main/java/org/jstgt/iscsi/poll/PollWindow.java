package org.jstgt.iscsi.poll;

import java.util.concurrent.TimeUnit;

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

    /** @param micros the window in microseconds, 0 (no polling) to {@value #MAX_MICROS} */
    public PollWindow(int micros) {
        set(micros);
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
