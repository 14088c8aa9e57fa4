package org.jstgt.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

/** Logins with CHAP over TCP against {@link ScriptedPortal} running a {@link ChapTargetScript}. */
class ChapLoginTest {
    private static final String USER = "iqn.2026-11.org.jstgt:testkit";
    private static final String SECRET = "initiator-secret-1";
    private static final String TARGET_USER = "target-1";
    private static final String TARGET_SECRET = "target-secret-22";

    private static InitiatorOptions options(ChapOptions chap) {
        return InitiatorOptions.defaults().withTimeout(Duration.ofSeconds(5)).withChap(chap);
    }

    private static ChapOptions oneWay() {
        return ChapOptions.oneWay(USER, SECRET);
    }

    private static ChapOptions mutual() {
        return oneWay().mutual(TARGET_USER, TARGET_SECRET);
    }

    @Test
    void oneWayChapThenOperationalStageThenCommands() throws Exception {
        ChapTargetScript script = new ChapTargetScript("chap", USER, SECRET).supporting(7, 6, 5);
        try (ScriptedPortal t = new ScriptedPortal(65536, 8192)) {
            t.security = script;
            try (Initiator i = Initiator.connect(t.address(), options(oneWay()))) {
                Negotiated n = i.login(ScriptedPortal.IQN);
                assertEquals("CHAP", n.targetKeys().get("AuthMethod"));
                assertEquals("7", n.targetKeys().get("CHAP_A"));
                i.scsi(0, Cdbs.write10(0, 1), new byte[512], 0).assertGood();
                i.logout();
            }
            assertEquals(List.of(), t.errors);
        }
        List<ChapTargetScript.Request> r = script.requests;
        assertEquals(3, r.size(), r.toString());
        assertEquals("CHAP,None", r.get(0).keys().get("AuthMethod"));
        assertFalse(r.get(0).transit(), "no T bit before CHAP_R (RFC 7143 §12.1.3)");
        assertEquals(Map.of("CHAP_A", "7,6,5"), r.get(1).keys());
        assertFalse(r.get(1).transit());
        assertEquals(Map.of("CHAP_N", USER, "CHAP_R", r.get(2).keys().get("CHAP_R")), r.get(2).keys());
        assertTrue(r.get(2).keys().get("CHAP_R").startsWith("0x"));
        assertTrue(r.get(2).transit());
    }

    @Test
    void mutualChapWithSha3InBase64() throws Exception {
        ChapTargetScript script = new ChapTargetScript("mutual", USER, SECRET).mutual(TARGET_USER, TARGET_SECRET);
        try (ScriptedPortal t = new ScriptedPortal(65536, 8192)) {
            t.security = script;
            try (Initiator i = Initiator.connect(t.address(), options(mutual().withAlgorithms(8, 7).withBase64(true)))) {
                Negotiated n = i.login(ScriptedPortal.IQN);
                assertEquals("8", n.targetKeys().get("CHAP_A"));
                assertEquals(TARGET_USER, n.targetKeys().get("CHAP_N"));
                i.logout();
            }
            assertEquals(List.of(), t.errors);
        }
        Map<String, String> response = script.requests.get(2).keys();
        assertTrue(response.get("CHAP_R").startsWith("0b"), response.toString());
        assertTrue(response.get("CHAP_C").startsWith("0b"), response.toString());
        assertEquals(32, ChapTargetScript.decode(response.get("CHAP_C")).length, "challenge as long as the digest");
    }

    @Test
    void discoveryAuthenticatesToo() throws Exception {
        ChapTargetScript script = new ChapTargetScript("mutual", USER, SECRET).mutual(TARGET_USER, TARGET_SECRET);
        try (ScriptedPortal t = new ScriptedPortal(65536, 8192)) {
            t.security = script;
            List<DiscoveredTarget> d = Initiator.sendTargets(t.address(), options(mutual()));
            assertEquals(ScriptedPortal.IQN, d.get(0).name());
            assertEquals(List.of(), t.errors);
        }
        assertEquals("Discovery", script.requests.get(0).keys().get("SessionType"));
    }

    @Test
    void wrongSecretIsAnAuthenticationFailure() throws Exception {
        try (ScriptedPortal t = new ScriptedPortal(65536, 8192)) {
            t.security = new ChapTargetScript("chap", USER, SECRET);
            try (Initiator i = Initiator.connect(t.address(), options(ChapOptions.oneWay(USER, "not-the-secret")))) {
                LoginFailedException e = assertThrows(LoginFailedException.class, () -> i.login(ScriptedPortal.IQN));
                assertEquals(0x0201, e.status());
                assertEquals(2, e.statusClass());
                assertEquals(1, e.statusDetail());
            }
        }
    }

