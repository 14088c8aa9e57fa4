package org.jstgt.management;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.jstgt.api.mgmt.IoStats;
import org.jstgt.api.mgmt.LunInfo;
import org.jstgt.api.mgmt.SessionInfo;
import org.jstgt.api.mgmt.TargetInfo;

/**
 * One LUN, target or session as meters, MBeans and the web page show it: what identifies it,
 * its state, its cumulative counters and its last interval's rates.
 *
 * @param kind LUN, target or session
 * @param name the LUN's or target's configuration name, or the session's TSIH in decimal
 * @param labels the metric labels that identify it ({@code lun}; {@code target}; {@code tsih},
 *     {@code initiator}, {@code target} for a session), in order
 * @param state its state as the views report it ({@code ACTIVE}, {@code WAITING(...)}, ...)
 * @param stats its cumulative counters ({@link IoStats#EMPTY} when no view counts it yet)
 * @param rate its last interval's rates
 */
public record Entity(Kind kind, String name, Map<String, String> labels, String state, IoStats stats, Rate rate) {
    /** What an entity is. */
    public enum Kind {
        /** a logical unit, by configuration name */
        LUN("lun", "Lun"),
        /** a target, by configuration name */
        TARGET("target", "Target"),
        /** an iSCSI session, by TSIH */
        SESSION("session", "Session");

        private final String metricPrefix;
        private final String jmxType;

        Kind(String metricPrefix, String jmxType) {
            this.metricPrefix = metricPrefix;
            this.jmxType = jmxType;
        }

        /** @return the word in metric names ({@code jstgt.<word>.commands}) */
        public String metricPrefix() {
            return metricPrefix;
        }

        /** @return the {@code type} key of its JMX ObjectName */
        public String jmxType() {
            return jmxType;
        }
    }

    public Entity {
        labels = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(labels));
    }

    /** @return a key unique among all entities ({@code lun/disk0}) */
    public String id() {
        return kind.metricPrefix + "/" + name;
    }

    /**
     * Lists the entities of a sample: every LUN and target listed or counted, and every session
     * that is not a discovery session (listed or counted).
     *
     * @param sample the sample
     * @return LUNs, then targets, then sessions, each sorted by name
     */
    public static List<Entity> of(Sample sample) {
        Snapshot s = sample.snapshot();
        List<Entity> out = new ArrayList<>();
        Map<String, String> lunStates = new TreeMap<>();
        for (LunInfo l : s.luns()) {
            lunStates.put(l.name(), l.state());
        }
        s.lunStats().keySet().forEach(k -> lunStates.putIfAbsent(k, "UNKNOWN"));
        lunStates.forEach((name, state) -> out.add(new Entity(Kind.LUN, name, Map.of("lun", name), state,
                s.lunStats().getOrDefault(name, IoStats.EMPTY), sample.lunRate(name))));
        Map<String, String> targetStates = new TreeMap<>();
        for (TargetInfo t : s.targets()) {
            targetStates.put(t.name(), t.state());
        }
        s.targetStats().keySet().forEach(k -> targetStates.putIfAbsent(k, "UNKNOWN"));
        targetStates.forEach((name, state) -> out.add(new Entity(Kind.TARGET, name, Map.of("target", name), state,
                s.targetStats().getOrDefault(name, IoStats.EMPTY), sample.targetRate(name))));
        Map<Integer, SessionInfo> sessions = new TreeMap<>();
        for (SessionInfo i : s.sessions()) {
            if (!"Discovery".equalsIgnoreCase(i.type())) {
                sessions.put(i.tsih(), i);
            }
        }
        s.sessionStats().keySet().forEach(k -> sessions.putIfAbsent(k, null));
        sessions.forEach((tsih, info) -> {
            Map<String, String> labels = new LinkedHashMap<>();
            labels.put("tsih", Integer.toString(tsih));
            labels.put("initiator", info == null ? "" : info.initiatorName());
            labels.put("target", info == null ? "" : info.targetName());
            out.add(new Entity(Kind.SESSION, Integer.toString(tsih), labels, info == null ? "UNKNOWN" : "LOGGED_IN",
                    s.sessionStats().getOrDefault(tsih, IoStats.EMPTY), sample.sessionRate(tsih)));
        });
        return out;
    }
}
