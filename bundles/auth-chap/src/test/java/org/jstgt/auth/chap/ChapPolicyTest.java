package org.jstgt.auth.chap;

import static org.junit.jupiter.api.Assertions.*;

import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

class ChapPolicyTest extends ChapTestSupport {

    private ChapPolicy policy(String auth, String... props) throws ChapPolicy.Invalid {
        Map<String, String> p = new LinkedHashMap<>();
        for (int i = 0; i < props.length; i += 2) {
            p.put(props[i], props[i + 1]);
        }
        return ChapPolicy.of(context(auth, p), sets.snapshot());
    }

    private String invalid(String auth, String... props) {
        ChapPolicy.Invalid e = assertThrows(ChapPolicy.Invalid.class, () -> policy(auth, props));
        assertTrue(e.getMessage().startsWith(ORIGIN + ": key "), e.getMessage());
        return e.getMessage();
    }

    @Test
    void groupsAreRequired() {
        assertTrue(invalid("chap").contains("key auth.groups is missing"));
        assertTrue(invalid("chap", "auth.groups", " , ").contains("key auth.groups is empty"));
    }

    @Test
    void groupsMustNameAUsableSet() {
        String m = invalid("chap", "auth.groups", "zed");
        assertTrue(m.contains("key auth.groups: no usable credential set: credential set 'zed' is not loaded"), m);
        sets.update("p-carol", CredentialSetsTest.file("carol", "chap.user", "carol", "chap.secret", "too-short"));
        m = invalid("chap", "auth.groups", "carol zed");
        assertTrue(m.contains("/opt/jstgt/etc/jstgt.auth-carol.cfg: key chap.secret: 9 bytes"), m);
        assertFalse(m.contains("too-short"), m);
        m = invalid("mutual", "auth.groups", "alice");
        assertTrue(m.contains("credential set 'alice' has no mutual.user/mutual.secret"), m);
    }

    @Test
    void namesListedByCommasOrSpacesOnce() throws Exception {
        ChapPolicy p = policy("chap", "auth.groups", "alice, bob alice,,zed");
        assertEquals(List.of("alice", "bob"), p.usable().stream().map(CredentialSet::name).toList());
        assertEquals(1, p.unusable().size());
        assertEquals(1, p.candidates("bob").size());
        assertTrue(p.candidates("carol").isEmpty());
        assertNull(p.unusableFor("zed"), "a set that is not loaded has no user to match");
        assertFalse(p.mutualRequired());
        assertTrue(policy("mutual", "auth.groups", "bob").mutualRequired());
    }

    @Test
    void algorithmsDefaultToAllAndAcceptNamesAndNumbers() throws Exception {
        assertEquals(EnumSet.allOf(ChapAlgorithm.class), policy("chap", "auth.groups", "alice").algorithms());
        assertEquals(EnumSet.allOf(ChapAlgorithm.class),
                policy("chap", "auth.groups", "alice", "chap.algorithms", " ").algorithms());
        assertEquals(EnumSet.of(ChapAlgorithm.SHA_256, ChapAlgorithm.SHA3_256),
                policy("chap", "auth.groups", "alice", "chap.algorithms", "sha-256 8").algorithms());
        String m = invalid("chap", "auth.groups", "alice", "chap.algorithms", "SHA-256,SHA-512");
        assertTrue(m.contains("key chap.algorithms: 'SHA-512' is not one of MD5 (5), SHA-1 (6), SHA-256 (7), "
                + "SHA3-256 (8)"), m);
        assertTrue(invalid("chap", "auth.groups", "alice", "chap.algorithms", "4").contains("'4'"));
    }

    @Test
    void onlyChapAndMutualArePolicies() {
        assertTrue(invalid("none", "auth.groups", "alice").contains("key auth: 'none' is not a CHAP policy"));
        assertTrue(invalid("Mutual", "auth.groups", "alice").contains("key auth: 'Mutual'"));
    }
}
