package org.jstgt.management;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Supplier;

import org.jstgt.api.mgmt.IoStats;
import org.jstgt.api.mgmt.LunInfo;
import org.jstgt.api.mgmt.ManagementView;
import org.jstgt.api.mgmt.SessionInfo;
import org.jstgt.api.mgmt.TargetInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What every {@link ManagementView} showed at one moment: the listings and the cumulative
 * counters of LUNs, targets and sessions, merged over the views (the SCSI core lists LUNs and
 * targets, the iSCSI fabric sessions).
 *
 * @param nanos when it was taken ({@link System#nanoTime()} or a test clock)
 * @param luns LUNs of all views
 * @param targets targets of all views
 * @param sessions sessions of all views
 * @param lunStats counters by LUN name
 * @param targetStats counters by target name
 * @param sessionStats counters by TSIH
 */
public record Snapshot(long nanos, List<LunInfo> luns, List<TargetInfo> targets, List<SessionInfo> sessions,
        Map<String, IoStats> lunStats, Map<String, IoStats> targetStats, Map<Integer, IoStats> sessionStats) {
    private static final Logger LOG = LoggerFactory.getLogger(Snapshot.class);

    /** Nothing seen yet. */
    public static final Snapshot EMPTY = new Snapshot(0, List.of(), List.of(), List.of(), Map.of(), Map.of(), Map.of());

    public Snapshot {
        luns = List.copyOf(luns);
        targets = List.copyOf(targets);
        sessions = List.copyOf(sessions);
        lunStats = Map.copyOf(lunStats);
        targetStats = Map.copyOf(targetStats);
        sessionStats = Map.copyOf(sessionStats);
    }

    /**
     * Asks every view once. A view that throws is left out of this snapshot (and logged), so one
     * bundle's failure does not blank the others' numbers.
     *
     * @param views the views registered now
     * @param nanos the time to stamp
     * @return the merged snapshot
     */
    public static Snapshot of(Collection<ManagementView> views, long nanos) {
        List<LunInfo> luns = new ArrayList<>();
        List<TargetInfo> targets = new ArrayList<>();
        List<SessionInfo> sessions = new ArrayList<>();
        Map<String, IoStats> lunStats = new TreeMap<>();
        Map<String, IoStats> targetStats = new TreeMap<>();
        Map<Integer, IoStats> sessionStats = new TreeMap<>();
        for (ManagementView v : views) {
            luns.addAll(ask(v, "luns", v::luns, List.of()));
            targets.addAll(ask(v, "targets", v::targets, List.of()));
            sessions.addAll(ask(v, "sessions", v::sessions, List.of()));
            ask(v, "lunStats", v::lunStats, Map.<String, IoStats>of()).forEach((k, s) -> lunStats.merge(k, s, IoStats::plus));
            ask(v, "targetStats", v::targetStats, Map.<String, IoStats>of())
                    .forEach((k, s) -> targetStats.merge(k, s, IoStats::plus));
            ask(v, "sessionStats", v::sessionStats, Map.<Integer, IoStats>of())
                    .forEach((k, s) -> sessionStats.merge(k, s, IoStats::plus));
        }
        return new Snapshot(nanos, luns, targets, sessions, lunStats, targetStats, sessionStats);
    }

    private static <T> T ask(ManagementView view, String what, Supplier<T> call, T none) {
        try {
            T t = call.get();
            return t == null ? none : t;
        } catch (RuntimeException e) {
            LOG.warn("management view {} failed to answer {}(); its {} are left out", view.getClass().getName(), what,
                    what, e);
            return none;
        }
    }
}
