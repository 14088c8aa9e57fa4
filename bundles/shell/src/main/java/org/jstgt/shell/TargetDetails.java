package org.jstgt.shell;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.apache.karaf.shell.support.table.ShellTable;
import org.jstgt.api.Sizes;
import org.jstgt.api.mgmt.LunInfo;
import org.jstgt.api.mgmt.PortalInfo;
import org.jstgt.api.mgmt.TargetInfo;

/**
 * What {@code iscsi:target-info <target>} prints: IQN, alias, state, portals with their addresses,
 * the initiators rule, authentication and the negotiation limits set in the file, then its LUN map,
 * its sessions and the keys of its definition.
 */
final class TargetDetails {
    /** Target keys that bound what a login negotiates or what a session may hold, as the files spell them. */
    static final List<String> LIMITS = List.of("queue.depth", "max.recv.data.segment.length", "max.burst.length",
            "first.burst.length", "immediate.data", "initial.r2t", "header.digest", "data.digest", "max.connections",
            "max.outstanding.r2t", "error.recovery.level", "default.time2wait", "default.time2retain", "sessions.max");

    private TargetDetails() {
    }

    /**
     * @param out the console
     * @param t the target
     * @param definition the keys of its file, or null when Config Admin has none
     * @param s everything the views list
     * @param format borders (false for {@code --no-format})
     */
    static void print(PrintStream out, TargetInfo t, Map<String, Object> definition, Snapshot s, boolean format) {
        Map<String, Object> d = definition == null ? Map.of() : definition;
        out.println("Target " + t.name() + " (" + t.origin() + ")");
        facts(t, d, s.portals()).table().print(out, format);
        out.println();
        out.println("LUNs:");
        luns(t, s.luns()).print(out, format);
        out.println();
        out.println("Sessions:");
        Tables.sessions(s.sessionsOf(t.iqn())).print(out, format);
        out.println();
        out.println("Definition:");
        Facts.definition(d, "no configuration in Config Admin (the file was removed?)").print(out, format);
        Tables.printErrors(out, s.errors());
    }

    static Facts facts(TargetInfo t, Map<String, Object> d, List<PortalInfo> portals) {
        return new Facts().add("IQN", t.iqn())
                .add("Alias", t.alias())
                .add("State", t.state())
                .add("Portals", portals(t, portals))
                .add("Initiators", t.initiators().isEmpty() ? "all" : String.join(", ", t.initiators()))
                .add("Authentication", auth(d))
                .add("Limits", limits(d));
    }

    private static String portals(TargetInfo t, List<PortalInfo> all) {
        List<String> out = new ArrayList<>();
        for (String name : t.portals()) {
            PortalInfo p = all.stream().filter(x -> x.name().equals(name)).findFirst().orElse(null);
            out.add(p == null ? name + " (no such portal)"
                    : name + " (tag " + p.tag() + ", " + (p.bound().isEmpty() ? p.state()
                            : String.join(" ", p.bound())) + ")");
        }
        return out.isEmpty() ? "none: no login reaches it" : String.join(", ", out);
    }

    private static String auth(Map<String, Object> d) {
        Object auth = d.get("auth");
        String policy = auth == null || auth.toString().isBlank() ? "none" : auth.toString().trim();
        Object groups = d.get("auth.groups");
        return policy + (groups == null || groups.toString().isBlank() ? "" : " (accepts " + groups.toString().trim()
                + ")");
    }

    private static String limits(Map<String, Object> d) {
        List<String> set = new ArrayList<>();
        for (String k : LIMITS) {
            Object v = d.get(k);
            if (v != null && !v.toString().isBlank()) {
                set.add(k + " = " + v.toString().trim());
            }
        }
        return set.isEmpty() ? "defaults" : String.join(", ", set);
    }

    static ShellTable luns(TargetInfo t, List<LunInfo> luns) {
        ShellTable table = new ShellTable().emptyTableText("no LUNs mapped (iscsi:lun-map)");
        table.column("LUN").alignRight();
        table.column("Name");
        table.column("Device");
        table.column("Size").alignRight();
        table.column("State");
        for (String entry : t.luns()) {
            int eq = entry.indexOf('=');
            String number = entry.substring(0, eq);
            String rest = entry.substring(eq + 1);
            String name = rest.endsWith(" (missing)") ? rest.substring(0, rest.length() - " (missing)".length()) : rest;
            LunInfo l = luns.stream().filter(x -> x.name().equals(name)).findFirst().orElse(null);
            if (l == null) {
                table.addRow().addContent(number, name, "-", "-", "MISSING (no etc/jstgt.lun-" + name + ".cfg)");
            } else {
                table.addRow().addContent(number, name, l.deviceType(), Sizes.format(l.sizeBytes()),
                        l.readOnly() ? l.state() + " (read-only)" : l.state());
            }
        }
        return table;
    }
}
