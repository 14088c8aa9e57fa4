package org.jstgt.iscsi;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import org.jstgt.api.target.AccessState;
import org.jstgt.api.target.PortalGroup;

/**
 * The portals as target port groups for the SCSI core (SPC-4 §5.16): each portal group (the
 * portal files of one tag) is one group, whose state is the portals' {@code alua.state}. Files of
 * one tag must agree on it and on {@code alua.preferred}; when they do not, the error names both
 * files and the group is unavailable (and not preferred) until they do.
 */
final class PortalGroups {
    private PortalGroups() {
    }

    /**
     * @param portals the open portals
     * @param report receives one message per tag whose files disagree
     * @return one entry per portal, with its group's state
     */
    static List<PortalGroup> resolve(List<Portal> portals, Consumer<String> report) {
        Map<Integer, Portal> first = new LinkedHashMap<>();
        Map<Integer, String> conflicts = new LinkedHashMap<>();
        for (Portal p : portals) {
            Portal f = first.putIfAbsent(p.tag, p);
            PortalAccess a = p.access;
            if (f != null && !conflicts.containsKey(p.tag)
                    && (f.access.state() != a.state() || f.access.preferred() != a.preferred())) {
                conflicts.put(p.tag, "tag " + p.tag + ": " + f.origin + " says " + describe(f.access) + " but "
                        + p.origin + " says " + describe(a));
            }
        }
        conflicts.values().forEach(c -> report.accept(c + "; portal files of one tag form one target port group "
                + "and must agree on " + AccessState.PORTAL_KEY + " and " + AccessState.PREFERRED_KEY
                + "; the group is unavailable until they do"));
        List<PortalGroup> out = new ArrayList<>();
        for (Portal p : portals) {
            boolean conflict = conflicts.containsKey(p.tag);
            out.add(new PortalGroup(p.name, p.tag, conflict ? AccessState.UNAVAILABLE : p.access.state(),
                    !conflict && p.access.preferred()));
        }
        return out;
    }

    /**
     * The ALUA column of {@code iscsi:portal-list}.
     *
     * @param p a portal
     * @param resolved what {@link #resolve} made of the portals
     * @return the group's state as published, {@code , preferred}, and in parentheses what is wrong
     */
    static String column(Portal p, List<PortalGroup> resolved) {
        PortalGroup g = resolved.stream().filter(r -> r.portal().equals(p.name) && r.tag() == p.tag).findFirst()
                .orElse(new PortalGroup(p.name, p.tag, p.access.state(), p.access.preferred()));
        StringBuilder sb = new StringBuilder(g.state().configName());
        if (g.preferred()) {
            sb.append(", preferred");
        }
        if (p.access.problem() != null) {
            sb.append(" (").append(p.access.problem()).append(')');
        } else if (g.state() != p.access.state() || g.preferred() != p.access.preferred()) {
            sb.append(" (portals of tag ").append(p.tag).append(" disagree)");
        }
        return sb.toString();
    }

    private static String describe(PortalAccess a) {
        return a.state().configName() + (a.preferred() ? ", preferred" : "");
    }
}
