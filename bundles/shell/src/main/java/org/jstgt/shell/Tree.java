package org.jstgt.shell;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;

import org.jstgt.api.Sizes;
import org.jstgt.api.mgmt.LunInfo;
import org.jstgt.api.mgmt.PortalInfo;
import org.jstgt.api.mgmt.SessionInfo;
import org.jstgt.api.mgmt.TargetInfo;

/**
 * What {@code iscsi:show} prints: the whole configuration and its live state as one tree, as
 * targetcli's {@code ls} does: portals, LUNs (with their state and where they are mapped), targets
 * with their LUN map, initiators rule and sessions, and the discovery sessions.
 */
final class Tree {
    /** One node: its text and its children. */
    private record Node(String text, List<Node> children) {
        Node(String text) {
            this(text, new ArrayList<>());
        }

        Node add(Node child) {
            children.add(child);
            return this;
        }
    }

    private Tree() {
    }

    /**
     * @param out the console
     * @param s everything the views list
     * @param format tree lines (false for {@code --no-format}: indentation only)
     */
    static void print(PrintStream out, Snapshot s, boolean format) {
        Node root = build(s);
        out.println(root.text());
        List<Node> c = root.children();
        for (int i = 0; i < c.size(); i++) {
            print(out, c.get(i), format ? "" : "  ", i == c.size() - 1, format);
        }
        Tables.printErrors(out, s.errors());
    }

    private static void print(PrintStream out, Node n, String indent, boolean last, boolean format) {
        out.println(indent + (format ? "o- " : "") + n.text());
        String next = indent + (format ? (last ? "   " : "|  ") : "  ");
        for (int i = 0; i < n.children().size(); i++) {
            print(out, n.children().get(i), next, i == n.children().size() - 1, format);
        }
    }

    private static Node build(Snapshot s) {
        Node root = new Node("iscsi");
        Node portals = new Node("portals [" + s.portals().size() + "]");
        for (PortalInfo p : s.portals()) {
            portals.add(new Node(p.name() + " [tag " + p.tag() + ", " + (p.bound().isEmpty() ? String.join(" ", p.listen())
                    : String.join(" ", p.bound())) + ", " + p.state() + "]"));
        }
        root.add(portals);
        Node luns = new Node("luns [" + s.luns().size() + "]");
        for (LunInfo l : s.luns()) {
            luns.add(new Node(l.name() + " [" + l.deviceType() + (l.storeType().isEmpty() ? "" : "/" + l.storeType())
                    + ", " + Sizes.format(l.sizeBytes()) + ", " + l.state() + (l.readOnly() ? ", read-only" : "")
                    + (l.mappings().isEmpty() ? ", not mapped" : "") + "]"));
        }
        root.add(luns);
        Node targets = new Node("targets [" + s.targets().size() + "]");
        for (TargetInfo t : s.targets()) {
            targets.add(target(t, s));
        }
        root.add(targets);
        List<SessionInfo> discovery = s.sessions().stream().filter(x -> x.targetName().isEmpty()).toList();
        Node d = new Node("discovery sessions [" + discovery.size() + "]");
        discovery.forEach(x -> d.add(session(x)));
        root.add(d);
        return root;
    }

    private static Node target(TargetInfo t, Snapshot s) {
        Node n = new Node(t.name() + " [" + t.iqn() + (t.alias().isEmpty() ? "" : ", \"" + t.alias() + "\"") + ", "
                + t.state() + "]");
        n.add(new Node("portals [" + (t.portals().isEmpty() ? "none" : String.join(", ", t.portals())) + "]"));
        Node luns = new Node("luns [" + t.luns().size() + "]");
        for (String entry : t.luns()) {
            int eq = entry.indexOf('=');
            String name = entry.substring(eq + 1).replace(" (missing)", "");
            String state = s.lun(name).map(LunInfo::state).orElse("MISSING");
            luns.add(new Node(entry.substring(0, eq) + " -> " + name + " [" + state + "]"));
        }
        n.add(luns);
        Node acl = new Node("acl [" + (t.initiators().isEmpty() ? "all initiators" : t.initiators().size() + " rule(s)")
                + "]");
        t.initiators().forEach(r -> acl.add(new Node(r)));
        n.add(acl);
        List<SessionInfo> sessions = s.sessionsOf(t.iqn());
        Node sn = new Node("sessions [" + sessions.size() + "]");
        sessions.forEach(x -> sn.add(session(x)));
        n.add(sn);
        return n;
    }

    private static Node session(SessionInfo x) {
        return new Node(Facts.tsih(x.tsih()) + " [" + x.initiatorName() + ", "
                + (x.connections().isEmpty() ? "no connection" : String.join(" ", x.connections())) + ", "
                + x.commandsInFlight() + " in flight]");
    }
}
