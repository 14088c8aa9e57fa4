package org.jstgt.iscsi.login;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Collections;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

/** The {@code redirect} keys: what is accepted and how it is written in {@code TargetAddress}. */
class RedirectionTest {

    @Test
    void addressesAreCheckedAndWrittenAsTargetAddressCarriesThem() {
        assertEquals("10.1.2.3:3260", Redirection.address("10.1.2.3"));
        assertEquals("[2001:db8::1]:3262", Redirection.address("[2001:0db8:0:0:0:0:0:1]:3262"));
        assertEquals("[::1]:3260", Redirection.address("[::1]"));
        assertEquals("Storage-2.example.com:3260", Redirection.address("Storage-2.example.com"));
        assertEquals("localhost:65535", Redirection.address("localhost:65535"));
        for (String wrong : new String[] {"", "[::1", "[::1]3260", "[10.0.0.1]", "-host", "host-", "a..b", "3260",
                "10.0.0.1:99999", "10.0.0.1:+1", "10.0.0.1:", "[::]:3260", "[fe80::1%eth0]",
                "x".repeat(64) + ".example", ("a".repeat(63) + ".").repeat(4) + "b"}) {
            assertThrows(IllegalArgumentException.class, () -> Redirection.address(wrong), wrong);
        }
    }

    @Test
    void keysMakeARedirectionOrNone() {
        assertSame(Redirection.NONE, Redirection.from(Map.of(), "t"));
        assertSame(Redirection.NONE, Redirection.from(Map.of(Redirection.KEY, "  "), "t"));
        assertSame(Redirection.NONE, Redirection.from(Map.of(Redirection.TYPE_KEY, "permanent"), "t"));
        Redirection r = Redirection.from(Map.of(Redirection.KEY, " 10.0.0.2 , [fd00::2]:3261 "), "t");
        assertEquals(List.of("10.0.0.2:3260", "[fd00::2]:3261"), r.addresses());
        assertEquals("temporarily", r.type());
        assertNull(r.problem());
        assertEquals("permanently", Redirection.from(Map.of(Redirection.KEY, "h", Redirection.TYPE_KEY, "PERMANENT"),
                "t").type());
        Redirection bad = Redirection.from(Map.of(Redirection.KEY, "10.0.0.2:3260,2", Redirection.TYPE_KEY, "soon"),
                "t");
        assertTrue(bad.addresses().isEmpty());
        assertTrue(bad.problem().contains("redirect: '2'") && bad.problem().contains("redirect.type: 'soon'"),
                bad.problem());
        // more than one Login Response carries (8192 bytes of text during login)
        String longName = "a".repeat(60) + "." + "b".repeat(60) + "." + "c".repeat(60) + ".example:3260";
        Redirection tooMany = Redirection.from(Map.of(Redirection.KEY, String.join(",",
                Collections.nCopies(40, longName))), "t");
        assertTrue(tooMany.problem().contains("8192"), tooMany.problem());
        assertEquals(30, Redirection.from(Map.of(Redirection.KEY, String.join(",", Collections.nCopies(30, longName))),
                "t").addresses().size());
    }

    @Test
    void targetSettingsCarryTheRedirection() {
        TargetSettings s = TargetSettings.from(Map.of(Redirection.KEY, "10.0.0.2"), "t");
        assertEquals(List.of("10.0.0.2:3260"), s.redirection().addresses());
        assertSame(Redirection.NONE, TargetSettings.defaults().redirection());
    }
}
