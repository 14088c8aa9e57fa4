package org.jstgt.api.mgmt;

import java.util.Arrays;

/**
 * An immutable snapshot of command latencies in fixed log-linear buckets: below 8 ns one bucket per
 * nanosecond, above that eight buckets per power of two (each bucket at most 12.5% wide), up to
 * 2<sup>40</sup> ns (about 18 minutes), where the last bucket takes everything longer. The layout
 * is fixed, so snapshots taken at different times subtract ({@link #minus}) to give the latencies
 * of the interval between them, and recorders in different bundles agree on it.
 */
public final class LatencyHistogram {
    /** Sub-buckets per power of two, as a shift. */
    private static final int SUB_BITS = 3;
    private static final int SUBS = 1 << SUB_BITS;
    private static final int MAX_EXPONENT = 40;
    /** Number of buckets of the layout. */
    public static final int BUCKETS = (MAX_EXPONENT - SUB_BITS + 1) * SUBS + SUBS;
    private static final long[] UPPER = new long[BUCKETS];
    private static final LatencyHistogram EMPTY = new LatencyHistogram(new long[BUCKETS], 0);

    static {
        for (int i = 0; i < BUCKETS; i++) {
            UPPER[i] = i == BUCKETS - 1 ? Long.MAX_VALUE : lowerBound(i + 1) - 1;
        }
    }

    private final long[] counts;
    private final long sumNanos;
    private final long count;

    /**
     * @param counts one count per bucket of the layout ({@link #BUCKETS} entries), copied
     * @param sumNanos the sum of the recorded latencies
     */
    public LatencyHistogram(long[] counts, long sumNanos) {
        if (counts.length != BUCKETS) {
            throw new IllegalArgumentException("expected " + BUCKETS + " buckets, got " + counts.length);
        }
        this.counts = counts.clone();
        this.sumNanos = sumNanos;
        long n = 0;
        for (long c : counts) {
            n += c;
        }
        this.count = n;
    }

    /** @return a histogram with nothing recorded */
    public static LatencyHistogram empty() {
        return EMPTY;
    }

    /**
     * @param nanos a latency; negative values count as 0
     * @return the bucket that holds it
     */
    public static int bucketOf(long nanos) {
        if (nanos < SUBS) {
            return (int) Math.max(0, nanos);
        }
        int exponent = 63 - Long.numberOfLeadingZeros(nanos);
        if (exponent > MAX_EXPONENT) {
            return BUCKETS - 1;
        }
        int sub = (int) (nanos >>> (exponent - SUB_BITS)) & (SUBS - 1);
        return (exponent - SUB_BITS + 1) * SUBS + sub;
    }

    private static long lowerBound(int bucket) {
        if (bucket < SUBS) {
            return bucket;
        }
        int exponent = bucket / SUBS + SUB_BITS - 1;
        int sub = bucket % SUBS;
        return (long) (SUBS + sub) << (exponent - SUB_BITS);
    }

    /**
     * @param bucket a bucket index
     * @return the largest latency in nanoseconds the bucket holds ({@link Long#MAX_VALUE} for the
     *     last one)
     */
    public static long upperBoundNanos(int bucket) {
        return UPPER[bucket];
    }

    /** @return the number of recorded latencies */
    public long count() {
        return count;
    }

    /** @return the sum of the recorded latencies in nanoseconds */
    public long sumNanos() {
        return sumNanos;
    }

    /**
     * @param bucket a bucket index
     * @return how many latencies fell into it
     */
    public long countAt(int bucket) {
        return counts[bucket];
    }

    /** @return the mean latency in nanoseconds, 0 when nothing was recorded */
    public long meanNanos() {
        return count == 0 ? 0 : sumNanos / count;
    }

    /**
     * @param quantile between 0 and 1 (0.99 for p99)
     * @return the upper bound of the bucket that holds that quantile (so the value is at most
     *     12.5% high), 0 when nothing was recorded
     */
    public long percentileNanos(double quantile) {
        if (!(quantile >= 0 && quantile <= 1)) {
            throw new IllegalArgumentException("quantile must be within [0, 1]: " + quantile);
        }
        if (count == 0) {
            return 0;
        }
        long rank = Math.max(1, (long) Math.ceil(quantile * count));
        long seen = 0;
        for (int i = 0; i < BUCKETS; i++) {
            seen += counts[i];
            if (seen >= rank) {
                return i == BUCKETS - 1 ? lowerBound(i) : UPPER[i];
            }
        }
        return lowerBound(BUCKETS - 1);
    }

    /**
     * @param earlier a snapshot of the same recorder taken before this one
     * @return the latencies recorded between the two snapshots
     */
    public LatencyHistogram minus(LatencyHistogram earlier) {
        long[] d = new long[BUCKETS];
        for (int i = 0; i < BUCKETS; i++) {
            d[i] = Math.max(0, counts[i] - earlier.counts[i]);
        }
        return new LatencyHistogram(d, Math.max(0, sumNanos - earlier.sumNanos));
    }

    /**
     * @param other another snapshot
     * @return both together (a target's latencies from its LUNs')
     */
    public LatencyHistogram plus(LatencyHistogram other) {
        long[] d = new long[BUCKETS];
        for (int i = 0; i < BUCKETS; i++) {
            d[i] = counts[i] + other.counts[i];
        }
        return new LatencyHistogram(d, sumNanos + other.sumNanos);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof LatencyHistogram h && h.sumNanos == sumNanos && Arrays.equals(h.counts, counts);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(counts) * 31 + Long.hashCode(sumNanos);
    }

    @Override
    public String toString() {
        return "LatencyHistogram[count=" + count + ", mean=" + meanNanos() + "ns, p99=" + percentileNanos(0.99) + "ns]";
    }
}
