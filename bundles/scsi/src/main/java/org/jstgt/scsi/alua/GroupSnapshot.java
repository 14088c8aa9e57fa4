package org.jstgt.scsi.alua;

import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

import org.jstgt.api.target.AccessState;

/**
 * The target port groups at one moment, immutable. A tag no portal names is active/optimized: so
 * is everything before the fabric publishes its portals. {@link #state(int)} is a binary search
 * over an array, without allocation.
 */
public final class GroupSnapshot {
    /** STATUS CODE of REPORT TARGET PORT GROUPS (SPC-4 §6.36): no status available. */
    public static final int STATUS_NONE = 0x00;
    /** The state was altered by SET TARGET PORT GROUPS. */
    public static final int STATUS_EXPLICIT = 0x01;
    /** The state was altered by implicit asymmetric logical unit access behaviour (configuration). */
    public static final int STATUS_IMPLICIT = 0x02;

    /**
     * One target port group.
     *
     * @param tag its identifier (the portal group tag)
     * @param state its asymmetric access state
     * @param preferred PREF
     * @param status STATUS CODE
     */
    public record Group(int tag, AccessState state, boolean preferred, int status) {
    }

    static final GroupSnapshot EMPTY = new GroupSnapshot(List.of(), Map.of());

    private final int[] tags;
    private final Group[] groups;
    private final boolean allActive;
    private final Map<String, Integer> tagByPortal;

    GroupSnapshot(Collection<Group> sorted, Map<String, Integer> tagByPortal) {
        this.groups = sorted.toArray(Group[]::new);
        this.tags = new int[groups.length];
        boolean active = true;
        for (int i = 0; i < groups.length; i++) {
            tags[i] = groups[i].tag();
            active &= groups[i].state().active();
        }
        this.allActive = active;
        this.tagByPortal = Map.copyOf(tagByPortal);
    }

    /** @return true when every group is active (optimized or not): no command is refused anywhere */
    public boolean allActive() {
        return allActive;
    }

    /**
     * @param tag a target port group
     * @return its state; active/optimized when no portal names the tag
     */
    public AccessState state(int tag) {
        int i = Arrays.binarySearch(tags, tag);
        return i < 0 ? AccessState.ACTIVE_OPTIMIZED : groups[i].state();
    }

    /**
     * @param tag a target port group
     * @return the group; an active/optimized one with no status when no portal names the tag
     */
    public Group group(int tag) {
        int i = Arrays.binarySearch(tags, tag);
        return i < 0 ? new Group(tag, AccessState.ACTIVE_OPTIMIZED, false, STATUS_NONE) : groups[i];
    }

    /**
     * The target port groups of a target (SPC-4 §5.16.2.1: those with a port of the target).
     *
     * @param portals the portal names a target is offered on; empty for every portal
     * @param own the group a command came through, always included
     * @return the tags, ascending
     */
    public int[] groupsOf(List<String> portals, int own) {
        TreeSet<Integer> t = new TreeSet<>();
        t.add(own);
        if (portals.isEmpty()) {
            tagByPortal.values().forEach(t::add);
        } else {
            for (String p : portals) {
                Integer tag = tagByPortal.get(p);
                if (tag != null) {
                    t.add(tag);
                }
            }
        }
        return t.stream().mapToInt(Integer::intValue).toArray();
    }

    /**
     * @param portals the portal names a target is offered on; empty for every portal
     * @param tag a target port group
     * @return true when the target has a port in the group
     */
    public boolean offers(List<String> portals, int tag) {
        if (portals.isEmpty()) {
            return tagByPortal.containsValue(tag);
        }
        for (String p : portals) {
            Integer t = tagByPortal.get(p);
            if (t != null && t == tag) {
                return true;
            }
        }
        return false;
    }

    /**
     * @param tag a target port group
     * @return the names of its portals, sorted
     */
    public List<String> portalsOf(int tag) {
        return tagByPortal.entrySet().stream().filter(e -> e.getValue() == tag).map(Map.Entry::getKey).sorted()
                .toList();
    }
}
