package org.jstgt.shell;

import java.io.PrintStream;
import java.util.List;

import org.apache.karaf.shell.support.table.ShellTable;
import org.jstgt.api.Sizes;
import org.jstgt.api.mgmt.LunInfo;
import org.jstgt.api.mgmt.PortalInfo;
import org.jstgt.api.mgmt.ReservationInfo;
import org.jstgt.api.mgmt.SessionInfo;
import org.jstgt.api.mgmt.TargetInfo;

/** The tables the {@code iscsi:*-list} commands print. */
final class Tables {
    private Tables() {
    }

    static ShellTable luns(List<LunInfo> luns) {
        ShellTable t = new ShellTable().emptyTableText("no LUNs configured (etc/jstgt.lun-<name>.cfg)");
        t.column("Name");
        t.column("Device");
        t.column("Store");
        t.column("Size").alignRight();
        t.column("Block").alignRight();
        t.column("Path");
        t.column("State");
        t.column("Mapped");
        for (LunInfo l : luns) {
            t.addRow().addContent(l.name(), l.deviceType(), l.storeType(), Sizes.format(l.sizeBytes()),
                    l.blockSize(), l.path() == null ? "" : l.path(),
                    l.readOnly() ? l.state() + " (read-only)" : l.state(), join(l.mappings(), "-"));
        }
        return t;
    }

    static ShellTable media(List<List<String>> rows) {
        ShellTable t = new ShellTable().emptyTableText("no dvd or tape LUNs configured");
        t.column("LUN");
        t.column("Device");
        t.column("Medium");
        t.column("State");
        t.column("Prevented");
        rows.forEach(r -> t.addRow().addContent(r.toArray()));
        return t;
    }

    static ShellTable elements(List<List<String>> rows) {
        ShellTable t = new ShellTable().emptyTableText("the changer has no elements");
        t.column("Address").alignRight();
        t.column("Element");
        t.column("Status");
        t.column("Barcode");
        t.column("Drive LUN");
        t.column("Accessible");
        rows.forEach(r -> t.addRow().addContent(r.toArray()));
        return t;
    }

    static ShellTable targets(List<TargetInfo> targets) {
        ShellTable t = new ShellTable().emptyTableText("no targets configured (etc/jstgt.target-<name>.cfg)");
        t.column("Name");
        t.column("IQN");
        t.column("Alias");
        t.column("Portals");
        t.column("LUNs");
        t.column("Initiators");
        t.column("State");
        for (TargetInfo x : targets) {
            t.addRow().addContent(x.name(), x.iqn(), x.alias(), join(x.portals(), "-"), join(x.luns(), "-"),
                    join(x.initiators(), "all"), x.state());
        }
        return t;
    }

    static ShellTable portals(List<PortalInfo> portals) {
        ShellTable t = new ShellTable().emptyTableText("no portals configured (etc/jstgt.portal-<name>.cfg)");
        t.column("Name");
        t.column("Tag").alignRight();
        t.column("Listen");
        t.column("Bound");
        t.column("Transport");
        t.column("State");
        t.column("ALUA");
        for (PortalInfo p : portals) {
            t.addRow().addContent(p.name(), p.tag(), join(p.listen(), "-"), join(p.bound(), "-"), p.transport(),
                    p.state(), p.alua());
        }
        return t;
    }

    static ShellTable sessions(List<SessionInfo> sessions) {
        ShellTable t = new ShellTable().emptyTableText("no sessions");
        t.column("TSIH").alignRight();
        t.column("Type");
        t.column("Initiator");
        t.column("ISID");
        t.column("Target");
        t.column("Tag").alignRight();
        t.column("Connections");
        t.column("In-flight").alignRight();
        t.column("Authenticated");
        for (SessionInfo s : sessions) {
            t.addRow().addContent(String.format("0x%04x", s.tsih()), s.type(), s.initiatorName(), s.isid(),
                    s.targetName().isEmpty() ? "-" : s.targetName(), s.portalTag(), join(s.connections(), "-"),
                    s.commandsInFlight(), s.authentication().isEmpty() ? "-" : s.authentication());
        }
        return t;
    }

    /** @return the line above a LUN's registrations: its reservations, PRgeneration and APTPL */
    static String reservationSummary(ReservationInfo r) {
        String holder = r.registrations().stream().filter(ReservationInfo.Registration::holder)
                .map(x -> key(x.key())).findFirst().orElse("?");
        String reservation = r.type().isEmpty() ? "no persistent reservation"
                : "persistent reservation " + r.type() + " held by "
                        + (r.type().endsWith("-AR") ? "every registrant" : "key " + holder);
        return "LUN " + r.lun() + ": " + reservation + ", PRgeneration " + r.generation() + ", APTPL "
                + (r.aptpl() ? "on" : "off") + (r.spc2Holder().isEmpty() ? "" : "; RESERVE held by " + r.spc2Holder());
    }

    static ShellTable registrations(ReservationInfo r) {
        ShellTable t = new ShellTable().emptyTableText("no registrations");
        t.column("Key");
        t.column("Initiator port");
        t.column("Target port");
        t.column("Holder");
        for (ReservationInfo.Registration x : r.registrations()) {
            t.addRow().addContent(key(x.key()), x.initiatorPort(), x.targetPort().isEmpty() ? "all" : x.targetPort(),
                    x.holder() ? "yes" : "-");
        }
        return t;
    }

    private static String key(long key) {
        return String.format("0x%016x", key);
    }

    /**
     * Prints a table and then one warning line per failing view.
     *
     * @param out the console
     * @param table the table
     * @param errors failures
     * @param format borders and header separator (false for {@code --no-format})
     */
    static void print(PrintStream out, ShellTable table, List<String> errors, boolean format) {
        table.print(out, format);
        printErrors(out, errors);
    }

    static void printErrors(PrintStream out, List<String> errors) {
        for (String e : errors) {
            out.println("warning: incomplete listing, " + e);
        }
    }

    private static String join(List<String> items, String empty) {
        return items.isEmpty() ? empty : String.join(", ", items);
    }
}
