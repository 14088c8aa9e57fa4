package org.jstgt.shell;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.jstgt.api.ConfigException;
import org.jstgt.api.Pids;
import org.jstgt.iscsi.text.HostPort;
import org.jstgt.scsi.config.InitiatorAcl;
import org.jstgt.scsi.config.LunConfig;
import org.jstgt.scsi.config.Props;
import org.jstgt.scsi.config.ScsiNames;
import org.jstgt.scsi.config.TargetConfig;
import org.junit.jupiter.api.Test;

/**
 * The shell checks what it writes with its own copy of the core's rules ({@link ConfigRules},
 * {@link Checks}), since the core's parsers are private to their bundles. Here both judge the same
 * values: whatever the shell accepts, the core must accept too (else a typo the shell lets through
 * turns a LUN or target FAILED, or an access rule that admits no one), and where the shell is
 * stricter it is so on purpose, listed in {@link #STRICTER}.
 */
class ConfigRulesParityTest {
    /** Values the shell refuses on purpose although the core would read them. */
    static final Set<String> STRICTER = Set.of(
            // a control character in an alias reaches SendTargets output and logs
            "alias=a\tb",
            // a host name in brackets: the portal would look it up; brackets are for IPv6 literals
            "listen=[localhost]:3260",
            // CHAP names: printable ASCII as written (FileInstall trims, and not every initiator
            // takes UTF-8 in CHAP_N); no text Config Admin reads as a placeholder
            "chap.user=caf\u00e9", "chap.user= alice", "chap.user=al${x}ice",
            // a secret that FileInstall would trim, or read as a placeholder, or one not in printable
            // ASCII (initiators type secrets; Windows takes ASCII only)
            "chap.secret= abcdefghijkl", "chap.secret=abcdefghijkl ", "chap.secret=abc${x}defghijkl",
            "chap.secret=abcdefgh\u00e9ijk", "chap.secret=abcdefghij\u00e9");

    private final List<String> disagreements = new ArrayList<>();

    @Test
    void lunKeysAreJudgedAlike() {
        String[][] cases = {
            {"device.type", "disk"}, {"device.type", "DISK"}, {"device.type", "my-dev_1.x"}, {"device.type", "a b"},
            {"device.type", "-x"}, {"device.type", "dïsk"}, {"device.type", " "},
            {"store.type", "memory"}, {"store.type", "Fi le"}, {"store.type", "_x"},
            {"block.size", "512"}, {"block.size", "4096"}, {"block.size", " 4096 "}, {"block.size", "520"},
            {"block.size", "0x200"}, {"block.size", "4k"}, {"block.size", "8192"},
            {"size", "1GiB"}, {"size", "1G"}, {"size", "1000"}, {"size", "1024"}, {"size", "-1"}, {"size", "0"},
            {"size", "1.5GiB"}, {"size", "16EiB"}, {"size", "9223372036854775807"}, {"size", "1 GiB"},
            {"size", "abc"}, {"size", "1kib"},
            {"read.only", "true"}, {"read.only", "YES"}, {"read.only", "off"}, {"read.only", "1"},
            {"read.only", "maybe"}, {"offline", "on"}, {"offline", "0"},
            {"serial", "abc123"}, {"serial", "a b"}, {"serial", "x".repeat(32)}, {"serial", "x".repeat(33)},
            {"serial", "caf\u00e9"}, {"vendor", "ACME"}, {"vendor", "AC ME"}, {"vendor", "ACMEACME1"},
            {"product", "P".repeat(16)}, {"product", "P".repeat(17)}, {"revision", "1.0"}, {"revision", "1.0.0"},
            {"sense.format", "fixed"}, {"sense.format", "DESCRIPTOR"}, {"sense.format", "desc"},
            {"queue.depth", "1"}, {"queue.depth", "1024"}, {"queue.depth", "0"}, {"queue.depth", "1025"},
            {"queue.depth", "+5"}, {"queue.depth", "05"}, {"queue.depth", "-1"}, {"queue.depth", "x"},
            {"queue.depth", "99999999999"},
            {"naa.company.id", "AC-DE-48"}, {"naa.company.id", "0xacde48"}, {"naa.company.id", "ac:de:48"},
            {"naa.company.id", "ACDE4"}, {"naa.company.id", "ACDE48F"}, {"naa.company.id", "0x"},
            {"naa.company.id", "GGGGGG"},
        };
        for (String[] c : cases) {
            Map<String, String> p = new LinkedHashMap<>();
            p.put("device.type", "disk");
            p.put("store.type", "memory");
            p.put("size", "1GiB");
            p.put(c[0], c[1]);
            boolean shell = accepts(() -> ConfigRules.lun("parity", p));
            Map<String, Object> q = new LinkedHashMap<>(p);
            q.put(Pids.FILEINSTALL_FILENAME, "file:/etc/jstgt.lun-parity.cfg");
            boolean core = accepts(() -> LunConfig.parse(q));
            compare(c[0] + "=" + c[1], shell, core);
        }
        // a size that is not a multiple of the block size
        for (String[] c : new String[][] {{"4096", "1000"}, {"4096", "8192"}, {"1024", "1536"}, {"2048", "3072"}}) {
            Map<String, String> p = Map.of("device.type", "disk", "store.type", "memory", "block.size", c[0],
                    "size", c[1]);
            Map<String, Object> q = new LinkedHashMap<>(p);
            q.put(Pids.FILEINSTALL_FILENAME, "file:/etc/jstgt.lun-parity.cfg");
            compare("block.size=" + c[0] + ",size=" + c[1], accepts(() -> ConfigRules.lun("parity", p)),
                    accepts(() -> LunConfig.parse(q)));
        }
        assertAgreed();
    }

