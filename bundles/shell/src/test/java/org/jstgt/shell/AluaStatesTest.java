package org.jstgt.shell;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code iscsi:alua-set} over Karaf's ConfigRepository: every portal file of the group's tag changes. */
class AluaStatesTest {
    @TempDir
    Path etc;
    private ShellFixture f;

    @BeforeEach
    void setUp() throws Exception {
        f = new ShellFixture(etc);
        f.cm.fromFile(etc, "jstgt.portal", "default", "# loopback\nlisten = 127.0.0.1:3260\ntag = 1\n");
        f.cm.fromFile(etc, "jstgt.portal", "default6", "listen = [::1]:3260\n");
        f.cm.fromFile(etc, "jstgt.portal", "lan", "listen = 192.0.2.1:3260\ntag = 2\n# ALUA\nalua.state = standby\n");
    }

    @AfterEach
    void tearDown() {
        f.close();
    }

    private AluaStates alua() {
        return new AluaStates(f.store, f.out);
    }

    private String state(String portal) throws Exception {
        return ShellFixture.read(etc.resolve("jstgt.portal-" + portal + ".cfg")).getProperty("alua.state");
    }

    @Test
    void setsEveryPortalOfTheTagKeepingTheFiles() throws Exception {
        alua().set("default", "Active-Non-Optimized");
        assertEquals("active/non-optimized", state("default"));
        assertEquals("active/non-optimized", state("default6"), "tag 1 by default: the same group");
        assertEquals("standby", state("lan"), "another group");
        assertEquals("active/non-optimized",
                f.cm.get("jstgt.portal~default6").getProperties().get("alua.state"), "Config Admin has it too");
        String text = Files.readString(etc.resolve("jstgt.portal-default.cfg"));
        assertTrue(text.contains("# loopback") && text.contains("tag = 1"), text);
        assertTrue(f.output().endsWith("Target port group 1 (portals default, default6) is active/non-optimized; "
                + "sessions stay, and initiators are told with unit attention ASYMMETRIC ACCESS STATE CHANGED.\n"),
                f.output());
    }

    @Test
    void aPortalAlreadyInTheStateIsLeftAsItIs() throws Exception {
        alua().set("lan", "standby");
        assertTrue(f.output().contains("jstgt.portal-lan.cfg: alua.state is standby already"), f.output());
        assertNull(state("default"));
        assertEquals("# ALUA", Files.readString(etc.resolve("jstgt.portal-lan.cfg")).lines()
                .filter(l -> l.startsWith("#")).findFirst().orElseThrow());
    }

    @Test
    void badStatesAndUnknownPortalsWriteNothing() throws Exception {
        IllegalArgumentException bad = assertThrows(IllegalArgumentException.class, () -> alua().set("lan", "stanby"));
        assertEquals("'stanby' is not an ALUA state; one of: active/optimized, active/non-optimized, standby, "
                + "unavailable, transitioning", bad.getMessage());
        IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class,
                () -> alua().set("wan", "standby"));
        assertEquals("no portal 'wan' (etc/jstgt.portal-wan.cfg); known: default, default6, lan", unknown.getMessage());
        assertEquals("standby", state("lan"));
        assertNull(state("default"));
        assertEquals(List.of("default", "default6", "lan"), alua().names());
    }
}
