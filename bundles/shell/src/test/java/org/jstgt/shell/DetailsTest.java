package org.jstgt.shell;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import org.jstgt.api.media.RemovableMedium;
import org.jstgt.api.mgmt.ConnectionInfo;
import org.jstgt.api.mgmt.IoStats;
import org.jstgt.api.mgmt.LatencyHistogram;
import org.jstgt.api.mgmt.LunInfo;
import org.jstgt.api.mgmt.ManagementView;
import org.jstgt.api.mgmt.PortalInfo;
import org.jstgt.api.mgmt.ReservationInfo;
import org.jstgt.api.mgmt.SessionDetail;
import org.jstgt.api.mgmt.SessionInfo;
import org.jstgt.api.mgmt.TargetInfo;
import org.junit.jupiter.api.Test;

/**
 * {@code iscsi:lun-info}, {@code target-info}, {@code session-info}, {@code session-logout} and
 * {@code show} over views as the SCSI core and the iSCSI fabric register them.
 */
class DetailsTest {
    private static final String DEMO = "iqn.2026-11.org.jstgt:demo";

    private static final ManagementView CORE = new ManagementView() {
        @Override
        public List<LunInfo> luns() {
            return List.of(
                    new LunInfo("disk0", "/etc/jstgt.lun-disk0.cfg", "disk", "file", 1L << 30, 512,
                            "/var/jstgt/disk0.img", false, "OFFLINE", List.of("demo:0")),
                    new LunInfo("cd0", "/etc/jstgt.lun-cd0.cfg", "dvd", "", 0, 2048, null, true, "ACTIVE",
                            List.of()));
        }

        @Override
        public List<TargetInfo> targets() {
            return List.of(new TargetInfo("demo", "/etc/jstgt.target-demo.cfg", DEMO, "Demo", List.of("local"),
                    List.of("0=disk0", "1=gone (missing)"), List.of("!iqn.bad", "iqn.good:*"), "ACTIVE"));
        }

        @Override
        public Map<String, IoStats> lunStats() {
            long[] buckets = new long[LatencyHistogram.BUCKETS];
            buckets[LatencyHistogram.bucketOf(100_000)] = 4;
            return Map.of("disk0", new IoStats(4, 2, 1, 16384, 8192, Map.of("NOT READY", 3L), 1, 0,
                    new LatencyHistogram(buckets, 400_000), LatencyHistogram.empty()));
        }
    };

    private static final SessionInfo NORMAL = new SessionInfo(7, "Normal", "iqn.i", "80123456789a", DEMO, 1,
            List.of("127.0.0.1:40000"), 3, List.of("HeaderDigest=CRC32C", "ErrorRecoveryLevel=0"), "CHAP user 'alice'");
    private static final SessionInfo DISCOVERY = new SessionInfo(2, "Discovery", "iqn.d", "80123456789b", "", 1,
            List.of("127.0.0.1:40001"), 0, List.of(), "");

