package org.jstgt.shell.importer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.jstgt.shell.importer.ImportPlan.Planned;
import org.junit.jupiter.api.Test;

/** istgt's configuration into jstgt's: the shipped samples, every unit type, and what is refused. */
class IstgtImportTest {
    private static final Path SAMPLES = Path.of("src/test/resources/org/jstgt/shell/importer");

    private static IstgtConf sample(String name) throws Exception {
        return IstgtConf.read(SAMPLES.resolve(name));
    }

    private static Map<String, Map<String, String>> byFile(ImportPlan plan) {
        Map<String, Map<String, String>> m = new LinkedHashMap<>();
        for (Planned p : plan.configs()) {
            m.put(p.singleton() ? p.factoryPid() : p.factoryPid() + "-" + p.name(), p.properties());
        }
        return m;
    }

    private static ImportPlan convert(String conf, String auth) throws Exception {
        return IstgtImport.convert(IstgtConf.parse("istgt.conf", conf),
                auth == null ? null : IstgtConf.parse("auth.conf", auth));
    }

    @Test
    void istgtsOwnSampleConvertsToTheseKeys() throws Exception {
        ImportPlan plan = IstgtImport.convert(sample("istgt.conf"), sample("auth.conf"));
        assertEquals(List.of(), plan.errors());
        Map<String, Map<String, String>> files = byFile(plan);
        assertEquals(List.of("jstgt.auth-ag1", "jstgt.auth-ag1_2", "jstgt.lun-disk1_lun0", "jstgt.portal-pg1",
                "jstgt.target-disk1"), List.copyOf(files.keySet()));
        assertEquals(Map.of("chap.user", "iqn.1991-05.com.microsoft:saturn", "chap.secret", "1234567890abcdef",
                "mutual.user", "iqn.2007-09.jp.ne.peach:disk1", "mutual.secret", "mutualtestxx"),
                files.get("jstgt.auth-ag1"));
        assertEquals(Map.of("chap.user", "iqn.1991-05.com.microsoft:athena", "chap.secret", "abcdefghijklmnop"),
                files.get("jstgt.auth-ag1_2"));
        assertEquals(Map.of("device.type", "disk", "store.type", "file", "store.path", "/tank/iscsi/istgt-disk1",
                "size", "10GiB"), files.get("jstgt.lun-disk1_lun0"));
        assertEquals(Map.of("listen", "192.168.2.36:3260", "tag", "1", "nop.interval", "20"),
                files.get("jstgt.portal-pg1"));
        assertEquals(List.of("iqn", "alias", "portals", "initiators", "auth", "auth.groups", "lun.0"),
                List.copyOf(files.get("jstgt.target-disk1").keySet()));
        assertEquals(Map.of("iqn", "iqn.2007-09.jp.ne.peach.istgt:disk1", "alias", "Data Disk1", "portals", "pg1",
                "initiators", "192.168.2.0/24", "auth", "none", "auth.groups", "ag1, ag1_2", "lun.0", "disk1_lun0"),
                files.get("jstgt.target-disk1"));
        Planned ag1 = plan.configs().get(0);
        assertEquals(Set.of("chap.secret", "mutual.secret"), ag1.secrets());
        assertEquals("********", ag1.shown("chap.secret"));
        assertEquals("src/test/resources/org/jstgt/shell/importer/auth.conf:13", ag1.source());

        List<String> notes = plan.notes().stream().map(ImportPlan.Note::toString).toList();
        String conf = "src/test/resources/org/jstgt/shell/importer/istgt.conf:";
        assertTrue(notes.contains(conf + "35: [Global] Timeout: no socket I/O timeout in jstgt; portals have "
                + "login.timeout and nop.timeout"), String.join("\n", notes));
        assertTrue(notes.contains(conf + "45: [Global] MaxSessions: istgt's is for the whole daemon; jstgt limits "
                + "sessions per target (sessions.max, default 64)"));
        assertTrue(notes.contains(conf + "69: [UnitControl]: istgtcontrol's unit controller (its portal, AuthGroup "
                + "and Netmask) is not imported: jstgt is managed from the Karaf shell (scope iscsi)"));
        assertTrue(notes.contains(conf + "118: [LogicalUnit1] AuthMethod: Auto (CHAP or none, as the initiator "
                + "likes) becomes auth = none: jstgt requires CHAP or does not offer it"));
        assertTrue(notes.contains("src/test/resources/org/jstgt/shell/importer/auth.conf:18: [AuthGroup9999]: neither "
                + "an imported target nor discovery uses it: not imported"));
        assertEquals(24, notes.size(), String.join("\n", notes));
        assertTrue(notes.stream().noneMatch(n -> n.contains("Comment")), "Comment keys are dropped silently");
    }

