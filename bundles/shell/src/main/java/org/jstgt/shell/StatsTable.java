package org.jstgt.shell;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

import org.apache.karaf.shell.support.table.ShellTable;
import org.jstgt.api.mgmt.IoStats;
import org.jstgt.api.mgmt.LatencyHistogram;

/**
 * What {@code iscsi:stats} shows: the rates of an interval from two snapshots of cumulative
 * counters ({@link IoStats}), one row per LUN, target or session. Counters only grow, so each rate
 * is a difference over the interval; a counter that went back (a LUN deleted and created again
 * between the snapshots) counts from zero. Latency percentiles are those of the interval's reads
 * and writes together ({@link LatencyHistogram#minus}).
 */
final class StatsTable {
    private static final double MB = 1_000_000.0;

    private StatsTable() {
    }

    /**
     * One row: the interval's rates and the queue depth at its end.
     *
     * @param name the LUN's or target's name, or the session's TSIH
     * @param readIops read commands per second
     * @param writeIops write commands per second
     * @param readMBps megabytes (10^6 bytes) read per second
     * @param writeMBps megabytes written per second
     * @param latency the interval's read and write latencies
     * @param errors CHECK CONDITIONs of the interval by sense key name
     * @param busy BUSY, TASK SET FULL and RESERVATION CONFLICT of the interval
     * @param inFlight commands in flight at the interval's end
     */
    record Rates(String name, double readIops, double writeIops, double readMBps, double writeMBps,
            LatencyHistogram latency, Map<String, Long> errors, long busy, int inFlight) {
        Rates {
            errors = Map.copyOf(errors);
        }
    }

    /**
     * @param name the row's name
     * @param before the earlier snapshot ({@link IoStats#EMPTY} when the item is new)
     * @param after the later snapshot of the same item
     * @param seconds the time between them, above 0
     * @return the interval's rates
     */
    static Rates rates(String name, IoStats before, IoStats after, double seconds) {
        if (!(seconds > 0)) {
            throw new IllegalArgumentException("the interval must be above 0 s, got " + seconds);
        }
        Map<String, Long> errors = new TreeMap<>();
        after.errorsBySenseKey().forEach((key, n) -> {
            long d = n - before.errorsBySenseKey().getOrDefault(key, 0L);
            if (d > 0) {
                errors.put(key, d);
            }
        });
        LatencyHistogram latency = after.readLatency().plus(after.writeLatency())
                .minus(before.readLatency().plus(before.writeLatency()));
        return new Rates(name, delta(before.reads(), after.reads()) / seconds,
                delta(before.writes(), after.writes()) / seconds,
                delta(before.readBytes(), after.readBytes()) / MB / seconds,
                delta(before.writeBytes(), after.writeBytes()) / MB / seconds, latency, errors,
                delta(before.busy(), after.busy()), after.inFlight());
    }

    /** @return what a counter grew by; when it went back (a new incarnation), its whole value */
    private static long delta(long before, long after) {
        return after >= before ? after - before : after;
    }

    /**
     * @param before the earlier snapshot by name
     * @param after the later one
     * @param seconds the time between them
     * @param only the names to show; empty for all
     * @return one row per item of the later snapshot, by name
     */
    static List<Rates> rows(Map<String, IoStats> before, Map<String, IoStats> after, double seconds,
            Collection<String> only) {
        List<Rates> out = new ArrayList<>();
        for (Map.Entry<String, IoStats> e : new TreeMap<>(after).entrySet()) {
            if (only.isEmpty() || only.contains(e.getKey())) {
                out.add(rates(e.getKey(), before.getOrDefault(e.getKey(), IoStats.EMPTY), e.getValue(), seconds));
            }
        }
        return out;
    }

    /**
     * @param nameColumn the first column's title (LUN, Target, TSIH)
     * @param rows the rows
     * @param empty what the table says when it has none
     * @return the table
     */
    static ShellTable table(String nameColumn, List<Rates> rows, String empty) {
        ShellTable t = new ShellTable().emptyTableText(empty);
        t.column(nameColumn);
        t.column("r/s").alignRight();
        t.column("w/s").alignRight();
        t.column("rMB/s").alignRight();
        t.column("wMB/s").alignRight();
        t.column("p50").alignRight();
        t.column("p99").alignRight();
        t.column("p99.9").alignRight();
        t.column("Errors");
        t.column("Busy").alignRight();
        t.column("QD").alignRight();
        for (Rates r : rows) {
            LatencyHistogram l = r.latency();
            t.addRow().addContent(r.name(), iops(r.readIops()), iops(r.writeIops()), mbps(r.readMBps()),
                    mbps(r.writeMBps()), latency(l, 0.50), latency(l, 0.99), latency(l, 0.999), errors(r.errors()),
                    r.busy(), r.inFlight());
        }
        return t;
    }

    static String iops(double v) {
        return String.format(Locale.ROOT, "%.1f", v);
    }

    static String mbps(double v) {
        return String.format(Locale.ROOT, "%.2f", v);
    }

    /** @return the quantile of the interval's latencies, "-" when nothing was read or written */
    static String latency(LatencyHistogram h, double quantile) {
        return h.count() == 0 ? "-" : duration(h.percentileNanos(quantile));
    }

    /** @return nanoseconds in the unit that keeps 2 to 3 significant digits: 850ns, 12.3us, 4.56ms, 1.20s */
    static String duration(long nanos) {
        if (nanos < 1_000) {
            return nanos + "ns";
        }
        if (nanos < 1_000_000) {
            return scaled(nanos / 1e3, "us");
        }
        if (nanos < 1_000_000_000) {
            return scaled(nanos / 1e6, "ms");
        }
        return scaled(nanos / 1e9, "s");
    }

    private static String scaled(double v, String unit) {
        String f = v < 10 ? "%.2f" : v < 100 ? "%.1f" : "%.0f";
        return String.format(Locale.ROOT, f, v) + unit;
    }

    /** @return "ILLEGAL REQUEST 2, UNIT ATTENTION 1", or "-" */
    static String errors(Map<String, Long> errors) {
        if (errors.isEmpty()) {
            return "-";
        }
        List<String> parts = new ArrayList<>();
        new TreeMap<>(errors).forEach((k, n) -> parts.add(k + " " + n));
        return String.join(", ", parts);
    }
}
