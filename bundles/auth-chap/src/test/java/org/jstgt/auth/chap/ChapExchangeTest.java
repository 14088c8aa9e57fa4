package org.jstgt.auth.chap;

import static org.junit.jupiter.api.Assertions.*;

import java.util.List;
import java.util.Map;

import org.jstgt.api.auth.AuthStep;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ChapExchangeTest extends ChapTestSupport {

    @ParameterizedTest
    @ValueSource(ints = {5, 6, 7, 8})
    void oneWayLoginWithEachAlgorithm(int algorithm) {
        ChapExchange x = exchange();
        Challenge c = challenged(x, Integer.toString(algorithm));
        assertEquals(algorithm, c.algorithm());
        assertEquals(Math.max(16, ChapAlgorithm.byNumber(algorithm).orElseThrow().digestLength()), c.bytes().length);
        AuthStep s = step(x, true, "CHAP_N", "alice", "CHAP_R", hex(chap(algorithm, c.id(), ALICE_SECRET, c.bytes())));
        assertEquals(AuthStep.Outcome.SUCCESS, s.outcome(), s.detail());
        assertEquals("alice", s.identity());
        assertEquals(List.of(), s.keys());
        assertEquals(0, s.delayMillis());
        // a later request (T=1 after an answer with T=0) still stands authenticated
        assertEquals(AuthStep.Outcome.SUCCESS, step(x, true).outcome());
        assertFailure(step(x, true, "CHAP_N", "alice"), "after authentication succeeded");
    }

    @Test
    void theResponseMayBeBase64AndCapitalHex() {
        ChapExchange x = exchange();
        Challenge c = challenged(x, "7");
        byte[] r = chap(7, c.id(), ALICE_SECRET, c.bytes());
        assertEquals(AuthStep.Outcome.SUCCESS, step(x, true, "CHAP_N", "alice", "CHAP_R", base64(r)).outcome());
        x = exchange();
        c = challenged(x, "5");
        r = chap(5, c.id(), ALICE_SECRET, c.bytes());
        String upper = "0X" + hex(r).substring(2).toUpperCase();
        assertEquals(AuthStep.Outcome.SUCCESS, step(x, true, "CHAP_N", "alice", "CHAP_R", upper).outcome());
    }

    @Test
    void challengesAreFreshForEachLogin() {
        Challenge a = challenged(exchange(), "5");
        Challenge b = challenged(exchange(), "5");
        assertFalse(java.util.Arrays.equals(a.bytes(), b.bytes()));
    }

    @Test
    void mutualLoginInHex() {
        ChapExchange x = exchange();
        Challenge c = challenged(x, "7,5");
        assertEquals(7, c.algorithm());
        byte[] mine = new byte[32];
        random.nextBytes(mine);
        AuthStep s = step(x, true, "CHAP_N", "bob", "CHAP_R", hex(chap(7, c.id(), BOB_SECRET, c.bytes())),
                "CHAP_I", "77", "CHAP_C", hex(mine));
        assertEquals(AuthStep.Outcome.SUCCESS, s.outcome(), s.detail());
        assertEquals("bob", s.identity());
        assertEquals(List.of(Map.entry("CHAP_N", "iqn.2026-11.org.jstgt:demo"),
                Map.entry("CHAP_R", hex(chap(7, 77, BOB_TARGET_SECRET, mine)))), s.keys());
    }

    @Test
    void mutualLoginInBase64WithAHexIdentifier() {
        ChapExchange x = exchange("mutual", "auth.groups", "bob");
        Challenge c = challenged(x, "8");
        byte[] mine = new byte[16];
        random.nextBytes(mine);
        AuthStep s = step(x, false, "CHAP_N", "bob", "CHAP_R", base64(chap(8, c.id(), BOB_SECRET, c.bytes())),
                "CHAP_I", "0x2a", "CHAP_C", base64(mine));
        assertEquals(AuthStep.Outcome.SUCCESS, s.outcome(), s.detail());
        assertEquals(hex(chap(8, 42, BOB_TARGET_SECRET, mine)), s.keys().get(1).getValue());
    }

    @Test
    void aReflectedChallengeIsRefused() {
        ChapExchange x = exchange();
        Challenge c = challenged(x, "5");
        AuthStep s = step(x, true, "CHAP_N", "bob", "CHAP_R", hex(chap(5, c.id(), BOB_SECRET, c.bytes())),
                "CHAP_I", Integer.toString(c.id()), "CHAP_C", hex(c.bytes()));
        assertFailure(s, "CHAP_N 'bob'", "reflection");
    }

    @Test
    void theTargetsOwnAnswerAsTheResponseIsRefused() {
        assertFailure(answer(exchange(), "bob", BOB_TARGET_SECRET), "reflection");
    }

    @Test
    void badIdentifiers() {
        for (String id : new String[] {"256", "-1", "0x100", "abc", "", "1 "}) {
            ChapExchange x = exchange();
            Challenge c = challenged(x, "5");
            byte[] mine = new byte[16];
            AuthStep s = step(x, true, "CHAP_N", "bob", "CHAP_R", hex(chap(5, c.id(), BOB_SECRET, c.bytes())),
                    "CHAP_I", id, "CHAP_C", hex(mine));
            assertFailure(s, "CHAP_I is not a number from 0 to 255");
        }
    }

    @Test
    void peerChallengesOf16To1024BytesOnly() {
        for (int length : new int[] {15, 1025}) {
            ChapExchange x = exchange();
            Challenge c = challenged(x, "5");
            AuthStep s = step(x, true, "CHAP_N", "bob", "CHAP_R", hex(chap(5, c.id(), BOB_SECRET, c.bytes())),
                    "CHAP_I", "1", "CHAP_C", hex(new byte[length]));
            assertFailure(s, "CHAP_C");
        }
        ChapExchange x = exchange();
        Challenge c = challenged(x, "5");
        AuthStep s = step(x, true, "CHAP_N", "bob", "CHAP_R", hex(chap(5, c.id(), BOB_SECRET, c.bytes())),
                "CHAP_I", "1", "CHAP_C", hex(new byte[1024]));
        assertEquals(AuthStep.Outcome.SUCCESS, s.outcome(), s.detail());
    }

    @Test
    void malformedOrWrongLengthResponses() {
        ChapExchange probe = exchange();
        Challenge pc = challenged(probe, "5");
        String good = hex(chap(5, pc.id(), ALICE_SECRET, pc.bytes()));
        String[][] cases = {
            {"5", "0x" + "ab".repeat(15), "CHAP_R has 15 bytes; a MD5 response has 16"},
            {"5", good.substring(0, good.length() - 1), "odd number of hex digits"},
            {"5", "0x" + "zz".repeat(16), "not hex digits"},
            {"5", "0b%%%%", "not base64"},
            {"5", "abcdef", "not a 0x hex or 0b base64 constant"},
            {"7", good, "CHAP_R has 16 bytes; a SHA-256 response has 32"},
            {"6", "0x" + "00".repeat(32), "a SHA-1 response has 20"}};
        for (String[] k : cases) {
            ChapExchange x = exchange();
            challenged(x, k[0]);
            assertFailure(step(x, true, "CHAP_N", "alice", "CHAP_R", k[1]), "CHAP_N 'alice'", k[2]);
        }
    }

    @Test
    void theFirstAllowedAlgorithmInTheInitiatorsOrder() {
        assertEquals(7, challenged(exchange(), "7,5").algorithm());
        assertEquals(6, challenged(exchange(), "129,6,5").algorithm());
        assertEquals(8, challenged(exchange("chap", "auth.groups", "alice", "chap.algorithms", "SHA-256, 8"),
                "5,8,7").algorithm());
        assertEquals(7, challenged(exchange(), "0x07").algorithm());
        assertEquals(5, challenged(exchange("chap", "auth.groups", "alice", "chap.algorithms", "md5"), "7,6,5")
                .algorithm());
    }

    @Test
    void noAllowedAlgorithmRefuses() {
        ChapExchange x = exchange("chap", "auth.groups", "alice", "chap.algorithms", "SHA-256,SHA3-256");
        assertEquals(AuthStep.Outcome.CONTINUE, step(x, false).outcome());
        assertFailure(step(x, false, "CHAP_A", "5"), "CHAP_A=5", "no offered algorithm is allowed by " + ORIGIN,
                "chap.algorithms: SHA-256, SHA3-256");
        x = exchange();
        assertFailure(step(x, false, "CHAP_A", "1,2,129"), "no offered algorithm");
    }

    @Test
    void anAlgorithmThatIsNotANumberRefuses() {
        for (String offer : new String[] {"MD5", "5,,7", "5, 7", "", "None", "Reject"}) {
            assertFailure(step(exchange(), false, "CHAP_A", offer), "is not a number");
        }
    }

    @Test
    void keysOutOfOrder() {
        assertFailure(step(exchange(), false, "CHAP_N", "alice", "CHAP_R", "0x00"),
                "CHAP_N, CHAP_R before the target sent its challenge");
        assertFailure(step(exchange(), false, "CHAP_A", "5", "CHAP_I", "1", "CHAP_C", hex(new byte[16])),
                "CHAP_I, CHAP_C with CHAP_A");
        ChapExchange x = exchange();
        challenged(x, "5");
        assertFailure(step(x, false, "CHAP_A", "5"), "CHAP_A sent twice");
        x = exchange();
        assertFailure(step(x, false, "CHAP_A", "5", "CHAP_A", "7"), "CHAP_A sent twice");
    }

    @Test
    void afterTheChallengeTheInitiatorMustAnswerBeforeItMayLeave() {
        ChapExchange x = exchange();
        challenged(x, "5");
        assertEquals(AuthStep.Outcome.CONTINUE, step(x, false).outcome());
        assertFailure(step(x, true), "T=1 without CHAP_N and CHAP_R");
    }

    @Test
    void incompleteAnswers() {
        ChapExchange x = exchange();
        Challenge c = challenged(x, "5");
        String r = hex(chap(5, c.id(), BOB_SECRET, c.bytes()));
        assertFailure(step(x, false, "CHAP_N", "bob"), "CHAP_R missing");
        x = exchange();
        challenged(x, "5");
        assertFailure(step(x, false, "CHAP_R", r), "CHAP_N missing");
        x = exchange();
        c = challenged(x, "5");
        r = hex(chap(5, c.id(), BOB_SECRET, c.bytes()));
        assertFailure(step(x, false, "CHAP_N", "bob", "CHAP_R", r, "CHAP_I", "1"), "CHAP_I without CHAP_C");
        x = exchange();
        c = challenged(x, "5");
        r = hex(chap(5, c.id(), BOB_SECRET, c.bytes()));
        assertFailure(step(x, false, "CHAP_N", "bob", "CHAP_R", r, "CHAP_C", hex(new byte[16])),
                "CHAP_C without CHAP_I");
    }

    @Test
    void policyMutualRequiresTheInitiatorsChallenge() {
        assertFailure(answer(exchange("mutual", "auth.groups", "bob"), "bob", BOB_SECRET),
                "no CHAP_I/CHAP_C: auth = mutual");
    }

    @Test
    void policyChapAnswersAMutualChallengeOnlyWithMutualCredentials() {
        AuthStep s = answer(exchange(), "alice", ALICE_SECRET, "CHAP_I", "3", "CHAP_C", hex(new byte[20]));
        assertFailure(s, "credential set 'alice'", "has no mutual.user/mutual.secret");
    }

    @Test
    void unknownUserAndWrongSecretReadTheSame() {
        AuthStep wrong = answer(exchange(), "alice", BOB_SECRET);
        AuthStep unknown = answer(exchange(), "mallory", ALICE_SECRET);
        assertFailure(wrong, "CHAP_N 'alice': unknown user or wrong response; 1st failure");
        assertFailure(unknown, "CHAP_N 'mallory': unknown user or wrong response; 2nd failure");
    }

    @Test
    void failuresAreHeldBackMoreEachTimeAndSuccessIsNot() {
        long[] expected = {0, 1000, 2000, 4000};
        for (long delay : expected) {
            assertEquals(delay, answer(exchange(), "alice", "guess-guess-guess").delayMillis());
        }
        AuthStep s = answer(exchange(), "alice", ALICE_SECRET);
        assertEquals(AuthStep.Outcome.SUCCESS, s.outcome());
        assertEquals(0, s.delayMillis());
        assertFailure(step(exchange(), false, "CHAP_A", "x"),
                "5th failure from this address, each within 15 minutes of the last; refusal held back 8 s");
    }

    @Test
    void anyOfSeveralSetsWithTheSameUserMayMatch() {
        sets.update("p-alice2", CredentialSetsTest.file("alice2", "chap.user", "alice", "chap.secret", "second-secret-x"));
        ChapExchange x = exchange("chap", "auth.groups", "alice,alice2");
        Challenge c = challenged(x, "6");
        forbidden.add("second-secret-x");
        AuthStep s = step(x, true, "CHAP_N", "alice", "CHAP_R", hex(chap(6, c.id(), "second-secret-x", c.bytes())));
        assertEquals(AuthStep.Outcome.SUCCESS, s.outcome(), s.detail());
    }

    @Test
    void aUserOfAnUnusableSetIsATargetError() {
        sets.update("p-carol", CredentialSetsTest.file("carol", "chap.user", "carol", "chap.secret", "too-short"));
        AuthStep s = answer(exchange("chap", "auth.groups", "alice carol"), "carol", "too-short");
        assertEquals(AuthStep.Outcome.TARGET_ERROR, s.outcome());
        assertTrue(s.detail().contains("/opt/jstgt/etc/jstgt.auth-carol.cfg: key chap.secret"), s.detail());
        assertFalse(s.detail().contains("too-short"), s.detail());
        // the other set of the target keeps working
        s = answer(exchange("chap", "auth.groups", "alice carol"), "alice", ALICE_SECRET);
        assertEquals(AuthStep.Outcome.SUCCESS, s.outcome());
    }

    @Test
    void underPolicyMutualASetWithoutMutualCredentialsIsATargetError() {
        AuthStep s = answer(exchange("mutual", "auth.groups", "alice, bob"), "alice", ALICE_SECRET,
                "CHAP_I", "9", "CHAP_C", hex(new byte[16]));
        assertEquals(AuthStep.Outcome.TARGET_ERROR, s.outcome());
        assertTrue(s.detail().contains("which auth = mutual in " + ORIGIN + " requires"), s.detail());
    }

    @Test
    void anExchangeThatNeverEndsIsRefused() {
        ChapExchange x = exchange();
        for (int i = 0; i < ChapExchange.MAX_STEPS; i++) {
            assertEquals(AuthStep.Outcome.CONTINUE, step(x, false).outcome());
        }
        assertFailure(step(x, false), "no outcome after 8 requests");
    }

    @Test
    void nothingAfterCloseOrFailure() {
        ChapExchange x = exchange();
        challenged(x, "5");
        x.close();
        assertFailure(step(x, true, "CHAP_N", "alice", "CHAP_R", hex(new byte[16])), "after the exchange ended");
    }
}
