package org.jstgt.scsi.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Map;

import org.jstgt.api.ConfigException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The {@code initiators} rule: entries in order, the first match decides, {@code !} denies, no match refuses. */
class InitiatorAclTest {
    private static final String BAD = "iqn.2026-11.org.example:bad";
    private static final String GOOD = "iqn.2026-11.org.example:good";
    private static final String STRANGER = "iqn.2026-11.com.elsewhere:host";

    private static InitiatorAcl acl(String value) throws ConfigException {
        return TargetConfig.parseInitiators(Map.of(TargetConfig.INITIATORS, value));
    }

    private static InetAddress ip(String literal) {
        try {
            return InetAddress.getByName(literal);
        } catch (UnknownHostException e) {
            throw new AssertionError(e);
        }
    }

    /** {@code ::ffff:a.b.c.d} kept in IPv6 form, as a dual-stack socket may report a peer. */
    private static InetAddress mapped(int a, int b, int c, int d) {
        byte[] bytes = new byte[16];
        bytes[10] = (byte) 0xff;
        bytes[11] = (byte) 0xff;
        bytes[12] = (byte) a;
        bytes[13] = (byte) b;
        bytes[14] = (byte) c;
        bytes[15] = (byte) d;
        try {
            InetAddress v6 = Inet6Address.getByAddress(null, bytes, -1);
            assertTrue(v6 instanceof Inet6Address, "the JDK kept the IPv6 form");
            return v6;
        } catch (UnknownHostException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void theDocumentedExample() throws Exception {
        InitiatorAcl rule = acl("!iqn.2026-11.org.example:bad, iqn.2026-11.org.example:*, 10.0.0.0/8, !::/0");
        assertFalse(rule.admits(BAD, ip("10.1.2.3")), "denied by name before its network could admit it");
        assertTrue(rule.admits(GOOD, ip("192.168.1.10")), "admitted by name from anywhere");
        assertTrue(rule.admits(GOOD, ip("2001:db8::1")));
        assertTrue(rule.admits(STRANGER, ip("10.1.2.3")), "admitted by address");
        assertFalse(rule.admits(STRANGER, ip("192.168.1.10")), "no entry matches: refused");
        assertFalse(rule.admits(STRANGER, ip("2001:db8::1")), "denied by !::/0");
        assertEquals(List.of("!iqn.2026-11.org.example:bad", "iqn.2026-11.org.example:*", "10.0.0.0/8", "!::/0"),
                rule.entries());
        assertEquals("!iqn.2026-11.org.example:bad, iqn.2026-11.org.example:*, 10.0.0.0/8, !::/0", rule.toString());
    }

    @Test
    void theFirstMatchingEntryDecides() throws Exception {
        InetAddress lan = ip("192.168.1.10");
        assertFalse(acl("!" + BAD + ", " + BAD).admits(BAD, lan), "deny before allow");
        assertTrue(acl(BAD + ", !" + BAD).admits(BAD, lan), "allow before deny");
        assertFalse(acl("!192.168.1.0/24, iqn.2026-11.org.example:*").admits(GOOD, lan), "an address denial first");
        assertTrue(acl("iqn.2026-11.org.example:*, !192.168.1.0/24").admits(GOOD, lan), "a name allowance first");
        assertFalse(acl("iqn.2026-11.org.example:*, !192.168.1.0/24").admits(STRANGER, lan));
        assertFalse(acl("!192.168.1.10, 192.168.0.0/16").admits(STRANGER, lan), "the narrower denial first");
        assertTrue(acl("!192.168.1.10, 192.168.0.0/16").admits(STRANGER, ip("192.168.1.11")));
    }

    @Test
    void noMatchingEntryRefuses() throws Exception {
        assertFalse(acl(GOOD).admits(STRANGER, ip("10.0.0.1")));
        assertFalse(acl("!" + BAD).admits(GOOD, ip("10.0.0.1")), "denials alone admit no one");
        assertFalse(acl("10.0.0.0/8").admits(GOOD, null), "no address: no address entry matches");
        assertFalse(acl(GOOD).admits(null, ip("10.0.0.1")), "no name: no name entry matches");
    }

    @Test
    void allAndAnAbsentKey() throws Exception {
        assertTrue(InitiatorAcl.all().admits(STRANGER, ip("10.0.0.1")));
        assertTrue(InitiatorAcl.all().admits(null, null));
        assertEquals(List.of(), InitiatorAcl.all().entries(), "listed as no entry (the shell prints all)");
        assertEquals("ALL", InitiatorAcl.all().toString());
        assertTrue(acl("ALL").admits(STRANGER, ip("10.0.0.1")));
        assertTrue(acl("all").admits(null, null), "ALL in any case");
        assertTrue(acl("*").admits(STRANGER, null), "* alone is ALL");
        assertFalse(acl("!ALL").admits(GOOD, ip("10.0.0.1")), "!ALL denies everyone");
        assertFalse(acl("!ALL, " + GOOD).admits(GOOD, ip("10.0.0.1")), "entries after !ALL are never reached");
        assertTrue(acl("!" + BAD + ", ALL").admits(STRANGER, ip("10.0.0.1")), "everyone but one");
        assertFalse(acl("!" + BAD + ", ALL").admits(BAD, ip("10.0.0.1")));
        assertEquals(List.of("!ALL"), acl("! ALL").entries());
    }

    @Test
    void aDenialMayHaveSpacesAfterItsMark() throws Exception {
        InitiatorAcl rule = acl("!   " + BAD + ", !\t10.0.0.0/8, ALL");
        assertFalse(rule.admits(BAD, ip("192.168.1.1")));
        assertFalse(rule.admits(GOOD, ip("10.9.9.9")));
        assertTrue(rule.admits(GOOD, ip("192.168.1.1")));
        assertEquals(List.of("!" + BAD, "!10.0.0.0/8", "ALL"), rule.entries());
    }

    @Test
    void wildcardNames() throws Exception {
        InitiatorAcl rule = acl("!iqn.2026-11.org.example:*-test, iqn.*.org.example:*");
        assertFalse(rule.admits("iqn.2026-11.org.example:host-test", null));
        assertTrue(rule.admits("iqn.2026-11.org.example:host-prod", null));
        assertTrue(rule.admits("IQN.2020-01.ORG.EXAMPLE:X", null), "names compare in lower case");
        assertFalse(rule.admits("iqn.2026-11.org.examples:host", null), "'.' is literal, '*' is the only wildcard");
    }

    @Test
    void ipv6Networks() throws Exception {
        InitiatorAcl rule = acl("!2001:db8:0:1::/64, 2001:db8::/32, [fe80::1]");
        assertTrue(rule.admits(STRANGER, ip("2001:db8:0:2::5")));
        assertFalse(rule.admits(STRANGER, ip("2001:db8:0:1::5")), "the narrower denial first");
        assertFalse(rule.admits(STRANGER, ip("2001:db9::1")));
        assertTrue(rule.admits(STRANGER, ip("fe80::1")));
        assertFalse(rule.admits(STRANGER, ip("10.0.0.1")), "an IPv6 network matches no IPv4 peer");
        assertFalse(acl("::/0").admits(STRANGER, ip("10.0.0.1")));
        assertTrue(acl("::/0").admits(STRANGER, ip("::1")));
    }

    /** A dual-stack portal may see an IPv4 peer as ::ffff:a.b.c.d; it is still that IPv4 peer. */
    @Test
    void ipv4MappedPeersMatchIpv4Networks() throws Exception {
        InetAddress peer = mapped(10, 0, 0, 1);
        assertTrue(acl("10.0.0.0/8").admits(STRANGER, peer));
        assertTrue(acl("10.0.0.1").admits(STRANGER, peer));
        assertFalse(acl("!10.0.0.0/8, ALL").admits(STRANGER, peer), "denied as its IPv4 address");
        assertFalse(acl("192.168.0.0/16").admits(STRANGER, peer));
        assertFalse(acl("::/0").admits(STRANGER, peer), "IPv4 however it arrives");
        // a network written in the mapped form is the IPv4 network it carries
        assertTrue(acl("::ffff:10.0.0.0/104").admits(STRANGER, peer));
        assertTrue(acl("::ffff:10.0.0.0/104").admits(STRANGER, ip("10.200.0.1")));
        assertFalse(acl("::ffff:10.0.0.0/104").admits(STRANGER, ip("11.0.0.1")));
        assertTrue(acl("[::ffff:10.0.0.1]").admits(STRANGER, ip("10.0.0.1")));
        assertFalse(acl("[::ffff:10.0.0.1]").admits(STRANGER, ip("10.0.0.2")));
    }

    @ParameterizedTest
    @ValueSource(strings = {"!", "!  ", "!!" + GOOD, "! !" + GOOD, "!host.example.com", "garbage", "10.0.0.0/33",
        "!::/129", "10.0.0.0/-1", "10.0.0.0/+8", "10.0.0.0/", "300.1.1.1", "::ffff:10.0.0.0/90", GOOD + ", !",
        "ALL, !!ALL", "iqn.2026-11.org.example:a b"})
    void badEntriesFailTheKey(String value) {
        ConfigException e = assertThrows(ConfigException.class, () -> acl(value));
        assertEquals(TargetConfig.INITIATORS, e.key(), e.getMessage());
    }

    @Test
    void badEntriesSayWhatIsWrong() {
        assertTrue(assertThrows(ConfigException.class, () -> acl("!")).getMessage().contains("'!' alone"));
        assertTrue(assertThrows(ConfigException.class, () -> acl("!!" + GOOD)).getMessage()
                .contains("one '!' at most"));
        assertThrows(ConfigException.class, () -> InitiatorAcl.parse(TargetConfig.INITIATORS, List.of()));
    }
}