    @Test
    void noCredentialsForATargetThatRequiresChap() throws Exception {
        try (ScriptedPortal t = new ScriptedPortal(65536, 8192)) {
            t.security = new ChapTargetScript("chap", USER, SECRET);
            try (Initiator i = Initiator.connect(t.address(), InitiatorOptions.defaults())) {
                LoginFailedException e = assertThrows(LoginFailedException.class, () -> i.login(ScriptedPortal.IQN));
                assertEquals(0x0201, e.status());
            }
        }
    }

    @Test
    void targetWithAWrongMutualAnswerIsRefusedAndTheConnectionClosed() throws Exception {
        ChapTargetScript script = new ChapTargetScript("mutual", USER, SECRET).mutual(TARGET_USER, TARGET_SECRET);
        script.wrongMutualResponse = true;
        try (ScriptedPortal t = new ScriptedPortal(65536, 8192);
                Initiator i = Initiator.connect(t.address(), options(mutual()))) {
            t.security = script;
            TargetAuthenticationException e = assertThrows(TargetAuthenticationException.class,
                    () -> i.login(ScriptedPortal.IQN));
            assertTrue(e.getMessage().contains("CHAP_R is wrong"), e.getMessage());
            assertFalse(e.getMessage().contains(TARGET_SECRET), e.getMessage());
            assertThrows(IllegalStateException.class, () -> i.scsi(0, Cdbs.testUnitReady(), null, 0));
        }
    }

    @Test
    void targetAnsweringWithAnotherNameIsRefused() throws Exception {
        ChapTargetScript script = new ChapTargetScript("mutual", USER, SECRET).mutual(TARGET_USER, TARGET_SECRET);
        script.mutualNameOverride = "impostor";
        try (ScriptedPortal t = new ScriptedPortal(65536, 8192);
                Initiator i = Initiator.connect(t.address(), options(mutual()))) {
            t.security = script;
            TargetAuthenticationException e = assertThrows(TargetAuthenticationException.class,
                    () -> i.login(ScriptedPortal.IQN));
            assertTrue(e.getMessage().contains("CHAP_N=impostor"), e.getMessage());
        }
    }

    @Test
    void reflectedChallengeIsSentBack() throws Exception {
        ChapTargetScript script = new ChapTargetScript("mutual", USER, SECRET).mutual(TARGET_USER, SECRET);
        try (ScriptedPortal t = new ScriptedPortal(65536, 8192);
                Initiator i = Initiator.connect(t.address(), options(oneWay().mutual(TARGET_USER, SECRET)
                        .reflectingChallenge()))) {
            t.security = script;
            LoginFailedException e = assertThrows(LoginFailedException.class, () -> i.login(ScriptedPortal.IQN));
            assertEquals(0x0201, e.status());
        }
        assertTrue(script.reflectionSeen, "the target saw its own challenge and identifier come back");
    }

    @Test
    void targetThatChoosesNoneIsAcceptedOneWayButNotMutual() throws Exception {
        try (ScriptedPortal t = new ScriptedPortal(65536, 8192)) {
            t.security = new ChapTargetScript("none", USER, SECRET);
            try (Initiator i = Initiator.connect(t.address(), options(oneWay()))) {
                assertEquals("None", i.login(ScriptedPortal.IQN).targetKeys().get("AuthMethod"));
                i.logout();
            }
            assertEquals(List.of(), t.errors);
        }
        try (ScriptedPortal t = new ScriptedPortal(65536, 8192);
                Initiator i = Initiator.connect(t.address(), options(mutual()))) {
            t.security = new ChapTargetScript("none", USER, SECRET);
            IscsiProtocolException e = assertThrows(IscsiProtocolException.class, () -> i.login(ScriptedPortal.IQN));
            assertTrue(e.getMessage().contains("mutual"), e.getMessage());
        }
    }

    @Test
    void targetSettingTheTBitUnaskedIsAProtocolError() throws Exception {
        ChapTargetScript script = new ChapTargetScript("chap", USER, SECRET);
        script.transitEagerly = true;
        try (ScriptedPortal t = new ScriptedPortal(65536, 8192);
                Initiator i = Initiator.connect(t.address(), options(oneWay()))) {
            t.security = script;
            IscsiProtocolException e = assertThrows(IscsiProtocolException.class, () -> i.login(ScriptedPortal.IQN));
            assertTrue(e.getMessage().contains("T bit"), e.getMessage());
        }
    }

    @Test
    void algorithmsTheTargetLacksEndInReject() throws Exception {
        try (ScriptedPortal t = new ScriptedPortal(65536, 8192);
                Initiator i = Initiator.connect(t.address(), options(oneWay().withAlgorithms(5)))) {
            t.security = new ChapTargetScript("chap", USER, SECRET).supporting(8, 7);
            IscsiProtocolException e = assertThrows(IscsiProtocolException.class, () -> i.login(ScriptedPortal.IQN));
            assertTrue(e.getMessage().contains("CHAP_A=Reject"), e.getMessage());
        }
    }
}
