package org.jstgt.scsi.config;

import static org.junit.jupiter.api.Assertions.*;

import java.net.InetAddress;
import java.util.List;
import java.util.Map;

import org.jstgt.api.ConfigException;
import org.jstgt.testkit.ConfigProps;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class TargetConfigTest {

    private static Map<String, Object> props(String... kv) {
        return ConfigProps.override(ConfigProps.fromFile("jstgt.target-demo.cfg", "iqn", "iqn.2026-11.org.jstgt:demo"), kv);
    }

    @Test
    void parsesEveryKeyAndKeepsTheRestForTheFabric() throws Exception {
        TargetConfig c = TargetConfig.parse(props("iqn", "IQN.2026-11.Org.Jstgt:Demo", "alias", "Demo target",
                "portals", "lo, lan", "lun.0", "disk0", "lun.16383", "disk1", "queue.depth", "64"));
        assertEquals("demo", c.name());
        assertEquals("iqn.2026-11.org.jstgt:demo", c.iqn());
        assertEquals("Demo target", c.alias());
        assertEquals(List.of("lo", "lan"), c.portals());
        assertEquals(Map.of(0, "disk0", 16383, "disk1"), c.luns());
        assertSame(InitiatorAcl.all(), c.initiators());
        assertEquals("64", c.properties().get("queue.depth"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"eui.02004567a425678d", "naa.52004567ba64678d", "naa.62004567ba64678d0123456789abcdef",
        "iqn.2001-04.com.example", "iqn.2001-04.com.example:storage:diskarrays-sn-a8675309"})
    void validNames(String name) throws Exception {
        assertEquals(name, TargetConfig.parse(props("iqn", name)).iqn());
    }

    @ParameterizedTest
    @ValueSource(strings = {"iqn.2001-13.com.example", "iqn.01-04.com.example", "iqn.2001-04", "eui.0200",
        "naa.123", "target0", "iqn.2001-04.com.example:a_b", "iqn.2001-04.com.example:a b"})
    void invalidNamesNameTheIqnKey(String name) {
        assertKey("iqn", props("iqn", name));
    }

    @Test
    void missingIqn() {
        assertKey("iqn", props("iqn", null));
    }

    @Test
    void lunKeys() {
        assertKey("lun.16384", props("lun.16384", "d"));
        assertKey("lun.x", props("lun.x", "d"));
        assertKey("lun.-1", props("lun.-1", "d"));
        assertKey("lun.3", props("lun.3", " "));
    }

    @Test
    void initiatorPatterns() throws Exception {
        TargetConfig c = TargetConfig.parse(props("initiators",
                "iqn.1994-05.com.redhat:host1, iqn.2026-01.org.test:*, 127.0.0.0/8, [::1], 192.168.1.10"));
        assertEquals(List.of("iqn.1994-05.com.redhat:host1", "iqn.2026-01.org.test:*", "127.0.0.0/8", "[::1]",
                "192.168.1.10"), c.initiators().entries());
        assertEquals(List.of("ALL"), TargetConfig.parse(props("initiators", "ALL")).initiators().entries());
        assertKey("initiators", props("initiators", "host.example.com"));
        assertKey("initiators", props("initiators", "10.0.0.0/33"));
        assertKey("initiators", props("initiators", "::1/129"));
        assertKey("initiators", props("initiators", "iqn.2001-04.com.example:a_b*"));
        assertKey("initiators", props("initiators", "10.0.0.0/x"));
        assertKey("initiators", props("initiators", "999.0.0.1"));
        assertKey("initiators", props("initiators", "::ffff:10.0.0.0/95"));
    }

    /** An empty value admitted every initiator (it read as "no rule"); it now fails the key. */
    @Test
    void emptyOrBadInitiatorsFailTheKeyWhileAbsentAdmitsAll() throws Exception {
        assertSame(InitiatorAcl.all(), TargetConfig.parse(props("initiators", null)).initiators(),
                "absent: every initiator");
        assertKey("initiators", props("initiators", ""));
        assertKey("initiators", props("initiators", "  "));
        assertKey("initiators", props("initiators", " , ,"));
        // a bad entry fails the key even beside ALL, which no longer hides it
        assertKey("initiators", props("initiators", "ALL, host.example.com"));
        assertKey("initiators", props("initiators", "iqn.2026-01.org.test:a, host.example.com"));
        ConfigException e = assertThrows(ConfigException.class,
                () -> TargetConfig.parseInitiators(Map.of("initiators", "")));
        assertTrue(e.getMessage().contains("admits no initiator"), e.getMessage());
    }

    @Test
    void patternMatching() throws Exception {
        InetAddress v4 = InetAddress.getByName("127.5.6.7");
        InetAddress v6 = InetAddress.getByName("::1");
        InetAddress lan = InetAddress.getByName("192.168.1.10");
        assertTrue(InitiatorPattern.parse("k", "127.0.0.0/8").matches("x", v4));
        assertFalse(InitiatorPattern.parse("k", "127.0.0.0/8").matches("x", lan));
        assertFalse(InitiatorPattern.parse("k", "127.0.0.0/8").matches("x", v6));
        assertTrue(InitiatorPattern.parse("k", "::1/128").matches("x", v6));
        assertTrue(InitiatorPattern.parse("k", "192.168.1.10").matches("x", lan));
        assertFalse(InitiatorPattern.parse("k", "192.168.1.11").matches("x", lan));
        assertTrue(InitiatorPattern.parse("k", "192.168.0.0/23").matches("x", lan));
        assertFalse(InitiatorPattern.parse("k", "192.168.0.0/24").matches("x", lan));
        assertTrue(InitiatorPattern.parse("k", "0.0.0.0/0").matches("x", lan));
        assertFalse(InitiatorPattern.parse("k", "127.0.0.0/8").matches("x", null));
        InitiatorPattern wild = InitiatorPattern.parse("k", "iqn.2026-01.org.test:*");
        assertTrue(wild.matches("iqn.2026-01.org.test:host1", null));
        assertTrue(wild.matches("IQN.2026-01.ORG.TEST:HOST1", null));
        assertFalse(wild.matches("iqn.2026-01.org.testing:host1", null));
        InitiatorPattern mid = InitiatorPattern.parse("k", "iqn.*.org.test:host*");
        assertTrue(mid.matches("iqn.2020-01.org.test:host9", null));
        assertFalse(mid.matches("iqn.2020-01.org.test:other", null));
        InitiatorPattern exact = InitiatorPattern.parse("k", "iqn.1994-05.com.redhat:host1");
        assertTrue(exact.matches("iqn.1994-05.com.redhat:host1", lan));
        assertFalse(exact.matches("iqn.1994-05.com.redhat:host10", lan));
        // the dot is literal, not a regex wildcard
        assertFalse(exact.matches("iqn.1994-05xcom.redhat:host1", lan));
    }

    @Test
    void aluaKeyGivesTheTpgsOfTheTargetsLus() throws Exception {
        assertEquals(org.jstgt.scsi.alua.AluaMode.IMPLICIT, TargetConfig.parse(props()).alua(), "default");
        String[][] cases = {{"none", "0"}, {"implicit", "1"}, {"Explicit", "2"}, {" both ", "3"}};
        for (String[] c : cases) {
            assertEquals(Integer.parseInt(c[1]), TargetConfig.parse(props("alua", c[0])).alua().tpgs(), c[0]);
        }
        assertKey("alua", props("alua", "on"));
        assertKey("alua", props("alua", ""));
        assertKey("alua", props("alua", "active/optimized"));
    }

    private static void assertKey(String key, Map<String, Object> p) {
        ConfigException e = assertThrows(ConfigException.class, () -> TargetConfig.parse(p));
        assertEquals(key, e.key(), e.getMessage());
    }
}
