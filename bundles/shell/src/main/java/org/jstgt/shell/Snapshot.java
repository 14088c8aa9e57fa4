package org.jstgt.shell;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Function;

import org.jstgt.api.mgmt.IoStats;
import org.jstgt.api.mgmt.LunInfo;
import org.jstgt.api.mgmt.ManagementView;
import org.jstgt.api.mgmt.PortalInfo;
import org.jstgt.api.mgmt.SessionInfo;
import org.jstgt.api.mgmt.TargetInfo;
import org.osgi.framework.BundleContext;

/**
 * Everything the management views list at one moment, sorted, for the commands that show more than
 * one kind of thing ({@code iscsi:lun-info}, {@code target-info}, {@code show}). A view that fails is
 * named in {@link #errors()}; the others are still shown.
 *
 * @param luns LUNs by name
 * @param targets targets by name
 * @param portals portals by name
 * @param sessions sessions by TSIH
 * @param lunStats I/O counters by LUN name, where a view keeps them
 * @param errors one line per failing view
 */
record Snapshot(List<LunInfo> luns, List<TargetInfo> targets, List<PortalInfo> portals, List<SessionInfo> sessions,
        Map<String, IoStats> lunStats, List<String> errors) {

    Snapshot {
        luns = List.copyOf(luns);
        targets = List.copyOf(targets);
        portals = List.copyOf(portals);
        sessions = List.copyOf(sessions);
        lunStats = Map.copyOf(lunStats);
        errors = List.copyOf(errors);
    }

    /**
     * @param context the command bundle's context
     * @return what every registered view reports now
     */
    static Snapshot of(BundleContext context) {
        return read(read -> Views.fromServices(context, read));
    }

    /**
     * @param views the views (tests)
     * @return what they report now
     */
    static Snapshot of(List<? extends ManagementView> views) {
        return read(read -> Views.merge(views, read));
    }

    private static Snapshot read(Function<Function<ManagementView, List<Object>>, Views.Listing<Object>> r) {
        List<String> errors = new ArrayList<>();
        List<LunInfo> luns = items(r, ManagementView::luns, errors);
        List<TargetInfo> targets = items(r, ManagementView::targets, errors);
        List<PortalInfo> portals = items(r, ManagementView::portals, errors);
        List<SessionInfo> sessions = items(r, ManagementView::sessions, errors);
        Map<String, IoStats> stats = new TreeMap<>();
        for (Object o : r.apply(v -> List.of(v.lunStats())).items()) {
            @SuppressWarnings("unchecked")
            Map<String, IoStats> m = (Map<String, IoStats>) o;
            m.forEach((k, s) -> stats.merge(k, s, IoStats::plus));
        }
        luns = luns.stream().sorted(Views.LUN_ORDER).toList();
        targets = targets.stream().sorted(Views.TARGET_ORDER).toList();
        portals = portals.stream().sorted(Views.PORTAL_ORDER).toList();
        sessions = sessions.stream().sorted(Views.SESSION_ORDER).toList();
        return new Snapshot(luns, targets, portals, sessions, stats, errors.stream().distinct().toList());
    }

    @SuppressWarnings("unchecked")
    private static <T> List<T> items(Function<Function<ManagementView, List<Object>>, Views.Listing<Object>> r,
            Function<ManagementView, List<T>> what, List<String> errors) {
        Views.Listing<Object> l = r.apply(v -> (List<Object>) (List<?>) what.apply(v));
        errors.addAll(l.errors());
        return (List<T>) (List<?>) l.items();
    }

    /** @return the LUN of that name */
    Optional<LunInfo> lun(String name) {
        return luns.stream().filter(l -> l.name().equals(name)).findFirst();
    }

    /**
     * @param name a LUN name
     * @return its row
     * @throws IllegalArgumentException naming the LUNs there are, when none has that name
     */
    LunInfo requireLun(String name) {
        return lun(name).orElseThrow(() -> Facts.unknown("no LUN '" + name + "' (etc/jstgt.lun-" + name + ".cfg)",
                luns.stream().map(LunInfo::name).toList()));
    }

    /**
     * @param name a target's configuration name
     * @return its row
     * @throws IllegalArgumentException naming the targets there are, when none has that name
     */
    TargetInfo requireTarget(String name) {
        return target(name).orElseThrow(() -> Facts.unknown("no target '" + name + "' (etc/jstgt.target-" + name
                + ".cfg)", targets.stream().map(TargetInfo::name).toList()));
    }

    /**
     * @param tsih a TSIH
     * @return the error for a session nobody knows, naming the sessions there are
     */
    IllegalArgumentException unknownSession(int tsih) {
        return Facts.unknown("no session with TSIH " + Facts.tsih(tsih) + " (it logged out, or see iscsi:session-list)",
                sessions.stream().map(x -> Facts.tsih(x.tsih())).toList());
    }

    /** @return the target of that configuration name */
    Optional<TargetInfo> target(String name) {
        return targets.stream().filter(t -> t.name().equals(name)).findFirst();
    }

    /** @return the Normal sessions logged in to the target of that IQN */
    List<SessionInfo> sessionsOf(String iqn) {
        return sessions.stream().filter(s -> s.targetName().equalsIgnoreCase(iqn) && !iqn.isEmpty()).toList();
    }
}
