package org.jstgt.benchmarks.mcs;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Every measured command's latency, from building its SCSI Command PDU to reading its status, on
 * one connection (its reader thread only); the load's percentiles are taken over all connections
 * together, exactly (sorted), not from a histogram.
 */
final class Latencies {
    private long[] nanos = new long[1 << 14];
    private int count;

    void add(long n) {
        if (count == nanos.length) {
            nanos = Arrays.copyOf(nanos, nanos.length * 2);
        }
        nanos[count++] = n;
    }

    int count() {
        return count;
    }

    /**
     * The JSON fields of the percentiles of all of {@code parts}, in microseconds: {@code lat_p50_us},
     * {@code lat_p99_us}, {@code lat_p999_us}, {@code lat_max_us}, {@code lat_mean_us} and the count
     * {@code lat_samples}; the values are null when nothing was measured.
     *
     * @param parts each connection's latencies
     * @return the fields, each led by a comma
     */
    static String json(List<Latencies> parts) {
        int total = parts.stream().mapToInt(Latencies::count).sum();
        long[] all = new long[total];
        int at = 0;
        for (Latencies l : parts) {
            System.arraycopy(l.nanos, 0, all, at, l.count);
            at += l.count;
        }
        Arrays.sort(all);
        return String.format(Locale.ROOT, ",\"lat_samples\":%d,\"lat_p50_us\":%s,\"lat_p99_us\":%s,"
                + "\"lat_p999_us\":%s,\"lat_max_us\":%s,\"lat_mean_us\":%s", total, micros(percentile(all, 50)),
                micros(percentile(all, 99)), micros(percentile(all, 99.9)),
                micros(total == 0 ? -1 : all[total - 1]), micros(total == 0 ? -1 : mean(all)));
    }

    /**
     * @param sorted the latencies, ascending
     * @param p the percentile, 0 to 100
     * @return the nearest-rank percentile (the smallest value that at least p% of all do not
     *     exceed), or -1 for none
     */
    static long percentile(long[] sorted, double p) {
        if (sorted.length == 0) {
            return -1;
        }
        int rank = (int) Math.ceil(p * sorted.length / 100 - 1e-9); // 99.9% of 1000 is rank 999, not 1000
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
    }

    private static long mean(long[] all) {
        double sum = 0;
        for (long v : all) {
            sum += v;
        }
        return Math.round(sum / all.length);
    }

    private static String micros(long nanos) {
        return nanos < 0 ? "null" : String.format(Locale.ROOT, "%.1f", nanos / 1e3);
    }
}
