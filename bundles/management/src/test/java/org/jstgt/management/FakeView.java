package org.jstgt.management;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.jstgt.api.mgmt.IoMeter;
import org.jstgt.api.mgmt.IoStats;
import org.jstgt.api.mgmt.LunInfo;
import org.jstgt.api.mgmt.ManagementView;
import org.jstgt.api.mgmt.SessionInfo;
import org.jstgt.api.mgmt.TargetInfo;

/** A management view whose listings and counters a test sets; counters come from real {@link IoMeter}s. */
public final class FakeView implements ManagementView {
    public final List<LunInfo> luns = new ArrayList<>();
    public final List<TargetInfo> targets = new ArrayList<>();
    public final List<SessionInfo> sessions = new ArrayList<>();
    public final Map<String, IoMeter> lunMeters = new LinkedHashMap<>();
    public final Map<String, IoMeter> targetMeters = new LinkedHashMap<>();
    public final Map<Integer, IoMeter> sessionMeters = new LinkedHashMap<>();
    public int inFlight;

    /** Adds an ACTIVE 1 GiB disk LUN with a meter. */
    public IoMeter lun(String name) {
        luns.add(new LunInfo(name, "etc/jstgt.lun-" + name + ".cfg", "disk", "memory", 1L << 30, 512, "", false,
                "ACTIVE", List.of("demo:0")));
        return lunMeters.computeIfAbsent(name, n -> new IoMeter());
    }

    /** Adds an ACTIVE target with a meter. */
    public IoMeter target(String name) {
        targets.add(new TargetInfo(name, "etc/jstgt.target-" + name + ".cfg", "iqn.2026-11.org.jstgt:" + name, "",
                List.of("default"), List.of("0=disk0"), List.of(), "ACTIVE"));
        return targetMeters.computeIfAbsent(name, n -> new IoMeter());
    }

    /** Adds a normal session with a meter. */
    public IoMeter session(int tsih, String initiator) {
        sessions.add(new SessionInfo(tsih, "Normal", initiator, "400001370000", "iqn.2026-11.org.jstgt:demo", 1,
                List.of("127.0.0.1:40000"), 0, List.of(), ""));
        return sessionMeters.computeIfAbsent(tsih, n -> new IoMeter());
    }

    /** Drops a LUN (listing and counters). */
    public void removeLun(String name) {
        luns.removeIf(l -> l.name().equals(name));
        lunMeters.remove(name);
    }

    @Override
    public List<LunInfo> luns() {
        return List.copyOf(luns);
    }

    @Override
    public List<TargetInfo> targets() {
        return List.copyOf(targets);
    }

    @Override
    public List<SessionInfo> sessions() {
        return List.copyOf(sessions);
    }

    @Override
    public Map<String, IoStats> lunStats() {
        Map<String, IoStats> m = new LinkedHashMap<>();
        lunMeters.forEach((k, v) -> m.put(k, v.snapshot(inFlight)));
        return m;
    }

    @Override
    public Map<String, IoStats> targetStats() {
        Map<String, IoStats> m = new LinkedHashMap<>();
        targetMeters.forEach((k, v) -> m.put(k, v.snapshot(inFlight)));
        return m;
    }

    @Override
    public Map<Integer, IoStats> sessionStats() {
        Map<Integer, IoStats> m = new LinkedHashMap<>();
        sessionMeters.forEach((k, v) -> m.put(k, v.snapshot(inFlight)));
        return m;
    }
}
