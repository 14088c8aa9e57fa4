package org.jstgt.scsi.alua;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

import org.jstgt.api.target.AccessState;
import org.jstgt.api.target.PortalGroup;

/**
 * The target port groups and their access states (SPC-4 §5.16): what the fabric publishes from the
 * portal configurations, and what SET TARGET PORT GROUPS sets on top. Readers take the volatile
 * immutable {@link GroupSnapshot}; changes are serialized here.
 *
 * <p>A state set by SET TARGET PORT GROUPS stands until the configuration of its group says
 * something else than it said when the state was set: when it catches up (the state was persisted
 * to the portal files) the override is no longer needed, and when an administrator sets another
 * state that one wins.
 */
public final class PortGroups {

    /** What SET TARGET PORT GROUPS set, over the configured state it replaced. */
    private record Override(AccessState state, AccessState configured) {
    }

    private volatile GroupSnapshot snapshot = GroupSnapshot.EMPTY;
    /** Per tag, from the last publication. */
    private Map<Integer, AccessState> configured = Map.of();
    private Map<Integer, Boolean> preferred = Map.of();
    private Map<String, Integer> tagByPortal = Map.of();
    private final Map<Integer, Override> overrides = new HashMap<>();
    private final Map<Integer, Integer> status = new HashMap<>();

    /** @return the groups now; one volatile read */
    public GroupSnapshot snapshot() {
        return snapshot;
    }

    /**
     * The fabric's portals, replacing the previous publication. A tag whose portals disagree on the
     * state (the fabric reports that) is {@link AccessState#UNAVAILABLE}; it is preferred when all
     * its portals are.
     *
     * @param portals every portal
     * @return the tags whose state changed
     */
    public synchronized Set<Integer> publish(List<PortalGroup> portals) {
        Map<Integer, AccessState> states = new TreeMap<>();
        Map<Integer, Boolean> pref = new HashMap<>();
        Map<String, Integer> byPortal = new HashMap<>();
        for (PortalGroup p : portals) {
            byPortal.put(p.portal(), p.tag());
            states.merge(p.tag(), p.state(), (a, b) -> a == b ? a : AccessState.UNAVAILABLE);
            pref.merge(p.tag(), p.preferred(), Boolean::logicalAnd);
        }
        GroupSnapshot before = snapshot;
        overrides.keySet().retainAll(states.keySet());
        status.keySet().retainAll(states.keySet());
        states.forEach((tag, state) -> {
            Override o = overrides.get(tag);
            if (o != null && (state == o.state() || state != o.configured())) {
                // the files caught up with the command, or an administrator changed the state
                overrides.remove(tag);
            }
            if (!overrides.containsKey(tag) && state != before.state(tag)) {
                status.put(tag, GroupSnapshot.STATUS_IMPLICIT);
            }
        });
        configured = Map.copyOf(states);
        preferred = Map.copyOf(pref);
        tagByPortal = Map.copyOf(byPortal);
        return install(before);
    }

    /**
     * SET TARGET PORT GROUPS (SPC-4 §6.44): the groups named take the states given.
     *
     * @param states the new state per tag
     * @return the tags whose state changed
     */
    public synchronized Set<Integer> set(Map<Integer, AccessState> states) {
        GroupSnapshot before = snapshot;
        states.forEach((tag, state) -> {
            overrides.put(tag, new Override(state, configured.getOrDefault(tag, AccessState.ACTIVE_OPTIMIZED)));
            status.put(tag, GroupSnapshot.STATUS_EXPLICIT);
        });
        return install(before);
    }

    /** Publishes the snapshot of the tables and returns the tags whose state differs from {@code before}. */
    private Set<Integer> install(GroupSnapshot before) {
        Set<Integer> tags = new TreeSet<>(configured.keySet());
        tags.addAll(overrides.keySet());
        Map<Integer, GroupSnapshot.Group> groups = new TreeMap<>();
        Set<Integer> changed = new TreeSet<>();
        for (int tag : tags) {
            Override o = overrides.get(tag);
            AccessState state = o != null ? o.state() : configured.get(tag);
            groups.put(tag, new GroupSnapshot.Group(tag, state, preferred.getOrDefault(tag, false),
                    status.getOrDefault(tag, GroupSnapshot.STATUS_NONE)));
            if (state != before.state(tag)) {
                changed.add(tag);
            }
        }
        snapshot = new GroupSnapshot(groups.values(), tagByPortal);
        return changed;
    }
}
