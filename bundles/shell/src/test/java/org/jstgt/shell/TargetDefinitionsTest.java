package org.jstgt.shell;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code iscsi:target-create/-delete}, {@code lun-map/-unmap} and {@code acl-add/-remove} over ConfigRepository. */
class TargetDefinitionsTest {
    private static final String DEMO = "# Demo target\niqn = iqn.2026-11.org.jstgt:demo\n# LUN map\nlun.0 = disk0\n";

    @TempDir
    Path etc;
    private ShellFixture f;
    private TargetDefinitions targets;
    private Path demo;

    @BeforeEach
    void setUp() throws Exception {
        f = new ShellFixture(etc);
        targets = new TargetDefinitions(f.store, f.out);
        f.cm.fromFile(etc, "jstgt.target", "demo", DEMO);
        f.cm.fromFile(etc, "jstgt.lun", "disk0", "device.type = disk\nstore.type = memory\nsize = 1MiB\n");
        f.cm.fromFile(etc, "jstgt.lun", "disk1", "device.type = disk\nstore.type = memory\nsize = 1MiB\n");
        demo = etc.resolve("jstgt.target-demo.cfg");
    }

    @AfterEach
    void tearDown() {
        f.close();
    }

    @Test
    void createWritesIqnInLowerCaseAliasAndPortals() throws Exception {
        f.cm.fromFile(etc, "jstgt.portal", "lan1", "listen = 127.0.0.1:3260\n");
        targets.create("db", "IQN.2026-01.com.Example:DB", List.of("lan1, lan2"), "Database disks");
        Properties p = ShellFixture.read(etc.resolve("jstgt.target-db.cfg"));
        assertEquals("iqn.2026-01.com.example:db", p.getProperty("iqn"));
        assertEquals("Database disks", p.getProperty("alias"));
        assertEquals("lan1, lan2", p.getProperty("portals"));
        assertEquals("iqn.2026-01.com.example:db", f.cm.get("jstgt.target~db").getProperties().get("iqn"));
        assertTrue(f.output().contains("warning: no portal 'lan2' yet (iscsi:portal-create lan2 <listen>)"),
                f.output());
        assertFalse(f.output().contains("no portal 'lan1'"), f.output());

        targets.create("plain", "eui.0123456789abcdef", List.of(), null);
        p = ShellFixture.read(etc.resolve("jstgt.target-plain.cfg"));
        assertNull(p.getProperty("portals"));
        assertNull(p.getProperty("alias"));
        assertTrue(f.output().contains("offered on every portal"), f.output());
    }

    @Test
    void createRefusesBadOrTakenNamesAndWritesNothing() throws Exception {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> targets.create("db", "iqn.2026-13.com.example:db", List.of(), null));
        assertEquals("iqn: 'iqn.2026-13.com.example:db' is not an iSCSI name: expected "
                + "iqn.yyyy-mm.reversed.domain[:id], eui.<16 hex digits> or naa.<16 or 32 hex digits> "
                + "(RFC 7143 §4.2.7)", e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> targets.create("db", "iqn.2026-01.com.example_x:db", List.of(), null));
        assertTrue(e.getMessage().startsWith("iqn: 'iqn.2026-01.com.example_x:db' is not an iSCSI name"));
        e = assertThrows(IllegalArgumentException.class,
                () -> targets.create("db", "iqn.2026-01.com.example:" + "x".repeat(200), List.of(), null));
        assertTrue(e.getMessage().endsWith("is longer than 223 bytes (RFC 7143 §4.2.7.1)"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> targets.create("db", "IQN.2026-11.org.jstgt:demo", List.of(), null));
        assertEquals("iqn: 'iqn.2026-11.org.jstgt:demo' is the name of target 'demo' (" + demo + ") already",
                e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> targets.create("demo", "iqn.2026-01.com.example:x", List.of(), null));
        assertTrue(e.getMessage().startsWith("target 'demo' exists already ("), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> targets.create("a-b", "iqn.2026-01.com.example:x", List.of(), null));
        assertEquals("target name 'a-b': use letters, digits, '.' and '_' only", e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> targets.create("db", "iqn.2026-01.com.example:x", List.of("lan-1"), null));
        assertEquals("portal name 'lan-1': use letters, digits, '.' and '_' only", e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> targets.create("db", "iqn.2026-01.com.example:x", List.of(), "x".repeat(256)));
        assertEquals("alias: longer than 255 bytes (RFC 7143 §13.6)", e.getMessage());
        try (var s = Files.list(etc)) {
            assertEquals(List.of("jstgt.lun-disk0.cfg", "jstgt.lun-disk1.cfg", "jstgt.target-demo.cfg"),
                    s.map(p -> p.getFileName().toString()).sorted().toList());
        }
    }

