package org.jstgt.management;

import org.jstgt.api.mgmt.IoStats;
import org.jstgt.api.mgmt.LatencyHistogram;

/**
 * What a LUN, target or session did during one polling interval: the difference of two
 * cumulative {@link IoStats} snapshots over the time between them.
 *
 * @param readIops read commands per second
 * @param writeIops write commands per second
 * @param otherIops other commands per second
 * @param readBytesPerSecond bytes per second sent by reads
 * @param writeBytesPerSecond bytes per second received by writes
 * @param readLatency the latencies of the reads completed in the interval
 * @param writeLatency the latencies of the writes completed in the interval
 */
public record Rate(double readIops, double writeIops, double otherIops, double readBytesPerSecond,
        double writeBytesPerSecond, LatencyHistogram readLatency, LatencyHistogram writeLatency) {
    /** No interval measured yet. */
    public static final Rate NONE = new Rate(0, 0, 0, 0, 0, LatencyHistogram.empty(), LatencyHistogram.empty());

    /**
     * @param earlier the counters at the start of the interval, or null when the entity is new
     * @param later the counters at its end
     * @param seconds the interval's length
     * @return the rates; {@link #NONE} for a new entity, a non-positive interval, or counters that
     *     went back (the entity restarted within the interval)
     */
    public static Rate between(IoStats earlier, IoStats later, double seconds) {
        if (earlier == null || !(seconds > 0) || later.commands() < earlier.commands()
                || later.readBytes() < earlier.readBytes() || later.writeBytes() < earlier.writeBytes()) {
            return NONE;
        }
        return new Rate((later.reads() - earlier.reads()) / seconds, (later.writes() - earlier.writes()) / seconds,
                (later.others() - earlier.others()) / seconds, (later.readBytes() - earlier.readBytes()) / seconds,
                (later.writeBytes() - earlier.writeBytes()) / seconds, later.readLatency().minus(earlier.readLatency()),
                later.writeLatency().minus(earlier.writeLatency()));
    }

    /**
     * @param histogram an interval's latencies
     * @param quantile between 0 and 1
     * @return the quantile in seconds (0 when nothing completed)
     */
    public static double seconds(LatencyHistogram histogram, double quantile) {
        return histogram.percentileNanos(quantile) / 1e9;
    }
}
