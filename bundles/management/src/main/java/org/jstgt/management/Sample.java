package org.jstgt.management;

import java.util.Map;

/**
 * The latest snapshot with the rates of the last polling interval.
 *
 * @param snapshot the cumulative counters and listings (refreshed at scrape time too)
 * @param seconds the length of the interval the rates cover, 0 before the second poll
 * @param luns rates by LUN name
 * @param targets rates by target name
 * @param sessions rates by TSIH
 */
public record Sample(Snapshot snapshot, double seconds, Map<String, Rate> luns, Map<String, Rate> targets,
        Map<Integer, Rate> sessions) {
    /** Nothing polled yet. */
    public static final Sample EMPTY = new Sample(Snapshot.EMPTY, 0, Map.of(), Map.of(), Map.of());

    public Sample {
        luns = Map.copyOf(luns);
        targets = Map.copyOf(targets);
        sessions = Map.copyOf(sessions);
    }

    /**
     * @param lun a LUN name
     * @return its rates, {@link Rate#NONE} when unknown
     */
    public Rate lunRate(String lun) {
        return luns.getOrDefault(lun, Rate.NONE);
    }

    /**
     * @param target a target name
     * @return its rates, {@link Rate#NONE} when unknown
     */
    public Rate targetRate(String target) {
        return targets.getOrDefault(target, Rate.NONE);
    }

    /**
     * @param tsih a session's TSIH
     * @return its rates, {@link Rate#NONE} when unknown
     */
    public Rate sessionRate(int tsih) {
        return sessions.getOrDefault(tsih, Rate.NONE);
    }
}
