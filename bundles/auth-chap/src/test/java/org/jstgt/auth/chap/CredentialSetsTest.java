package org.jstgt.auth.chap;

import static org.junit.jupiter.api.Assertions.*;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;

import org.jstgt.api.Pids;
import org.junit.jupiter.api.Test;

class CredentialSetsTest {
    static final String SECRET = "s3cret-Alice-12";
    static final String MUTUAL = "t4rget-Answer-34";

    static Map<String, Object> file(String name, String... keyValues) {
        Map<String, Object> m = new HashMap<>();
        m.put(Pids.FILEINSTALL_FILENAME, "file:/opt/jstgt/etc/jstgt.auth-" + name + ".cfg");
        m.put("service.pid", "jstgt.auth.1234-" + name);
        for (int i = 0; i < keyValues.length; i += 2) {
            m.put(keyValues[i], keyValues[i + 1]);
        }
        return m;
    }

    private static CredentialSets.Unusable broken(String... keyValues) {
        CredentialSets sets = new CredentialSets();
        sets.update("p1", file("alice", keyValues));
        assertTrue(sets.snapshot().usable().isEmpty());
        CredentialSets.Unusable u = sets.snapshot().unusable().get("alice");
        assertNotNull(u);
        assertTrue(u.why().startsWith("/opt/jstgt/etc/jstgt.auth-alice.cfg: key "), u.why());
        return u;
    }

    @Test
    void aOneWaySetIsNamedAfterItsFile() {
        CredentialSets sets = new CredentialSets();
        sets.update("p1", file("alice", "chap.user", " iqn.2026-01.org.example:alice ", "chap.secret", SECRET));
        CredentialSet s = sets.snapshot().usable().get("alice");
        assertEquals("iqn.2026-01.org.example:alice", s.user());
        assertEquals("/opt/jstgt/etc/jstgt.auth-alice.cfg", s.origin());
        assertEquals(Secret.of(SECRET), s.secret());
        assertFalse(s.mutual());
        assertTrue(s.mutualName().isEmpty());
    }

    @Test
    void aMutualSetAndItsToStringShowsNoSecret() {
        CredentialSets sets = new CredentialSets();
        sets.update("p1", file("alice", "chap.user", "alice", "chap.secret", SECRET, "mutual.user", "target1",
                "mutual.secret", MUTUAL));
        CredentialSet s = sets.snapshot().usable().get("alice");
        assertTrue(s.mutual());
        assertEquals("target1", s.mutualName().orElseThrow());
        String text = s.toString() + sets.snapshot() + s.secret() + s.mutualSecret();
        assertFalse(text.contains(SECRET), text);
        assertFalse(text.contains(MUTUAL), text);
        assertTrue(text.contains("alice") && text.contains("target1"), text);
    }

    @Test
    void theDictionaryFromConfigAdminIsReadLikeAMap() {
        CredentialSets sets = new CredentialSets();
        Hashtable<String, Object> d = new Hashtable<>(file("bob", "chap.user", "bob", "chap.secret", SECRET));
        sets.updated("p2", d);
        assertEquals("bob", sets.snapshot().usable().get("bob").user());
        sets.deleted("p2");
        assertTrue(sets.snapshot().usable().isEmpty());
    }

    @Test
    void requiredKeys() {
        assertTrue(broken("chap.secret", SECRET).why().contains("key chap.user: missing"));
        assertTrue(broken("chap.user", "alice").why().contains("key chap.secret: missing"));
        assertTrue(broken("chap.user", " ", "chap.secret", SECRET).why().contains("key chap.user: missing"));
    }

    @Test
    void secretLengthIs12To255BytesAndNeverEchoed() {
        String eleven = "elevenbytes";
        CredentialSets.Unusable u = broken("chap.user", "alice", "chap.secret", eleven);
        assertTrue(u.why().contains("key chap.secret: 11 bytes"), u.why());
        assertFalse(u.why().contains(eleven), u.why());
        String long256 = "x".repeat(256);
        u = broken("chap.user", "alice", "chap.secret", long256);
        assertTrue(u.why().contains("key chap.secret: 256 bytes"), u.why());
        assertFalse(u.why().contains(long256), u.why());
        // bytes, not characters: 6 two-byte characters are 12 bytes
        CredentialSets sets = new CredentialSets();
        sets.update("p1", file("alice", "chap.user", "alice", "chap.secret", "éééééé"));
        assertNotNull(sets.snapshot().usable().get("alice"));
        assertNotNull(broken("chap.user", "alice", "chap.secret", SECRET, "mutual.user", "t", "mutual.secret", "short"));
    }

