package org.jstgt.scsi.core;

import java.util.Collection;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import org.jstgt.api.mgmt.IoStats;

/**
 * Snapshots of the LUNs' and targets' I/O meters for the management view; off the command path.
 * In flight are the commands admitted and not yet ended ({@link LunRuntime#live}: in their data
 * phase, held for a provider, queued or running in the device).
 */
final class IoCounters {
    private IoCounters() {
    }

    /** @return the LUNs' counters by name */
    static Map<String, IoStats> luns(Collection<LunRuntime> luns) {
        Map<String, IoStats> out = new TreeMap<>();
        for (LunRuntime l : luns) {
            out.put(l.name, l.meter.snapshot(l.live.size()));
        }
        return out;
    }

    /** @return the targets' counters by configuration name */
    static Map<String, IoStats> targets(Collection<TargetRuntime> targets) {
        Map<String, IoStats> out = new TreeMap<>();
        for (TargetRuntime t : targets) {
            out.put(t.name(), t.meter.snapshot(inFlight(t)));
        }
        return out;
    }

    /** @return the live commands of the target's nexuses, in the LUNs it maps now */
    static int inFlight(TargetRuntime t) {
        LunMap m = t.map;
        Set<LunRuntime> seen = new HashSet<>();
        int n = 0;
        for (int number : m.numbers()) {
            LunRuntime l = m.get(number);
            if (l != null && seen.add(l)) {
                for (CoreTask task : l.live) {
                    if (task.owner.target() == t) {
                        n++;
                    }
                }
            }
        }
        return n;
    }
}