    /**
     * The keys of the shipped disk device and memory store the shell checks too: the disk's
     * {@code max.transfer} against {@code DiskProvider}, the memory store's {@code memory.chunk.size}
     * against {@code MemoryStoreProvider}. A value they refuse took a live LUN to FAILED (NOT READY
     * to its initiators).
     */
    @Test
    void deviceAndStoreKeysAreJudgedAlike() throws Exception {
        String[][] cases = {
            {"512", "max.transfer", "8MiB"}, {"512", "max.transfer", "64MiB"}, {"512", "max.transfer", "65MiB"},
            {"512", "max.transfer", "512"}, {"512", "max.transfer", "511"}, {"512", "max.transfer", "1000"},
            {"4096", "max.transfer", "2048"}, {"4096", "max.transfer", "4096"}, {"4096", "max.transfer", "6KiB"},
            {"512", "max.transfer", "0"}, {"512", "max.transfer", "lots"},
            {"512", "memory.chunk.size", "64KiB"}, {"512", "memory.chunk.size", "4KiB"},
            {"512", "memory.chunk.size", "64MiB"}, {"512", "memory.chunk.size", "128MiB"},
            {"512", "memory.chunk.size", "2KiB"}, {"512", "memory.chunk.size", "96KiB"},
            {"512", "memory.chunk.size", "x"},
        };
        org.jstgt.device.disk.DiskProvider disks = new org.jstgt.device.disk.DiskProvider();
        org.jstgt.store.memory.MemoryStoreProvider memory = new org.jstgt.store.memory.MemoryStoreProvider();
        for (String[] c : cases) {
            Map<String, String> p = new LinkedHashMap<>();
            p.put("device.type", "disk");
            p.put("store.type", "memory");
            p.put("size", "64MiB");
            p.put("block.size", c[0]);
            p.put(c[1], c[2]);
            boolean shell = accepts(() -> ConfigRules.lun("parity", p));
            Map<String, Object> q = new LinkedHashMap<>(p);
            q.put(Pids.FILEINSTALL_FILENAME, "file:/etc/jstgt.lun-parity.cfg");
            LunConfig config = LunConfig.parse(q);
            boolean core = accepts(() -> {
                try (org.jstgt.api.store.BackingStore store = memory.open(config.storeSpec());
                        org.jstgt.api.scsi.LogicalUnit unit = disks.create(org.jstgt.testkit.FakeUnitContext.of(
                                config.lunSpec(), store))) {
                    unit.capacityBytes();
                }
            });
            compare("block.size=" + c[0] + "," + c[1] + "=" + c[2], shell, core);
        }
        assertAgreed();
    }