    @Test
    void userNamesAreBoundedAndFreeOfControlCharacters() {
        CredentialSets.Unusable u = broken("chap.user", "ali\u0001ce", "chap.secret", SECRET);
        assertTrue(u.why().contains("key chap.user: 'ali\\u0001ce' contains a control character"), u.why());
        u = broken("chap.user", "a".repeat(256), "chap.secret", SECRET);
        assertTrue(u.why().contains("key chap.user: 256 bytes"), u.why());
        u = broken("chap.user", "alice", "chap.secret", SECRET, "mutual.user", "t\nx", "mutual.secret", MUTUAL);
        assertTrue(u.why().contains("key mutual.user:"), u.why());
        u = broken("chap.user", "alice", "chap.secret", SECRET, "mutual.user", "é".repeat(128), "mutual.secret", MUTUAL);
        assertTrue(u.why().contains("key mutual.user: 256 bytes"), u.why());
    }

    @Test
    void mutualKeysComeInPairs() {
        CredentialSets.Unusable u = broken("chap.user", "alice", "chap.secret", SECRET, "mutual.user", "target1");
        assertTrue(u.why().contains("key mutual.secret: missing"), u.why());
        u = broken("chap.user", "alice", "chap.secret", SECRET, "mutual.secret", MUTUAL);
        assertTrue(u.why().contains("key mutual.user: missing"), u.why());
        assertFalse(u.why().contains(MUTUAL), u.why());
    }

    @Test
    void theSameSecretInBothDirectionsIsRefusedAndTheLogNamesFileAndKeyButNotTheSecret() {
        PrintStream err = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        CredentialSets.Unusable u;
        try {
            System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
            u = broken("chap.user", "alice", "chap.secret", SECRET, "mutual.user", "target1", "mutual.secret", SECRET);
        } finally {
            System.setErr(err);
        }
        assertTrue(u.why().contains("key mutual.secret: equals chap.secret"), u.why());
        assertEquals("alice", u.user());
        String log = captured.toString(StandardCharsets.UTF_8);
        assertTrue(log.contains("/opt/jstgt/etc/jstgt.auth-alice.cfg: key mutual.secret"), log);
        assertFalse(log.contains(SECRET), log);
        assertThrows(IllegalArgumentException.class, () -> new CredentialSet("a", "f", "u", Secret.of(SECRET), "t",
                Secret.of(SECRET)));
    }

    @Test
    void anUnreplacedSecretPlaceholderSaysTheSecretFileIsMissing() {
        CredentialSets.Unusable u = broken("chap.user", "alice", "chap.secret", "$[secret:alice-chap]");
        assertEquals("/opt/jstgt/etc/jstgt.auth-alice.cfg: key chap.secret: $[secret:alice-chap] was not replaced: "
                + "the secret file alice-chap is missing or unreadable in the secrets directory", u.why());
        u = broken("chap.user", "alice", "chap.secret", SECRET, "mutual.user", "t", "mutual.secret", "$[secret:m]");
        assertTrue(u.why().contains("key mutual.secret: $[secret:m] was not replaced"), u.why());
    }

    @Test
    void aListIsNotAValue() {
        CredentialSets sets = new CredentialSets();
        Map<String, Object> f = file("alice", "chap.user", "alice");
        f.put("chap.secret", new String[] {SECRET, SECRET});
        sets.update("p1", f);
        String why = sets.snapshot().unusable().get("alice").why();
        assertTrue(why.contains("key chap.secret: must be one value"), why);
        assertFalse(why.contains(SECRET), why);
    }

    @Test
    void aBrokenSetLeavesTheOthersAndAFixReplacesIt() {
        CredentialSets sets = new CredentialSets();
        sets.update("p1", file("alice", "chap.user", "alice", "chap.secret", SECRET));
        sets.update("p2", file("bob", "chap.user", "bob", "chap.secret", "short"));
        CredentialSets.Snapshot before = sets.snapshot();
        assertEquals(List.of("alice"), List.copyOf(before.usable().keySet()));
        assertEquals("bob", before.unusable().get("bob").user());
        sets.update("p2", file("bob", "chap.user", "bob", "chap.secret", "long-enough-now"));
        assertEquals(2, sets.snapshot().usable().size());
        assertTrue(sets.snapshot().unusable().isEmpty());
        // a snapshot taken earlier does not change under a login that holds it
        assertEquals(1, before.usable().size());
        sets.delete("p1");
        assertEquals(List.of("bob"), List.copyOf(sets.snapshot().usable().keySet()));
        sets.delete("unknown");
    }

    @Test
    void aNameDefinedTwiceIsUsableNowhere() {
        CredentialSets sets = new CredentialSets();
        Map<String, Object> one = file("alice", "chap.user", "alice", "chap.secret", SECRET);
        Map<String, Object> two = file("other", "chap.user", "alice2", "chap.secret", SECRET + "x");
        two.put("name", "alice");
        sets.update("p1", one);
        sets.update("p2", two);
        assertTrue(sets.snapshot().usable().isEmpty());
        String why = sets.snapshot().unusable().get("alice").why();
        assertTrue(why.contains("jstgt.auth-alice.cfg") && why.contains("jstgt.auth-other.cfg"), why);
        sets.delete("p2");
        assertNotNull(sets.snapshot().usable().get("alice"));
    }
}
