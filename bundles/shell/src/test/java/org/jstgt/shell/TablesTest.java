package org.jstgt.shell;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

import org.apache.karaf.shell.support.table.ShellTable;
import org.jstgt.api.mgmt.LunInfo;
import org.jstgt.api.mgmt.ManagementView;
import org.jstgt.api.mgmt.PortalInfo;
import org.jstgt.api.mgmt.SessionInfo;
import org.jstgt.api.mgmt.TargetInfo;
import org.junit.jupiter.api.Test;

class TablesTest {

    /** What the SCSI core registers: LUNs and targets. */
    private static final ManagementView CORE = new ManagementView() {
        @Override
        public List<LunInfo> luns() {
            return List.of(
                    new LunInfo("disk0", "/etc/jstgt.lun-disk0.cfg", "disk", "file", 1L << 30, 512,
                            "/var/jstgt/disk0.img", false, "ACTIVE", List.of("demo:0")),
                    new LunInfo("cd", "/etc/jstgt.lun-cd.cfg", "dvd", "rbd", 0, 2048, null, true,
                            "WAITING(store.type=rbd)", List.of()));
        }

        @Override
        public List<TargetInfo> targets() {
            return List.of(new TargetInfo("demo", "/etc/jstgt.target-demo.cfg", "iqn.2026-11.org.jstgt:demo", "Demo",
                    List.of("local"), List.of("0=disk0"), List.of(), "ACTIVE"));
        }
    };

    /** What the iSCSI fabric registers: portals and sessions. */
    private static final ManagementView FABRIC = new ManagementView() {
        @Override
        public List<PortalInfo> portals() {
            return List.of(new PortalInfo("local", "/etc/jstgt.portal-local.cfg", 1,
                    List.of("127.0.0.1:3260", "[::1]:3260"), List.of("127.0.0.1:3260"), "epoll",
                    "FAILED([::1]:3260: address not available)", "standby, preferred"));
        }

        @Override
        public List<SessionInfo> sessions() {
            return List.of(
                    new SessionInfo(7, "Normal", "iqn.i", "80123456789a", "iqn.2026-11.org.jstgt:demo", 1,
                            List.of("127.0.0.1:40000"), 3, List.of("HeaderDigest=None"), "CHAP user 'alice'"),
                    new SessionInfo(2, "Discovery", "iqn.i", "80123456789b", "", 1, List.of("127.0.0.1:40001"), 0,
                            List.of(), ""));
        }
    };

    private static final ManagementView BROKEN = new ManagementView() {
        @Override
        public List<LunInfo> luns() {
            throw new IllegalStateException("registry closed");
        }
    };