    @Test
    void theLargeSampleIsRefusedWhereAGroupNeedsANameAndAnAddress() throws Exception {
        ImportPlan plan = IstgtImport.convert(sample("istgt.large.conf"), sample("auth.conf"));
        // InitiatorGroup1, 5 and 6 admit named initiators only from some networks: either half alone
        // would admit more than istgt does, so the import fails closed (nothing is written)
        List<String> refused = plan.errors().stream().distinct().toList();
        assertEquals(3, refused.size(), String.join("\n", refused));
        assertTrue(refused.get(0).contains("[InitiatorGroup1]: names iqn.1991-05.com.microsoft:ceres, "
                + "iqn.1991-05.com.microsoft:saturn only from 192.168.3.0/24, 192.168.4.0/24: jstgt's initiators rule "
                + "cannot require a name AND an address"), refused.get(0));
        assertTrue(refused.stream().allMatch(e -> e.contains("cannot require a name AND an address")));
    }

    @Test
    void theLargeSampleConvertsOnceItsGroupsNameOnlyInitiators(@org.junit.jupiter.api.io.TempDir java.nio.file.Path tmp)
            throws Exception {
        // the admin's way out: a copy whose mixed groups keep their names (Netmask ALL)
        StringBuilder copy = new StringBuilder();
        String section = "";
        String lastNetmaskSection = "";
        for (String line : java.nio.file.Files.readAllLines(SAMPLES.resolve("istgt.large.conf"))) {
            String t = line.trim();
            if (t.startsWith("[")) {
                section = t;
            } else if (t.startsWith("Netmask") && List.of("[InitiatorGroup1]", "[InitiatorGroup5]",
                    "[InitiatorGroup6]").contains(section)) {
                // the first Netmask line becomes ALL, the others comments: line numbers stay
                line = copy.toString().endsWith("  Netmask ALL\n") || copy.toString().contains("  Comment \"was")
                        && lastNetmaskSection.equals(section) ? "  Comment \"was a Netmask\"" : "  Netmask ALL";
                lastNetmaskSection = section;
            }
            copy.append(line).append('\n');
        }
        java.nio.file.Path conf = tmp.resolve("istgt.large.conf");
        java.nio.file.Files.writeString(conf, copy);
        ImportPlan plan = IstgtImport.convert(IstgtConf.read(conf), sample("auth.conf"));
        assertEquals(List.of(), plan.errors());
        Map<String, Map<String, String>> files = byFile(plan);
        assertEquals(Map.of("iqn", "iqn.2007-09.jp.ne.peach.istgt:disk1", "alias", "Data Disk1", "portals", "pg3, pg1",
                "initiators", "iqn.1991-05.com.microsoft:ceres, iqn.1991-05.com.microsoft:saturn", "auth", "chap",
                "auth.groups", "ag1, ag1_2", "header.digest", "CRC32C", "data.digest", "CRC32C", "lun.0", "disk1_lun0",
                "lun.2", "disk1_lun2"), files.get("jstgt.target-disk1"));
        assertEquals("iqn.1994-04.org.netbsd.iscsi-target:target11", files.get("jstgt.target-target11").get("iqn"));
        assertEquals("20479MiB", files.get("jstgt.lun-target11_lun0").get("size"));
        assertEquals("pg1, pg2, pg3", files.get("jstgt.target-target11").get("portals"));
        assertEquals("[2001:03e0:06cf:0003:021b:21ff:fe04:f405]:3260, [2001:03e0:06cf:0004:021f:d0ff:fe16:38bd]:3260",
                files.get("jstgt.portal-pg2").get("listen"));
        assertEquals(Map.of("device.type", "dvd", "read.only", "true", "medium", "/tank/iscsi/dvds/dvd1.iso"),
                files.get("jstgt.lun-dvd1_lun0"));
        assertEquals(Map.of("device.type", "tape", "medium", "/tank/iscsi/tapes/tape1.vt", "medium.size", "1GiB"),
                files.get("jstgt.lun-tape1_lun0"));
        assertEquals("192.168.2.0/24", files.get("jstgt.target-dvd1").get("initiators"));
        String notes = String.join("\n", plan.notes().stream().map(ImportPlan.Note::toString).toList());
        assertTrue(notes.contains("istgt.large.conf:223: [LogicalUnit1] LUN0: LUN option RPM has no jstgt key"), notes);
        assertTrue(notes.contains("istgt.large.conf:291: [LogicalUnit4] LUN0: jstgt keeps tapes in its own image"),
                notes);
        assertFalse(notes.contains("[LogicalUnit1] Mapping"), "both Mappings use InitiatorGroup1: nothing merged");
        assertFalse(notes.contains("[LogicalUnit2] Mapping"), "three Mappings, one InitiatorGroup5: nothing merged");
    }