    /**
     * The tape drive's own keys, {@code density} and {@code medium.size}, against {@code TapeProvider}
     * (a drive with no cartridge and no state files). The shell keeps its own list of the drive's
     * densities; a value the drive refuses took the LUN to FAILED.
     */
    @Test
    void tapeKeysAreJudgedAlike() throws Exception {
        String[][] cases = {
            {"density", "DLT4000"}, {"density", "dlt7000"}, {"density", "DLT-8000"}, {"density", "SDLT_220"},
            {"density", "sdlt320"}, {"density", "SDLT600"}, {"density", "DLT-S4"}, {"density", "dlts4"},
            {"density", "DLT_S4"}, {"density", "D-L-T-S-4"}, {"density", "0x1A"}, {"density", "0x1a"},
            {"density", "1Ah"}, {"density", "41h"}, {"density", "0X4B"}, {"density", "4bh"}, {"density", "0x48"},
            {"density", "49H"}, {"density", "0x4A"}, {"density", "0x00"}, {"density", "00h"}, {"density", "0x1C"},
            {"density", "4B"}, {"density", "0x"}, {"density", "h"}, {"density", "0x4B4"}, {"density", "0x+1"},
            {"density", "DLT9000"}, {"density", "LTO-4"}, {"density", ""}, {"density", " DLT4000"},
            {"density", "DLT-S4 "}, {"density", "dlt\u0130"},
            {"medium.size", "1MiB"}, {"medium.size", "1023KiB"}, {"medium.size", "1048576"},
            {"medium.size", "1048575"}, {"medium.size", "4GiB"}, {"medium.size", "64TiB"},
            {"medium.size", "65TiB"}, {"medium.size", "0"}, {"medium.size", "-1"}, {"medium.size", "x"},
            {"medium.size", "1.5GiB"}, {"medium.size", "800GB"}, {"medium.size", ""},
        };
        org.jstgt.device.tape.TapeProvider tapes = new org.jstgt.device.tape.TapeProvider();
        for (String[] c : cases) {
            Map<String, String> p = new LinkedHashMap<>();
            p.put("device.type", "tape");
            p.put(c[0], c[1]);
            boolean shell = accepts(() -> ConfigRules.lun("parity", p));
            Map<String, Object> q = new LinkedHashMap<>(p);
            q.put(Pids.FILEINSTALL_FILENAME, "file:/etc/jstgt.lun-parity.cfg");
            boolean core = accepts(() -> {
                LunConfig config = LunConfig.parse(q);
                try (org.jstgt.api.scsi.LogicalUnit unit = tapes.create(org.jstgt.testkit.FakeUnitContext.of(
                        config.lunSpec(), null))) {
                    unit.capacityBytes();
                }
            });
            compare(c[0] + "=" + c[1], shell, core);
        }
        assertAgreed();
    }

    @Test
    void iscsiNamesAreJudgedAlike() {
        String[] names = {
            "iqn.2026-11.org.jstgt:demo", "IQN.2026-11.ORG.JSTGT:DEMO", "iqn.2026-13.org.jstgt", "iqn.2026-00.org",
            "iqn.26-11.org.jstgt", "iqn.2026-11.org.jstgt:", "iqn.2026-11.-org.jstgt", "iqn.2026-11.org.jstgt-",
            "iqn.2026-11.org..jstgt", "iqn.2026-11.org.jstgt:a_b", "iqn.2026-11.org.jstgt:a b", "iqn.2026-11",
            "iqn.2026-11.org.jstgt:" + "x".repeat(200), "iqn.2026-11.org.jstgt:" + "x".repeat(201),
            "eui.0123456789abcdef", "eui.0123456789ABCDEF", "eui.0123456789abcde", "eui.0123456789abcdefa",
            "naa.0123456789abcdef", "naa.0123456789abcdef0123456789abcdef", "naa.0123456789abcdef0", "iqn",
            " iqn.2026-11.org.jstgt:x ", "iqn.2026-11.org.jstgt:caf\u00e9",
        };
        for (String n : names) {
            compare("iqn=" + n, accepts(() -> ConfigRules.iscsiName("iqn", n)),
                    accepts(() -> ScsiNames.validate("iqn", n)));
        }
        assertAgreed();
    }

    @Test
    void targetKeysAreJudgedAlike() {
        String[] aliases = {"demo", "jstgt demo target", "a".repeat(255), "a".repeat(256), "\u00e9".repeat(128),
            "a\tb"};
        for (String a : aliases) {
            compare("alias=" + a, accepts(() -> ConfigRules.alias(a)),
                    accepts(() -> TargetConfig.parse(target(Map.of("alias", a)))));
        }
        String[] numbers = {"0", "1", "255", "16383", "16384", "99999", "100000", "-1", "+1", "01", "a", ""};
        for (String n : numbers) {
            compare("lun." + n, accepts(() -> ConfigRules.lunNumber(n)),
                    accepts(() -> TargetConfig.parse(target(Map.of("lun." + n, "disk0")))));
        }
        assertAgreed();
    }