    private static String render(ShellTable t, boolean format) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        // US-ASCII selects Karaf's ASCII borders: '|' between columns, '-' and '+' under the header
        t.print(new PrintStream(bytes, true, StandardCharsets.UTF_8), StandardCharsets.US_ASCII, format);
        return bytes.toString(StandardCharsets.UTF_8);
    }

    private static List<String> lines(String s) {
        return s.lines().map(String::stripTrailing).toList();
    }

    @Test
    void lunsFromAllViewsAreMergedSortedAndHumanSized() {
        Views.Listing<LunInfo> l = Views.merge(List.of(FABRIC, CORE), ManagementView::luns).sorted(Views.LUN_ORDER);
        assertEquals(List.of("cd", "disk0"), l.items().stream().map(LunInfo::name).toList());
        List<String> out = lines(render(Tables.luns(l.items()), true));
        assertEquals(4, out.size(), out.toString());
        assertTrue(out.get(0).matches("Name\\s+\\| Device \\| Store \\| +Size \\| Block \\| Path\\s+\\| State\\s+\\| Mapped"),
                out.get(0));
        assertTrue(out.get(1).matches("[-+]+"), out.get(1));
        assertTrue(out.get(2).matches("cd\\s+\\| dvd\\s+\\| rbd\\s+\\| +0 B \\| +2048 \\|\\s+\\| "
                + "WAITING\\(store.type=rbd\\) \\(read-only\\) \\| -"), out.get(2));
        assertTrue(out.get(3).matches("disk0 \\| disk\\s+\\| file\\s+\\| 1 GiB \\| +512 \\| /var/jstgt/disk0.img \\| "
                + "ACTIVE\\s+\\| demo:0"), out.get(3));
    }

    @Test
    void targetsShowAllInitiatorsWhenAclEmpty() {
        List<String> out = lines(render(Tables.targets(Views.merge(List.of(CORE, FABRIC), ManagementView::targets)
                .items()), true));
        assertEquals(3, out.size(), out.toString());
        assertTrue(out.get(0).matches("Name \\| IQN\\s+\\| Alias \\| Portals \\| LUNs\\s+\\| Initiators \\| State"),
                out.get(0));
        assertTrue(out.get(2).matches("demo \\| iqn.2026-11.org.jstgt:demo \\| Demo\\s+\\| local\\s+\\| 0=disk0 \\| all"
                + "\\s+\\| ACTIVE"), out.get(2));
    }

    @Test
    void targetsShowTheirAclInOrderWithDenials() {
        List<String> out = lines(render(Tables.targets(List.of(new TargetInfo("demo", "/etc/jstgt.target-demo.cfg",
                "iqn.2026-11.org.jstgt:demo", "", List.of(), List.of(), List.of("!iqn.2026-11.org.example:bad",
                        "iqn.2026-11.org.example:*", "10.0.0.0/8"), "ACTIVE"))), true));
        assertTrue(out.get(2).contains("| !iqn.2026-11.org.example:bad, iqn.2026-11.org.example:*, 10.0.0.0/8 |"),
                out.get(2));
    }

    @Test
    void portalsListConfiguredAndBoundAddresses() {
        List<String> out = lines(render(Tables.portals(Views.merge(List.of(CORE, FABRIC), ManagementView::portals)
                .items()), true));
        assertEquals(3, out.size(), out.toString());
        assertTrue(out.get(0).matches("Name\\s+\\| Tag \\| Listen\\s+\\| Bound\\s+\\| Transport \\| State\\s+\\| ALUA"),
                out.get(0));
        assertTrue(out.get(2).matches("local \\| +1 \\| 127.0.0.1:3260, \\[::1\\]:3260 \\| 127.0.0.1:3260 \\| epoll\\s+\\| "
                + "FAILED\\(\\[::1\\]:3260: address not available\\) \\| standby, preferred"), out.get(2));
    }

    @Test
    void sessionsSortedByTsihWithDiscoveryTargetDashed() {
        Views.Listing<SessionInfo> l = Views.merge(List.of(CORE, FABRIC), ManagementView::sessions)
                .sorted(Views.SESSION_ORDER);
        List<String> out = lines(render(Tables.sessions(l.items()), true));
        assertEquals(4, out.size(), out.toString());
        assertTrue(out.get(0).matches("  TSIH \\| Type\\s+\\| Initiator \\| ISID\\s+\\| Target\\s+\\| Tag \\| Connections\\s+"
                + "\\| In-flight \\| Authenticated"), out.get(0));
        assertTrue(out.get(2).matches("0x0002 \\| Discovery \\| iqn.i\\s+\\| 80123456789b \\| -\\s+\\| +1 \\| "
                + "127.0.0.1:40001 \\| +0 \\| -"), out.get(2));
        assertTrue(out.get(3).matches("0x0007 \\| Normal\\s+\\| iqn.i\\s+\\| 80123456789a \\| iqn.2026-11.org.jstgt:demo \\| "
                + "+1 \\| 127.0.0.1:40000 \\| +3 \\| CHAP user 'alice'"), out.get(3));
    }

    @Test
    void noFormatPrintsTabSeparatedRowsWithoutHeader() {
        List<String> out = lines(render(Tables.portals(FABRIC.portals()), false));
        assertEquals(1, out.size(), out.toString());
        List<String> cells = List.of(out.get(0).split("\t")).stream().map(String::strip).toList();
        assertEquals(List.of("local", "1", "127.0.0.1:3260, [::1]:3260", "127.0.0.1:3260", "epoll",
                "FAILED([::1]:3260: address not available)", "standby, preferred"), cells);
    }

    @Test
    void emptyListingSaysWhereConfigurationLives() {
        String out = render(Tables.luns(List.of()), true);
        assertTrue(out.contains("no LUNs configured (etc/jstgt.lun-<name>.cfg)"), out);
    }

    @Test
    void failingViewIsReportedAndOthersStillListed() {
        Views.Listing<LunInfo> l = Views.merge(List.of(BROKEN, CORE), ManagementView::luns);
        assertEquals(2, l.items().size());
        assertEquals(1, l.errors().size());
        assertTrue(l.errors().get(0).contains("registry closed"), l.errors().get(0));
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        Tables.printErrors(new PrintStream(bytes, true, StandardCharsets.UTF_8), l.errors());
        assertTrue(bytes.toString(StandardCharsets.UTF_8).startsWith("warning: incomplete listing, "));
    }
}