    private static final String GROUPS = """
            [Global]
              NodeBase iqn.2026-11.org.example
              DiscoveryAuthMethod CHAP Mutual
              DiscoveryAuthGroup AuthGroup2
            [PortalGroup1]
              Portal P1 *:3260
              Portal P2 [::1]
            [InitiatorGroup1]
              InitiatorName "!iqn.1991-05.com.microsoft:moon"
              InitiatorName ALL
              Netmask ALL
            [InitiatorGroup2]
              InitiatorName "!iqn.1991-05.com.microsoft:moon"
              InitiatorName ALL
              InitiatorName "!iqn.1991-05.com.microsoft:never-reached"
              Netmask 10.0.0.0/8
              Netmask [fd00::]/8
            """;

    @Test
    void everyUnitTypeDiskDvdTapeAndPass() throws Exception {
        ImportPlan plan = convert(GROUPS + """
                [LogicalUnit1]
                  TargetName disk0
                  Mapping PortalGroup1 InitiatorGroup1
                  AuthMethod CHAP
                  AuthGroup AuthGroup1
                  UnitType Disk
                  UnitInquiry "ACME" "Big Disk" "0102" "SN0001"
                  BlockLength 4096
                  QueueDepth 64
                  ReadOnly Yes
                  UseDigest Header
                  LUN0 Storage /srv/disk0.img Auto
                  LUN1 Storage /srv/disk1.img 1GB
                  LUN1 Option Serial "OWN1"
                  LUN3 Storage /dev/sdb auto
                [LogicalUnit2]
                  TargetName iqn.2026-11.org.example:cd
                  Mapping PortalGroup1 InitiatorGroup2
                  UnitType DVD
                  LUN0 Removable ro /srv/iso/debian.iso Auto
                [LogicalUnit3]
                  TargetName tape
                  Mapping PortalGroup1 InitiatorGroup2
                  AuthMethod None
                  UnitType Tape
                  LUN0 Removable "ro,extend" /srv/tapes/T1.tape 4GB
                [LogicalUnit4]
                  TargetName pass
                  Mapping PortalGroup1 InitiatorGroup1
                  UnitType Pass
                  LUN0 Device /dev/da0
                """, """
                [AuthGroup1]
                  Auth "alice" "alice-secret-12"
                [AuthGroup2]
                  Auth "disco" "disco-secret-12" "target" "target-secret-1"
                """);
        assertEquals(List.of(), plan.errors());
        Map<String, Map<String, String>> files = byFile(plan);
        assertEquals(List.of("jstgt.auth-ag1", "jstgt.auth-ag2", "jstgt.lun-disk0_lun0", "jstgt.lun-disk0_lun1",
                "jstgt.lun-disk0_lun3", "jstgt.lun-cd_lun0", "jstgt.lun-tape_lun0", "jstgt.portal-pg1",
                "jstgt.target-disk0", "jstgt.target-cd", "jstgt.target-tape", "jstgt.discovery"),
                List.copyOf(files.keySet()));
        Map<String, String> disk = Map.of("device.type", "disk", "read.only", "true", "block.size", "4096",
                "vendor", "ACME", "product", "Big Disk", "revision", "0102", "store.type", "file");
        Map<String, String> lun0 = new LinkedHashMap<>(disk);
        lun0.putAll(Map.of("store.path", "/srv/disk0.img", "serial", "SN0001"));
        assertEquals(lun0, files.get("jstgt.lun-disk0_lun0"), "Auto: no size, the file's own is used");
        Map<String, String> lun1 = new LinkedHashMap<>(disk);
        lun1.putAll(Map.of("store.path", "/srv/disk1.img", "size", "1GiB", "serial", "OWN1"));
        assertEquals(lun1, files.get("jstgt.lun-disk0_lun1"));
        Map<String, String> lun3 = new LinkedHashMap<>(disk);
        lun3.putAll(Map.of("store.path", "/dev/sdb", "serial", "SN0001L3"));
        assertEquals(lun3, files.get("jstgt.lun-disk0_lun3"), "istgt's default serial of LUN n: <serial>L<n>");
        assertEquals(Map.of("iqn", "iqn.2026-11.org.example:disk0", "portals", "pg1", "initiators",
                "!iqn.1991-05.com.microsoft:moon, ALL", "auth", "chap", "auth.groups", "ag1", "header.digest", "CRC32C",
                "queue.depth", "64", "lun.0", "disk0_lun0", "lun.1", "disk0_lun1", "lun.3", "disk0_lun3"),
                files.get("jstgt.target-disk0"));
        assertEquals(Map.of("device.type", "dvd", "medium", "/srv/iso/debian.iso"), files.get("jstgt.lun-cd_lun0"));
        assertEquals(Map.of("iqn", "iqn.2026-11.org.example:cd", "portals", "pg1", "initiators",
                "!iqn.1991-05.com.microsoft:moon, 10.0.0.0/8, [fd00::]/8", "lun.0", "cd_lun0"), files.get("jstgt.target-cd"));
        assertEquals(Map.of("device.type", "tape", "medium", "/srv/tapes/T1.tape", "read.only", "true",
                "medium.size", "4GiB"), files.get("jstgt.lun-tape_lun0"));
        assertEquals("none", files.get("jstgt.target-tape").get("auth"));
        assertEquals(Map.of("listen", "0.0.0.0:3260, [::1]:3260", "tag", "1"), files.get("jstgt.portal-pg1"));
        assertEquals(Map.of("auth", "mutual", "auth.groups", "ag2"), files.get("jstgt.discovery"));
        assertEquals(Map.of("chap.user", "disco", "chap.secret", "disco-secret-12", "mutual.user", "target",
                "mutual.secret", "target-secret-1"), files.get("jstgt.auth-ag2"));
        List<String> notes = plan.notes().stream().map(ImportPlan.Note::toString).toList();
        assertTrue(notes.contains("istgt.conf:44: [LogicalUnit4] UnitType: Pass (SCSI pass-through of a local device) "
                + "is not supported by jstgt: the unit, its target and its LUNs are not imported"),
                String.join("\n", notes));
        assertTrue(notes.contains("istgt.conf:43: [LogicalUnit3] LUN0: media flag extend has no equivalent: a jstgt "
                + "cartridge grows as written up to medium.size"), String.join("\n", notes));
    }