    @Test
    void initiatorRulesAreJudgedAlike() {
        String[] rules = {
            "ALL", "all", "*", "iqn.1993-08.org.debian:01:abc", "iqn.1993-08.org.debian:*", "iqn.*", "eui.*",
            "naa.*", "iqn.foo", "iqn.1993-08.org.debian:01:ABC", "eui.0123", "iqn.1993-08.org.debian:a_b",
            "10.0.0.0/8", "10.0.0.1", "10.0.0.0/33", "10.0.0.0/-1", "10.0.0.0/", "256.1.1.1", "10.0.0", "::1",
            "::1/128", "::1/129", "[::1]/128", "[::1]", "fe80::/10", "::ffff:10.0.0.1", "::ffff:10.0.0.0/104",
            "::ffff:10.0.0.0/24", "host.example.com", "!ALL", "!10.0.0.1", "!!10.0.0.1", "!",
            "!iqn.1993-08.org.debian:*", "10.0.0.1, ALL", "!10.0.0.0/8, ALL", "10.0.0.1,,ALL",
        };
        for (String r : rules) {
            boolean shell = accepts(() -> Checks.initiatorEntries(Checks.items(List.of(r))));
            boolean core = accepts(() -> InitiatorAcl.parse("initiators", Props.list(r)));
            compare("initiators=" + r, shell, core);
        }
        assertAgreed();
    }

    @Test
    void listenEntriesAreJudgedAlike() {
        String[] entries = {
            "127.0.0.1:3260", "127.0.0.1", "[::1]:3260", "[::1]", "localhost:3260", "0.0.0.0:3260", "[::]:3260",
            "127.0.0.1:0", "127.0.0.1:65536", "127.0.0.1:x", "127.0.0.1:", "::1:3260", "[::1", "[::1]3260",
            ":3260", "[]:3260", "[localhost]:3260", "127.0.0.1:+3260",
        };
        for (String e : entries) {
            compare("listen=" + e, accepts(() -> ConfigRules.listen(List.of(e))), accepts(() -> HostPort.parse(e)));
        }
        assertAgreed();
    }

    @Test
    void chapCredentialsAreJudgedAlike() {
        String[][] cases = {
            {"chap.user", "alice"}, {"chap.user", "iqn.1993-08.org.debian:01:abc"}, {"chap.user", "a".repeat(255)},
            {"chap.user", "a".repeat(256)}, {"chap.user", "a b"}, {"chap.user", "a\tb"}, {"chap.user", "caf\u00e9"},
            {"chap.user", " alice"}, {"chap.user", "al${x}ice"},
            {"chap.secret", "abcdefghijkl"}, {"chap.secret", "abcdefghijk"}, {"chap.secret", "s".repeat(255)},
            {"chap.secret", "s".repeat(256)}, {"chap.secret", "abcdef ghijkl"}, {"chap.secret", " abcdefghijkl"},
            {"chap.secret", "abcdefghijkl "}, {"chap.secret", "abc${x}defghijkl"},
            {"chap.secret", "abcdefgh\u00e9ijk"}, {"chap.secret", "abcdefghij\u00e9"},
        };
        for (String[] c : cases) {
            Map<String, Object> props = new LinkedHashMap<>();
            props.put("chap.user", "alice");
            props.put("chap.secret", "abcdefghijklmnop");
            props.put(c[0], c[1]);
            props.put(Pids.FILEINSTALL_FILENAME, "file:/etc/jstgt.auth-parity.cfg");
            boolean shell = accepts(() -> {
                Checks.chapName("chap.user", props.get("chap.user").toString());
                Checks.secret("chap.secret", props.get("chap.secret").toString());
            });
            org.jstgt.auth.chap.CredentialSets sets = new org.jstgt.auth.chap.CredentialSets();
            sets.update("jstgt.auth~parity", props);
            boolean core = sets.snapshot().usable().containsKey("parity");
            compare(c[0] + "=" + c[1], shell, core);
        }
        assertAgreed();
    }

    private static Map<String, Object> target(Map<String, String> extra) {
        Map<String, Object> q = new LinkedHashMap<>(extra);
        q.putIfAbsent("iqn", "iqn.2026-11.org.jstgt:parity");
        q.put(Pids.FILEINSTALL_FILENAME, "file:/etc/jstgt.target-parity.cfg");
        return q;
    }

    private void compare(String what, boolean shell, boolean core) {
        if (shell && !core) {
            disagreements.add(what + ": the shell writes it, the core refuses it");
        } else if (!shell && core && !STRICTER.contains(what)) {
            disagreements.add(what + ": the shell refuses it, the core reads it");
        } else if (!shell && !core && STRICTER.contains(what)) {
            disagreements.add(what + ": listed as stricter in the shell, but the core refuses it too");
        }
    }

    private void assertAgreed() {
        assertEquals(List.of(), disagreements);
    }

    private interface Check {
        void run() throws Exception;
    }

    private static boolean accepts(Check c) {
        try {
            c.run();
            return true;
        } catch (IllegalArgumentException | ConfigException e) {
            return false;
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}
