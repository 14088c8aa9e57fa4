package org.jstgt.management.metrics;

import java.util.List;
import java.util.function.Supplier;

import io.micrometer.core.instrument.Clock;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

import org.jstgt.management.Entity;

/**
 * jstgt's meters in a private Micrometer Prometheus registry (a registry of our own, not the
 * JVM's global one): the {@link IoMeters} counters and gauges and the {@link LatencyHistograms},
 * rendered in the Prometheus text format 0.0.4.
 */
public final class PrometheusMetrics implements AutoCloseable {
    /** The content type of {@link #scrape()}. */
    public static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    private final PrometheusMeterRegistry registry;
    private final IoMeters meters;

    /** @param entities the entities now, asked when the histograms are collected */
    public PrometheusMetrics(Supplier<List<Entity>> entities) {
        PrometheusRegistry prometheus = new PrometheusRegistry();
        prometheus.register(new LatencyHistograms(entities));
        this.registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT, prometheus, Clock.SYSTEM);
        this.meters = new IoMeters(registry);
    }

    /**
     * Makes the meters match the entities (new ones added, gone ones removed).
     *
     * @param entities the entities now
     */
    public void sync(List<Entity> entities) {
        meters.sync(entities);
    }

    /** @return every meter in the Prometheus text format 0.0.4 */
    public String scrape() {
        return registry.scrape(CONTENT_TYPE);
    }

    @Override
    public void close() {
        meters.close();
        registry.close();
    }
}