    @Test
    void aUnitOfflineInIstgtIsImportedOffline() throws Exception {
        ImportPlan plan = convert(GROUPS + """
                [LogicalUnit1]
                  TargetName spare
                  Mapping PortalGroup1 InitiatorGroup1
                  UnitType Disk
                  UnitOnline No
                  LUN0 Storage /srv/spare0.img 1GB
                  LUN1 Storage /srv/spare1.img 1GB
                [LogicalUnit2]
                  TargetName live
                  Mapping PortalGroup1 InitiatorGroup1
                  UnitType Disk
                  UnitOnline Yes
                  LUN0 Storage /srv/live.img 1GB
                """, null);
        assertEquals(List.of(), plan.errors());
        Map<String, Map<String, String>> files = byFile(plan);
        assertEquals("true", files.get("jstgt.lun-spare_lun0").get("offline"));
        assertEquals("true", files.get("jstgt.lun-spare_lun1").get("offline"));
        assertFalse(files.get("jstgt.lun-live_lun0").containsKey("offline"), "online is the default");
        assertTrue(plan.notes().stream().noneMatch(n -> n.toString().contains("UnitOnline")), plan.notes().toString());
    }

    @Test
    void valuesTheCoreWouldRefuseAreErrorsNamingFileAndLine() throws Exception {
        ImportPlan plan = convert(GROUPS + """
                [LogicalUnit1]
                  TargetName "Bad Name"
                  Mapping PortalGroup9 InitiatorGroup1
                  UnitType Disk
                  LUN0 Storage /srv/a.img 1000
                [LogicalUnit2]
                  TargetName ok
                  Mapping PortalGroup1 InitiatorGroup1
                  AuthMethod Mutual
                  UnitType Disk
                  UnitInquiry "TOO-LONG-VENDOR"
                  QueueDepth 300
                  LUN0 Removable ro /srv/x.iso Auto
                  LUN1 Storage /srv/b.img
                [LogicalUnit3]
                  TargetName nolun
                  Mapping PortalGroup1 InitiatorGroup3
                  UnitType Robot
                """, null);
        assertEquals(List.of(
                "istgt.conf:19: [LogicalUnit1] TargetName: 'iqn.2026-11.org.example:bad name' is not an iSCSI name "
                        + "jstgt accepts (iqn.yyyy-mm.reversed.domain[:id], eui.<16 hex>, naa.<16 or 32 hex>; lower "
                        + "case letters, digits, '.', '-', ':'; at most 223 bytes)",
                "istgt.conf:20: [LogicalUnit1] Mapping: no [PortalGroup9]",
                "istgt.conf:18: [LogicalUnit1]: no Mapping (Mapping PortalGroup<N> InitiatorGroup<N>)",
                "istgt.conf:22: [LogicalUnit1] LUN0 Storage: size '1000' (1000 bytes) is not a multiple of the block "
                        + "size 512",
                "istgt.conf:26: [LogicalUnit2] AuthMethod: Mutual needs CHAP (AuthMethod CHAP Mutual)",
                "istgt.conf:29: [LogicalUnit2] QueueDepth: '300' is not a number in 0..255",
                "istgt.conf:28: [LogicalUnit2] UnitInquiry: vendor 'TOO-LONG-VENDOR' is longer than 8 characters",
                "istgt.conf:30: [LogicalUnit2] LUN0: a disk unit takes 'Storage <path> <size|Auto>', not Removable",
                "istgt.conf:31: [LogicalUnit2] LUN1: expected 'Storage <path> <size|Auto>'",
                "istgt.conf:35: [LogicalUnit3] UnitType: 'Robot' is not Disk, DVD, Tape or Pass"),
                plan.errors());
    }

