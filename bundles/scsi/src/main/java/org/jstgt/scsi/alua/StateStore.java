package org.jstgt.scsi.alua;

import java.util.List;

import org.jstgt.api.target.AccessState;

/**
 * Where a state set by SET TARGET PORT GROUPS is kept across restarts: the {@code alua.state} key
 * of the group's portal configurations (the OSGi component writes it through Config Admin).
 */
@FunctionalInterface
public interface StateStore {
    /** Keeps nothing: the state lasts until the portal configuration changes or the core restarts. */
    StateStore NONE = (tag, state, portals) -> {
    };

    /**
     * Persists a group's new state. Called on the thread that ran the command: must not block.
     *
     * @param tag the target port group
     * @param state its new state
     * @param portals the names of its portals
     */
    void save(int tag, AccessState state, List<String> portals);
}
