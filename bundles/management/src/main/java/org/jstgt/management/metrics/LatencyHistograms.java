package org.jstgt.management.metrics;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.snapshots.ClassicHistogramBuckets;
import io.prometheus.metrics.model.snapshots.Exemplars;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot.HistogramDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import io.prometheus.metrics.model.snapshots.Unit;

import org.jstgt.api.mgmt.LatencyHistogram;
import org.jstgt.management.Entity;

/**
 * Exposes the cumulative {@link LatencyHistogram}s of LUNs, targets and sessions as Prometheus
 * classic histograms, {@code jstgt_<e>_latency_seconds{...,kind=read|write}} with {@code _bucket},
 * {@code _count} and {@code _sum}. Micrometer's timers record single durations and cannot take a
 * histogram that was counted elsewhere, so this collector sits beside Micrometer's meters in the
 * same Prometheus registry.
 *
 * <p>The source histogram has fine log-linear buckets; each is counted under the smallest
 * {@code le} bound at or above its upper edge, so every {@code le} bucket counts only latencies
 * that are certainly at most {@code le} (at most one source bucket, 12.5%, is counted one bound
 * late).
 */
public final class LatencyHistograms implements MultiCollector {
    /** The {@code le} bounds in seconds, without {@code +Inf}. */
    static final double[] BOUNDS = {50e-6, 100e-6, 250e-6, 500e-6, 1e-3, 2.5e-3, 5e-3, 10e-3, 25e-3, 50e-3, 0.1,
        0.25, 0.5, 1, 2.5, 5, 10};
    /** For each source bucket, the index of its {@code le} bound ({@code BOUNDS.length} is +Inf). */
    private static final int[] TARGET = new int[LatencyHistogram.BUCKETS];
    private static final double[] UPPER = new double[BOUNDS.length + 1];

    static {
        for (int i = 0; i < LatencyHistogram.BUCKETS; i++) {
            long upper = LatencyHistogram.upperBoundNanos(i);
            int t = BOUNDS.length;
            for (int b = 0; b < BOUNDS.length; b++) {
                if (upper <= Math.round(BOUNDS[b] * 1e9)) {
                    t = b;
                    break;
                }
            }
            TARGET[i] = t;
        }
        System.arraycopy(BOUNDS, 0, UPPER, 0, BOUNDS.length);
        UPPER[BOUNDS.length] = Double.POSITIVE_INFINITY;
    }

    private final Supplier<List<Entity>> entities;

    /** @param entities the entities now, asked at every collection */
    public LatencyHistograms(Supplier<List<Entity>> entities) {
        this.entities = entities;
    }

    @Override
    public MetricSnapshots collect() {
        Map<Entity.Kind, HistogramSnapshot.Builder> builders = new EnumMap<>(Entity.Kind.class);
        for (Entity e : entities.get()) {
            HistogramSnapshot.Builder b = builders.computeIfAbsent(e.kind(), LatencyHistograms::builder);
            b.dataPoint(point(e, "read", e.stats().readLatency()));
            b.dataPoint(point(e, "write", e.stats().writeLatency()));
        }
        List<MetricSnapshot> out = new ArrayList<>();
        builders.values().forEach(b -> out.add(b.build()));
        return new MetricSnapshots(out);
    }

    @Override
    public List<String> getPrometheusNames() {
        List<String> names = new ArrayList<>();
        for (Entity.Kind k : Entity.Kind.values()) {
            names.add(name(k));
        }
        return names;
    }

    private static HistogramSnapshot.Builder builder(Entity.Kind kind) {
        return HistogramSnapshot.builder().name(name(kind))
                .help("latency of " + kind.metricPrefix() + " commands from arrival to completion, by kind")
                .unit(Unit.SECONDS);
    }

    private static String name(Entity.Kind kind) {
        return "jstgt_" + kind.metricPrefix() + "_latency_seconds";
    }

    /**
     * @param h a histogram
     * @return its counts regrouped under {@link #BOUNDS} and +Inf (not cumulative)
     */
    static long[] regroup(LatencyHistogram h) {
        long[] counts = new long[BOUNDS.length + 1];
        for (int i = 0; i < LatencyHistogram.BUCKETS; i++) {
            counts[TARGET[i]] += h.countAt(i);
        }
        return counts;
    }

    private static HistogramDataPointSnapshot point(Entity e, String kind, LatencyHistogram h) {
        Labels.Builder labels = Labels.builder();
        e.labels().forEach(labels::label);
        labels.label("kind", kind);
        return new HistogramDataPointSnapshot(ClassicHistogramBuckets.of(UPPER.clone(), regroup(h)),
                h.sumNanos() / 1e9, labels.build(), Exemplars.EMPTY, 0L);
    }
}