    @Test
    void deleteRemovesTheFileOnly() throws Exception {
        targets.delete("iqn.2026-11.org.jstgt:demo");
        assertFalse(Files.exists(demo));
        assertTrue(Files.exists(etc.resolve("jstgt.lun-disk0.cfg")));
        assertTrue(f.output().contains("The LUNs it mapped stay defined."), f.output());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> targets.delete("demo"));
        assertEquals("no target 'demo' (etc/jstgt.target-demo.cfg); known: none", e.getMessage());
    }

    @Test
    void mapWritesLunKeysKeepingCommentsAndRefusesTakenNumbers() throws Exception {
        targets.map("demo", "16383", "disk1", false);
        Properties p = ShellFixture.read(demo);
        assertEquals("disk1", p.getProperty("lun.16383"));
        assertEquals("disk0", p.getProperty("lun.0"));
        String text = Files.readString(demo);
        assertTrue(text.contains("# Demo target") && text.contains("# LUN map"), text);

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> targets.map("demo", "0", "disk1", false));
        assertEquals("lun.0: LUN 0 of target 'demo' is disk0; give --replace to map disk1 instead, or pick another "
                + "number", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> targets.map("demo", "16384", "disk1", false));
        assertEquals("lun.16384: LUN number must be 0..16383", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> targets.map("demo", "-1", "disk1", false));
        assertEquals("lun.-1: LUN number must be 0..16383", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> targets.map("demo", "2", "nope", false));
        assertEquals("lun.2: no LUN 'nope' (etc/jstgt.lun-nope.cfg); create it with iscsi:lun-create; known: disk0, "
                + "disk1", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> targets.map("other", "2", "disk0", false));
        assertEquals("no target 'other' (etc/jstgt.target-other.cfg); known: demo", e.getMessage());
        assertEquals(text, Files.readString(demo), "nothing written on an error");

        targets.map("demo", "0", "disk1", true);
        assertEquals("disk1", ShellFixture.read(demo).getProperty("lun.0"));
        assertTrue(f.output().contains("lun.0 = disk1 (was disk0)"), f.output());
        assertTrue(f.output().contains("warning: the target maps disk1 at lun.16383 too"), f.output());
        f.bytes.reset();
        targets.map("demo", "0", "disk1", false);
        assertTrue(f.output().contains("lun.0 is disk1 already"), f.output());
    }

    @Test
    void unmapRemovesTheKeyAndRefusesAnUnmappedNumber() throws Exception {
        targets.map("demo", "1", "disk1", false);
        targets.unmap("demo", "1");
        assertNull(ShellFixture.read(demo).getProperty("lun.1"));
        assertTrue(Files.readString(demo).contains("# LUN map"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> targets.unmap("demo", "1"));
        assertEquals("lun.1: target 'demo' maps no LUN 1; mapped: lun.0 = disk0", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> targets.unmap("demo", "x"));
        assertEquals("lun.x: LUN number must be 0..16383", e.getMessage());
    }

    @Test
    void aclAddAppendsBeforeAFinalAllAndDenialsKeepOthersAdmitted() throws Exception {
        targets.aclAdd("demo", "!10.0.0.5");
        assertEquals("!10.0.0.5, ALL", ShellFixture.read(demo).getProperty("initiators"));
        targets.aclAdd("demo", "iqn.2026-01.com.example:*");
        assertEquals("!10.0.0.5, iqn.2026-01.com.example:*, ALL", ShellFixture.read(demo).getProperty("initiators"));
        f.bytes.reset();
        targets.aclAdd("demo", "iqn.2026-01.com.example:*");
        assertTrue(f.output().contains("initiators holds iqn.2026-01.com.example:* already"), f.output());
        assertTrue(Files.readString(demo).contains("# Demo target"));

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> targets.aclAdd("demo", "10.0.0.0/33"));
        assertEquals("initiators: '10.0.0.0/33' has a prefix length outside 0..32", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> targets.aclAdd("demo", "a, b"));
        assertEquals("initiators: give one entry, was 'a, b'", e.getMessage());
    }

    @Test
    void aclAddToATargetWithoutARuleAdmitsOnlyTheEntry() throws Exception {
        targets.aclAdd("demo", "10.0.0.0/8");
        assertEquals("10.0.0.0/8", ShellFixture.read(demo).getProperty("initiators"));
        assertTrue(f.output().contains("Before, every initiator was admitted; now only those the rule admits are."),
                f.output());
    }

    @Test
    void aclRemoveRemovesAnEntryButNotTheLast() throws Exception {
        targets.aclAdd("demo", "10.0.0.0/8");
        targets.aclAdd("demo", "::1/128");
        targets.aclRemove("demo", "10.0.0.0/8");
        assertEquals("::1/128", ShellFixture.read(demo).getProperty("initiators"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> targets.aclRemove("demo", "10.0.0.0/8"));
        assertEquals("initiators: '10.0.0.0/8' is not an entry of target 'demo'; entries: ::1/128", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> targets.aclRemove("demo", "::1/128"));
        assertEquals("initiators: '::1/128' is the last entry; without it every initiator is admitted: say so with "
                + "iscsi:target-acl demo --clear", e.getMessage());
        assertEquals("::1/128", ShellFixture.read(demo).getProperty("initiators"));
    }
}
