package org.jstgt.management.metrics;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.ToDoubleFunction;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;

import org.jstgt.api.mgmt.IoStats;
import org.jstgt.management.Entity;
import org.jstgt.management.Rate;

/**
 * Keeps one set of Micrometer meters per LUN, target and session in a registry, read from the
 * latest entities: function counters and gauges over this object, which the owner keeps (the
 * counting happens in the SCSI core and the fabric, this only reads). {@link #sync} adds the meters
 * of new entities and of sense keys seen for the first time, and removes the meters of entities
 * that are gone.
 *
 * <p>Meters, with {@code <e>} one of {@code lun}, {@code target}, {@code session} (Prometheus
 * names): {@code jstgt_<e>_commands_total{kind=read|write|other}},
 * {@code jstgt_<e>_bytes_total{kind=read|write}}, {@code jstgt_<e>_errors_total{sense_key=...}},
 * {@code jstgt_<e>_busy_total}, {@code jstgt_<e>_in_flight}, {@code jstgt_<e>_active} (1 when
 * its state is ACTIVE or it is a logged-in session), and
 * {@code jstgt_<e>_latency_interval_seconds{kind=read|write,quantile=0.5|0.99|0.999}} (the last
 * polling interval's latency quantiles).
 */
public final class IoMeters {
    /** Quantiles of the interval latency gauges. */
    static final double[] QUANTILES = {0.5, 0.99, 0.999};

    private final MeterRegistry registry;
    private final Map<String, Registered> registered = new HashMap<>();
    private volatile Map<String, Entity> current = Map.of();

    /** @param registry where the meters go */
    public IoMeters(MeterRegistry registry) {
        this.registry = registry;
    }

    /**
     * Makes the registry's meters match the entities.
     *
     * @param entities the entities now
     */
    public synchronized void sync(List<Entity> entities) {
        Map<String, Entity> now = new HashMap<>();
        for (Entity e : entities) {
            now.put(e.id(), e);
        }
        current = now;
        for (var it = registered.entrySet().iterator(); it.hasNext();) {
            var r = it.next();
            Entity e = now.get(r.getKey());
            if (e == null || !e.labels().equals(r.getValue().labels)) {
                r.getValue().meters.forEach(registry::remove);
                it.remove();
            }
        }
        for (Entity e : entities) {
            Registered r = registered.computeIfAbsent(e.id(), id -> register(e));
            for (String key : e.stats().errorsBySenseKey().keySet()) {
                if (r.senseKeys.add(key)) {
                    String id = e.id();
                    r.meters.add(counter(e, "errors", "commands that ended in CHECK CONDITION, by sense key",
                            Tags.of("sense_key", key), null, x -> stats(id).errorsBySenseKey().getOrDefault(key, 0L)));
                }
            }
        }
    }

    /** Removes every meter this added. */
    public synchronized void close() {
        registered.values().forEach(r -> r.meters.forEach(registry::remove));
        registered.clear();
        current = Map.of();
    }

    private IoStats stats(String id) {
        Entity e = current.get(id);
        return e == null ? IoStats.EMPTY : e.stats();
    }

    private Rate rate(String id) {
        Entity e = current.get(id);
        return e == null ? Rate.NONE : e.rate();
    }

    private boolean active(String id) {
        Entity e = current.get(id);
        return e != null && ("ACTIVE".equals(e.state()) || "LOGGED_IN".equals(e.state()));
    }

    private Registered register(Entity e) {
        String id = e.id();
        Registered r = new Registered(e.labels());
        String what = e.kind().metricPrefix();
        r.meters.add(counter(e, "commands", "commands completed, by kind", Tags.of("kind", "read"), null,
                x -> stats(id).reads()));
        r.meters.add(counter(e, "commands", "commands completed, by kind", Tags.of("kind", "write"), null,
                x -> stats(id).writes()));
        r.meters.add(counter(e, "commands", "commands completed, by kind", Tags.of("kind", "other"), null,
                x -> stats(id).others()));
        r.meters.add(counter(e, "bytes", "data moved by reads (to initiators) and writes (from initiators)",
                Tags.of("kind", "read"), "bytes", x -> stats(id).readBytes()));
        r.meters.add(counter(e, "bytes", "data moved by reads (to initiators) and writes (from initiators)",
                Tags.of("kind", "write"), "bytes", x -> stats(id).writeBytes()));
        r.meters.add(counter(e, "busy", "commands that ended in BUSY, TASK SET FULL or RESERVATION CONFLICT",
                Tags.empty(), null, x -> stats(id).busy()));
        r.meters.add(gauge(e, "in.flight", "commands accepted and not yet completed", Tags.empty(), null,
                x -> stats(id).inFlight()));
        r.meters.add(gauge(e, "active", "1 when the " + what + " is active (LUN, target) or logged in (session)",
                Tags.empty(), null, x -> active(id) ? 1 : 0));
        for (double q : QUANTILES) {
            String qs = Double.toString(q);
            r.meters.add(gauge(e, "latency.interval", "latency quantile of the commands of the last polling interval",
                    Tags.of("kind", "read", "quantile", qs), "seconds", x -> Rate.seconds(rate(id).readLatency(), q)));
            r.meters.add(gauge(e, "latency.interval", "latency quantile of the commands of the last polling interval",
                    Tags.of("kind", "write", "quantile", qs), "seconds",
                    x -> Rate.seconds(rate(id).writeLatency(), q)));
        }
        return r;
    }

    private Meter counter(Entity e, String name, String help, Tags extra, String unit, ToDoubleFunction<Object> f) {
        return FunctionCounter.builder("jstgt." + e.kind().metricPrefix() + "." + name, this, f)
                .description(help).baseUnit(unit).tags(tags(e).and(extra)).register(registry);
    }

    private Meter gauge(Entity e, String name, String help, Tags extra, String unit, ToDoubleFunction<Object> f) {
        return Gauge.builder("jstgt." + e.kind().metricPrefix() + "." + name, this, f).description(help)
                .baseUnit(unit).tags(tags(e).and(extra)).strongReference(true).register(registry);
    }

    private static Tags tags(Entity e) {
        List<Tag> t = new ArrayList<>();
        e.labels().forEach((k, v) -> t.add(Tag.of(k, v)));
        return Tags.of(t);
    }

    /** The meters of one entity. */
    private static final class Registered {
        final Map<String, String> labels;
        final List<Meter> meters = new ArrayList<>();
        final Set<String> senseKeys = new HashSet<>();

        Registered(Map<String, String> labels) {
            this.labels = labels;
        }
    }
}
