package org.jstgt.management;

import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

import org.jstgt.api.mgmt.IoStats;
import org.jstgt.api.mgmt.ManagementView;

/**
 * Reads the management views: {@link #tick()} on a fixed period takes a snapshot and computes
 * the rates since the previous tick; {@link #refresh()} (at scrape time) takes a fresh snapshot of
 * the cumulative counters and keeps the last interval's rates, so a scrape sees current totals
 * while rates always cover a whole period.
 */
public final class StatsPoller {
    private final Supplier<? extends Collection<ManagementView>> views;
    private final LongSupplier nanoClock;
    private Snapshot base = null;
    private volatile Sample sample = Sample.EMPTY;

    /**
     * @param views the views registered now
     * @param nanoClock a monotonic clock in nanoseconds ({@code System::nanoTime})
     */
    public StatsPoller(Supplier<? extends Collection<ManagementView>> views, LongSupplier nanoClock) {
        this.views = views;
        this.nanoClock = nanoClock;
    }

    /** @return the latest sample */
    public Sample sample() {
        return sample;
    }

    /**
     * Takes a snapshot and the rates since the previous tick.
     *
     * @return the new sample
     */
    public synchronized Sample tick() {
        Snapshot now = Snapshot.of(views.get(), nanoClock.getAsLong());
        Snapshot before = base;
        base = now;
        if (before == null) {
            sample = new Sample(now, 0, Map.of(), Map.of(), Map.of());
            return sample;
        }
        double seconds = (now.nanos() - before.nanos()) / 1e9;
        sample = new Sample(now, seconds, rates(before.lunStats(), now.lunStats(), seconds),
                rates(before.targetStats(), now.targetStats(), seconds),
                rates(before.sessionStats(), now.sessionStats(), seconds));
        return sample;
    }

    /**
     * Takes a fresh snapshot of the counters, keeping the last interval's rates.
     *
     * @return the new sample
     */
    public synchronized Sample refresh() {
        if (base == null) {
            return tick();
        }
        Sample s = sample;
        sample = new Sample(Snapshot.of(views.get(), nanoClock.getAsLong()), s.seconds(), s.luns(), s.targets(),
                s.sessions());
        return sample;
    }

    private static <K> Map<K, Rate> rates(Map<K, IoStats> before, Map<K, IoStats> now, double seconds) {
        Map<K, Rate> r = new HashMap<>();
        now.forEach((k, s) -> r.put(k, Rate.between(before.get(k), s, seconds)));
        return r;
    }
}
