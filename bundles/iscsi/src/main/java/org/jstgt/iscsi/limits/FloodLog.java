package org.jstgt.iscsi.limits;

import java.util.HashMap;
import java.util.Map;

/**
 * Decides which refusals are worth a log line: the first per key (a peer address, a target) per
 * interval, with the number suppressed since then. Remembers at most {@link #MAX_PEERS} keys (the
 * oldest are forgotten first), so that a flood from many addresses cannot grow it. Thread-safe.
 *
 * @param <K> what refusals are counted by
 */
public final class FloodLog<K> {
    static final int MAX_PEERS = 1024;

    private final long intervalNanos;
    private final Map<K, long[]> peers = new HashMap<>();

    /** @param intervalNanos how long one line covers a peer */
    public FloodLog(long intervalNanos) {
        this.intervalNanos = intervalNanos;
    }

    /**
     * @param peer the refused address or other key
     * @param now the current time (nanoseconds, any fixed origin)
     * @return -1 to stay quiet, else the number of refusals of this peer not logged since its last line
     */
    public synchronized long record(K peer, long now) {
        long[] p = peers.get(peer);
        if (p != null && now - p[0] < intervalNanos) {
            p[1]++;
            return -1;
        }
        long suppressed = p == null ? 0 : p[1];
        if (p == null && peers.size() >= MAX_PEERS) {
            forgetOldest(now);
        }
        peers.put(peer, new long[] {now, 0});
        return suppressed;
    }

    private void forgetOldest(long now) {
        peers.values().removeIf(v -> now - v[0] >= intervalNanos);
        if (peers.size() >= MAX_PEERS) {
            K oldest = null;
            long at = Long.MAX_VALUE;
            for (Map.Entry<K, long[]> e : peers.entrySet()) {
                if (oldest == null || e.getValue()[0] - at < 0) {
                    oldest = e.getKey();
                    at = e.getValue()[0];
                }
            }
            peers.remove(oldest);
        }
    }
}
