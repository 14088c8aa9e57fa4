package org.jstgt.shell;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code iscsi:lun-offline} and {@code lun-online}: the {@code offline} key written through Config Admin. */
class LunOfflineTest {
    private static final String DISK = "# the database disk\ndevice.type = disk\nstore.type = file\n"
            + "store.path = /srv/luns/db.img\nsize = 2GiB\n";

    @TempDir
    Path etc;
    @TempDir
    Path data;
    private ShellFixture f;
    private LunDefinitions luns;

    @BeforeEach
    void setUp() throws Exception {
        f = new ShellFixture(etc);
        luns = new LunDefinitions(f.store, f.out, data);
        f.cm.fromFile(etc, "jstgt.lun", "db", DISK);
    }

    @AfterEach
    void tearDown() {
        f.close();
    }

    private String offlineKey(String name) throws Exception {
        return ShellFixture.read(etc.resolve("jstgt.lun-" + name + ".cfg")).getProperty("offline");
    }

    @Test
    void offlineAndOnlineWriteTheKeyAndKeepTheFile() throws Exception {
        luns.offline("db", true, false);
        assertEquals("true", offlineKey("db"));
        assertTrue(Files.readString(etc.resolve("jstgt.lun-db.cfg")).contains("# the database disk"), "comments kept");
        assertTrue(f.output().contains("LUN db goes offline"), f.output());
        luns.offline("db", true, false);
        assertTrue(f.output().contains("LUN db is offline already"), f.output());
        luns.offline("db", false, false);
        assertEquals("false", offlineKey("db"));
        assertTrue(f.output().contains("LUN db comes back online"), f.output());
        luns.offline("db", false, false);
        assertTrue(f.output().contains("LUN db is online already"), f.output());
    }

    @Test
    void aMemoryLunGoesOfflineOnlyWhenForced() throws Exception {
        f.cm.fromFile(etc, "jstgt.lun", "ram0", "device.type = disk\nstore.type = memory\nsize = 1GiB\n");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> luns.offline("ram0", true, false));
        assertEquals("offline: LUN 'ram0' keeps its data in memory, which is lost when its store closes; give "
                + "--force to take it offline anyway", e.getMessage());
        assertEquals(null, offlineKey("ram0"));
        luns.offline("ram0", true, true);
        assertEquals("true", offlineKey("ram0"));
    }

    @Test
    void anUnknownLunIsAnErrorNamingTheKnownOnes() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> luns.offline("nope", true,
                false));
        assertTrue(e.getMessage().startsWith("no LUN 'nope' (etc/jstgt.lun-nope.cfg); known: db"), e.getMessage());
    }

    @Test
    void theRulesCheckTheValueAsTheCoreDoes() throws Exception {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ConfigRules.lun("x", Map.of("device.type", "disk", "store.type", "memory", "offline", "maybe")));
        assertTrue(e.getMessage().startsWith("offline: 'maybe'"), e.getMessage());
        ConfigRules.lun("x", Map.of("device.type", "disk", "store.type", "memory", "offline", "yes"));
        e = assertThrows(IllegalArgumentException.class, () -> luns.set("db", "offline", "sometimes"));
        assertTrue(e.getMessage().startsWith("offline: "), e.getMessage());
    }
}