    @Test
    void mappingsWithDifferentInitiatorGroupsAreMergedWithANote() throws Exception {
        ImportPlan plan = convert(GROUPS + """
                [LogicalUnit1]
                  TargetName both
                  Mapping PortalGroup1 InitiatorGroup2
                  Mapping PortalGroup1 InitiatorGroup1
                  UnitType Disk
                  LUN0 Storage /srv/both.img 1MB
                """, null);
        assertEquals(List.of(), plan.errors());
        assertEquals("!iqn.1991-05.com.microsoft:moon, 10.0.0.0/8, [fd00::]/8, ALL",
                byFile(plan).get("jstgt.target-both").get("initiators"));
        assertEquals("pg1", byFile(plan).get("jstgt.target-both").get("portals"));
        assertTrue(plan.notes().stream().map(ImportPlan.Note::toString).anyMatch(n -> n.equals("istgt.conf:21: "
                + "[LogicalUnit1] Mapping: jstgt's initiators rule holds for every portal of the target: the initiator "
                + "groups of all Mapping lines are merged")), plan.notes().toString());
    }

    @Test
    void printedConfigurationsNeverShowSecrets() throws Exception {
        ImportPlan plan = IstgtImport.convert(sample("istgt.conf"), sample("auth.conf"));
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        plan.printConfigs(new PrintStream(b, true, StandardCharsets.UTF_8), p -> p.factoryPid() + "-" + p.name());
        String out = b.toString(StandardCharsets.UTF_8);
        assertTrue(out.contains("  chap.secret = ********\n  mutual.user = iqn.2007-09.jp.ne.peach:disk1\n"
                + "  mutual.secret = ********\n"), out);
        for (String secret : List.of("1234567890abcdef", "mutualtestxx", "abcdefghijklmnop")) {
            assertFalse(out.contains(secret), secret);
        }
    }
}