    private static final ManagementView FABRIC = new ManagementView() {
        @Override
        public List<PortalInfo> portals() {
            return List.of(new PortalInfo("local", "/etc/jstgt.portal-local.cfg", 1, List.of("127.0.0.1:3260"),
                    List.of("127.0.0.1:3260"), "epoll", "LISTENING"));
        }

        @Override
        public List<SessionInfo> sessions() {
            return List.of(NORMAL, DISCOVERY);
        }

        @Override
        public Optional<SessionDetail> session(int tsih) {
            return tsih != 7 ? Optional.empty() : Optional.of(new SessionDetail(NORMAL, List.of(
                    new ConnectionInfo(1, "127.0.0.1:3260", "127.0.0.1:40000", "FULL_FEATURE", "CRC32C", "None",
                            262144, 65536, 42)), 10, 137, 0, IoStats.EMPTY));
        }
    };

    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);

    private List<String> lines() {
        return bytes.toString(StandardCharsets.UTF_8).lines().map(String::stripTrailing).toList();
    }

    /** @return the value cell of the --no-format row whose first cell is {@code property} */
    private String value(String property) {
        return lines().stream().map(l -> l.split("\t")).filter(c -> c[0].strip().equals(property))
                .map(c -> c[1].strip()).findFirst().orElseThrow(() -> new AssertionError(property + " in " + lines()));
    }

    private static Snapshot snapshot() {
        return Snapshot.of(List.of(FABRIC, CORE));
    }

    @Test
    void lunInfoShowsStateStoreMappingsReservationsMediumStatsAndTheDefinition() {
        Snapshot s = snapshot();
        RemovableMedium medium = new RemovableMedium() {
            @Override
            public Optional<String> loaded() {
                return Optional.of("/srv/iso/a.iso");
            }

            @Override
            public CompletionStage<Void> load(String path) {
                return CompletableFuture.completedFuture(null);
            }

            @Override
            public CompletionStage<Void> unload(boolean force) {
                return CompletableFuture.completedFuture(null);
            }

            @Override
            public boolean removalPrevented() {
                return true;
            }
        };
        Map<String, Object> def = new LinkedHashMap<>();
        def.put("device.type", "disk");
        def.put("offline", "true");
        LunDetails.print(out, new LunDetails.Lun(s.requireLun("disk0"), def,
                Optional.of(new ReservationInfo("disk0", 5, false, "WE", List.of(
                        new ReservationInfo.Registration(1, "iqn.i,i,0x1", "", true)), "")),
                Optional.of(medium), s.lunStats().get("disk0")), s.targets(), s.errors(), false);
        assertEquals("LUN disk0 (/etc/jstgt.lun-disk0.cfg)", lines().get(0));
        assertEquals("OFFLINE", value("State"));
        assertEquals("file: /var/jstgt/disk0.img", value("Store"));
        assertEquals("1 GiB (1073741824 bytes)", value("Size"));
        assertEquals("demo:0 (" + DEMO + ")", value("Mapped"));
        assertEquals("persistent WE, 1 registration(s), PRgeneration 5 (iscsi:pr-list disk0)", value("Reservations"));
        assertTrue(value("Medium").startsWith("/srv/iso/a.iso"), value("Medium"));
        assertTrue(value("Medium").endsWith("removal prevented"), value("Medium"));
        assertEquals("4 reads (16 KiB), 2 writes (8 KiB), 1 other; 0 in flight, 1 busy; errors: NOT READY 3",
                value("I/O"));
        assertTrue(value("Read latency").startsWith("mean 100.0 us"), value("Read latency"));
        assertEquals("-", value("Write latency"));
        assertEquals("true", value("offline"), "the definition's keys follow");
    }

    @Test
    void lunInfoOfALunWithoutStoreOrMappingAndWithoutStats() {
        Snapshot s = snapshot();
        LunDetails.print(out, new LunDetails.Lun(s.requireLun("cd0"), null, Optional.empty(), Optional.empty(), null),
                s.targets(), s.errors(), false);
        assertEquals("ACTIVE (read-only)", value("State"));
        assertEquals("-", value("Store"));
        assertEquals("not mapped", value("Mapped"));
        assertTrue(lines().stream().noneMatch(l -> l.startsWith("I/O")), "no counters: no row");
    }

    @Test
    void unknownNamesAreErrorsListingTheKnownOnes() {
        Snapshot s = snapshot();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> s.requireLun("nope"));
        assertEquals("no LUN 'nope' (etc/jstgt.lun-nope.cfg); known: cd0, disk0", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> s.requireTarget("nope"));
        assertEquals("no target 'nope' (etc/jstgt.target-nope.cfg); known: demo", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> SessionLogoutCommand.logout(s, 9, false));
        assertEquals("no session with TSIH 0x0009 (it logged out, or see iscsi:session-list); known: 0x0002, 0x0007",
                e.getMessage());
        assertEquals(7, Facts.parseTsih("0x0007"));
        assertEquals(7, Facts.parseTsih("7"));
        for (String bad : List.of("0", "65536", "x7", "")) {
            e = assertThrows(IllegalArgumentException.class, () -> Facts.parseTsih(bad));
            assertTrue(e.getMessage().contains("is not a TSIH"), e.getMessage());
        }
    }

    @Test
    void targetInfoShowsPortalsAclAuthLimitsLunMapAndSessions() {
        Snapshot s = snapshot();
        Map<String, Object> def = new LinkedHashMap<>();
        def.put("iqn", DEMO);
        def.put("auth", "chap");
        def.put("auth.groups", "alice");
        def.put("queue.depth", "64");
        def.put("header.digest", "CRC32C");
        TargetDetails.print(out, s.requireTarget("demo"), def, s, false);
        assertEquals("Target demo (/etc/jstgt.target-demo.cfg)", lines().get(0));
        assertEquals(DEMO, value("IQN"));
        assertEquals("local (tag 1, 127.0.0.1:3260)", value("Portals"));
        assertEquals("!iqn.bad, iqn.good:*", value("Initiators"));
        assertEquals("chap (accepts alice)", value("Authentication"));
        assertEquals("queue.depth = 64, header.digest = CRC32C", value("Limits"));
        String all = String.join("\n", lines());
        assertTrue(all.contains("0\tdisk0\tdisk\t1 GiB\tOFFLINE") || lines().stream().anyMatch(
                l -> List.of(l.split("\t")).stream().map(String::strip).toList()
                        .equals(List.of("0", "disk0", "disk", "1 GiB", "OFFLINE"))), all);
        assertTrue(lines().stream().anyMatch(l -> l.strip().startsWith("1") && l.contains("gone")
                && l.contains("MISSING")), all);
        assertTrue(lines().stream().anyMatch(l -> l.contains("0x0007") && l.contains("iqn.i")), "its session: " + all);
        assertTrue(lines().stream().noneMatch(l -> l.contains("0x0002")), "not the discovery session");
    }

    @Test
    void sessionInfoShowsTheWindowConnectionsAndNegotiatedKeys() {
        SessionDetails.print(out, FABRIC.session(7).orElseThrow(), List.of(), false);
        assertEquals("Session 0x0007 (Normal)", lines().get(0));
        assertEquals("ExpCmdSN 10, MaxCmdSN 137 (128 open)", value("Command window"));
        assertEquals("CHAP user 'alice'", value("Authenticated"));
        assertEquals("3", value("In flight"));
        assertEquals("0", value("ErrorRecoveryLevel"));
        assertTrue(lines().stream().anyMatch(l -> List.of(l.split("\t")).stream().map(String::strip).toList().equals(
                List.of("1", "127.0.0.1:3260", "127.0.0.1:40000", "FULL_FEATURE", "CRC32C", "None", "262144", "65536",
                        "42"))), lines().toString());
        assertEquals("CRC32C", value("HeaderDigest"), "a negotiated key");
    }

    @Test
    void logoutSaysWhoWasAsked() {
        assertEquals("Session 0x0007 of iqn.i on " + DEMO + " asked to log out; its connections are closed if it "
                + "has not logged out after the grace period (iscsi:session-list shows when it is gone).",
                SessionLogoutCommand.logout(snapshot(), 7, true));
    }

    @Test
    void showPrintsTheWholeTree() {
        Tree.print(out, snapshot(), true);
        List<String> l = lines();
        assertEquals(List.of(
                "iscsi",
                "o- portals [1]",
                "|  o- local [tag 1, 127.0.0.1:3260, LISTENING]",
                "o- luns [2]",
                "|  o- cd0 [dvd, 0 B, ACTIVE, read-only, not mapped]",
                "|  o- disk0 [disk/file, 1 GiB, OFFLINE]",
                "o- targets [1]",
                "|  o- demo [" + DEMO + ", \"Demo\", ACTIVE]",
                "|     o- portals [local]",
                "|     o- luns [2]",
                "|     |  o- 0 -> disk0 [OFFLINE]",
                "|     |  o- 1 -> gone [MISSING]",
                "|     o- acl [2 rule(s)]",
                "|     |  o- !iqn.bad",
                "|     |  o- iqn.good:*",
                "|     o- sessions [1]",
                "|        o- 0x0007 [iqn.i, 127.0.0.1:40000, 3 in flight]",
                "o- discovery sessions [1]",
                "   o- 0x0002 [iqn.d, 127.0.0.1:40001, 0 in flight]"), l);
    }

    @Test
    void showWithoutFormatIndentsOnly() {
        Tree.print(out, snapshot(), false);
        assertEquals("  portals [1]", lines().get(1));
        assertEquals("    local [tag 1, 127.0.0.1:3260, LISTENING]", lines().get(2));
    }
}
