package org.jstgt.shell;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code iscsi:portal-create} and {@code iscsi:portal-delete} over Karaf's ConfigRepository. */
class PortalDefinitionsTest {
    @TempDir
    Path etc;
    private ShellFixture f;
    private PortalDefinitions portals;

    @BeforeEach
    void setUp() {
        f = new ShellFixture(etc);
        portals = new PortalDefinitions(f.store, f.out);
    }

    @AfterEach
    void tearDown() {
        f.close();
    }

    @Test
    void createWritesListenAndTagWithoutWarningForLoopback() throws Exception {
        portals.create("local", "127.0.0.1:3260, [::1]:3261,localhost", "2");
        Properties p = ShellFixture.read(etc.resolve("jstgt.portal-local.cfg"));
        assertEquals("127.0.0.1:3260, [::1]:3261, localhost", p.getProperty("listen"));
        assertEquals("2", p.getProperty("tag"));
        assertFalse(f.output().contains("WARNING"), f.output());
        portals.create("lo2", "127.0.0.2:3260", null);
        assertNull(ShellFixture.read(etc.resolve("jstgt.portal-lo2.cfg")).getProperty("tag"));
        assertTrue(f.output().contains("tag = 1 (default)"), f.output());
    }

    @Test
    void createWarnsLoudlyWhenNotLoopback() throws Exception {
        portals.create("lan", "127.0.0.1:3260,0.0.0.0:3260,[::]:3260,host.example.com", null);
        assertTrue(f.output().contains("WARNING: portal 'lan' listens on 0.0.0.0:3260, [::]:3260, host.example.com, "
                + "not a loopback address"), f.output());
    }

    @Test
    void createRefusesBadListsAndTagsAndWritesNothing() throws Exception {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> portals.create("p", "::1:3260, [::1]x, 1.2.3.4:0, [::1, :3260, [fe80::zz]:3260", null));
        assertEquals("listen: '::1:3260': IPv6 addresses go in brackets, e.g. [::1]:3260; '[::1]x': expected :port "
                + "after ]; '1.2.3.4:0': port '0' is not a number in 1..65535; '[::1': missing ]; ':3260': missing "
                + "host; '[fe80::zz]:3260': 'fe80::zz' in brackets is not an IPv6 address", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> portals.create("p", " , ", null));
        assertEquals("listen: empty; name the addresses, e.g. 127.0.0.1:3260", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> portals.create("p", "127.0.0.1", "65536"));
        assertEquals("tag: '65536' is not a number in 1..65535", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> portals.create("p-1", "127.0.0.1", null));
        assertEquals("portal name 'p-1': use letters, digits, '.' and '_' only", e.getMessage());
        try (var s = Files.list(etc)) {
            assertEquals(0, s.count());
        }
        portals.create("p", "127.0.0.1", null);
        e = assertThrows(IllegalArgumentException.class, () -> portals.create("p", "127.0.0.1", null));
        assertTrue(e.getMessage().startsWith("portal 'p' exists already ("), e.getMessage());
    }

    @Test
    void deleteIsRefusedWhileNamedAndForceRemovesTheName() throws Exception {
        f.cm.fromFile(etc, "jstgt.portal", "lan1", "listen = 127.0.0.1:3260\n");
        f.cm.fromFile(etc, "jstgt.portal", "lan2", "listen = 127.0.0.2:3260\n");
        f.cm.fromFile(etc, "jstgt.target", "a", "# A\niqn = iqn.2026-01.com.example:a\nportals = lan1, lan2\n");
        f.cm.fromFile(etc, "jstgt.target", "b", "# B\niqn = iqn.2026-01.com.example:b\n# only lan2\nportals = lan2\n");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> portals.delete("lan2", false));
        assertEquals("portal 'lan2' is named in the portals key of target a, b; change those targets first or give "
                + "--force to remove the name from them too", e.getMessage());
        assertTrue(Files.exists(etc.resolve("jstgt.portal-lan2.cfg")));

        portals.delete("lan2", true);
        assertFalse(Files.exists(etc.resolve("jstgt.portal-lan2.cfg")));
        assertEquals("lan1", ShellFixture.read(etc.resolve("jstgt.target-a.cfg")).getProperty("portals"));
        assertTrue(Files.readString(etc.resolve("jstgt.target-a.cfg")).contains("# A"));
        assertNull(ShellFixture.read(etc.resolve("jstgt.target-b.cfg")).getProperty("portals"));
        assertTrue(f.output().contains("warning: without it the target is offered on EVERY portal"), f.output());

        portals.delete("lan1", true);
        e = assertThrows(IllegalArgumentException.class, () -> portals.delete("lan1", false));
        assertEquals("no portal 'lan1' (etc/jstgt.portal-lan1.cfg); known: none", e.getMessage());
    }
}
