package org.jstgt.testkit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The pure parts of CHAP: responses, value encodings, options, and the exchange driven by maps. */
class ChapTest {

    @ParameterizedTest(name = "CHAP_A={0} is {1}")
    @CsvSource({"5, MD5, 16", "6, SHA-1, 20", "7, SHA-256, 32", "8, SHA3-256, 32"})
    void responseIsTheDigestOfIdentifierSecretAndChallenge(int number, String digest, int length) throws Exception {
        byte[] secret = "twelve-bytes-secret".getBytes(StandardCharsets.UTF_8);
        byte[] challenge = HexFormat.of().parseHex("00ff10203040506070");
        MessageDigest md = MessageDigest.getInstance(digest);
        md.update(new byte[] {(byte) 200});
        md.update(secret);
        md.update(challenge);
        ChapAlgorithm a = ChapAlgorithm.of(number);
        assertEquals(number, a.number());
        assertEquals(length, a.length());
        assertArrayEquals(md.digest(), a.response(200, secret, challenge));
    }

    @Test
    void responsesMatchValuesComputedOutsideJava() {
        // H(0x01 || "secret" || 0x00010203), computed with printf | md5sum and | sha256sum
        byte[] secret = "secret".getBytes(StandardCharsets.US_ASCII);
        byte[] challenge = {0, 1, 2, 3};
        assertEquals("e82cb2ed1efe04893c9cf73d4dd12e2d",
                HexFormat.of().formatHex(ChapAlgorithm.MD5.response(1, secret, challenge)));
        assertEquals("60ad105214396c736e4569759380672905396143713449e104a2be1e885b5d06",
                HexFormat.of().formatHex(ChapAlgorithm.SHA256.response(1, secret, challenge)));
    }

    @Test
    void unknownAlgorithmAndIdentifierAreRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ChapAlgorithm.of(9));
        assertTrue(e.getMessage().contains("5 (MD5)"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> ChapAlgorithm.MD5.response(256, new byte[1], new byte[1]));
    }

    @Test
    void binaryValuesDecodeFromHexAndBase64() throws Exception {
        assertArrayEquals(new byte[] {0x0a, (byte) 0xbc}, ChapExchange.binary("CHAP_C", "0x0aBc"));
        // RFC 7143 §6.1: an odd number of hex digits has an implied leading zero
        assertArrayEquals(new byte[] {0x0a, (byte) 0xbc}, ChapExchange.binary("CHAP_C", "0XaBc"));
        assertArrayEquals(new byte[] {1, 2, 3}, ChapExchange.binary("CHAP_C", "0bAQID"));
        assertEquals("0x010203", ChapExchange.encode(new byte[] {1, 2, 3}, false));
        assertEquals("0bAQID", ChapExchange.encode(new byte[] {1, 2, 3}, true));
        for (String bad : List.of("0x", "0xzz", "0b***", "1234", "")) {
            IscsiProtocolException e = assertThrows(IscsiProtocolException.class,
                    () -> ChapExchange.binary("CHAP_C", bad));
            assertTrue(e.getMessage().startsWith("CHAP_C"), e.getMessage());
        }
        assertEquals(255, ChapExchange.number("CHAP_I", "0xff", 255));
        assertEquals(7, ChapExchange.number("CHAP_I", "7", 255));
        assertThrows(IscsiProtocolException.class, () -> ChapExchange.number("CHAP_I", "256", 255));
        assertThrows(IscsiProtocolException.class, () -> ChapExchange.number("CHAP_I", "x", 255));
    }

    @Test
    void optionsValidateAndNeverShowSecrets() {
        ChapOptions o = ChapOptions.oneWay("alice", "alice-secret-1").mutual("tgt", "target-secret-2");
        assertEquals(ChapOptions.DEFAULT_ALGORITHMS, o.algorithms());
        assertEquals(List.of(8, 5), o.withAlgorithms(8, 5).algorithms());
        assertTrue(o.isMutual());
        assertEquals("tgt", o.expectedTargetUser());
        String shown = InitiatorOptions.defaults().withChap(o).toString();
        assertFalse(shown.contains("alice-secret-1") || shown.contains("target-secret-2"), shown);
        assertTrue(shown.contains("alice"), shown);
        assertEquals(o, ChapOptions.oneWay("alice", "alice-secret-1").mutual("tgt", "target-secret-2"));
        assertThrows(IllegalArgumentException.class, () -> ChapOptions.oneWay("", "s"));
        assertThrows(IllegalArgumentException.class, () -> ChapOptions.oneWay("u", ""));
        assertThrows(IllegalArgumentException.class, () -> o.withAlgorithms());
        assertThrows(IllegalArgumentException.class, () -> o.withAlgorithms(7, 7));
        assertThrows(IllegalArgumentException.class, () -> o.withAlgorithms(4));
        assertThrows(IllegalArgumentException.class, () -> o.withChallenge(256, new byte[16]));
        assertThrows(IllegalArgumentException.class, () -> o.withChallenge(1, new byte[0]));
        ChapOptions oneWay = ChapOptions.oneWay("alice", "alice-secret-1");
        assertThrows(IllegalStateException.class, oneWay::reflectingChallenge);
        assertThrows(IllegalStateException.class, () -> oneWay.withChallenge(1, new byte[16]));
    }

    @Test
    void initiatorOptionsKeepTheirNineArgumentConstructor() {
        InitiatorOptions d = InitiatorOptions.defaults();
        InitiatorOptions same = new InitiatorOptions(d.initiatorName(), "None", "None", d.maxRecvDataSegmentLength(),
                d.firstBurstLength(), d.maxBurstLength(), true, true, Duration.ofSeconds(10));
        assertEquals(d, same);
        assertNull(same.chap());
        ChapOptions chap = ChapOptions.oneWay("u", "twelve-bytes");
        assertEquals(chap, d.withChap(chap).withTimeout(Duration.ofSeconds(1)).withDigests("CRC32C", "None").chap());
    }

    @Test
    void oneWayExchangeOffersAlgorithmsThenAnswersTheChallenge() throws Exception {
        ChapExchange x = new ChapExchange(ChapOptions.oneWay("alice", "alice-secret-1").withAlgorithms(6, 5));
        assertFalse(x.transit());
        assertEquals(Map.of("CHAP_A", "6,5"), x.answer(Map.of("AuthMethod", "CHAP")));
        assertTrue(x.chosen());
        assertFalse(x.transit());
        Map<String, String> challenge = new LinkedHashMap<>();
        challenge.put("CHAP_A", "5");
        challenge.put("CHAP_I", "17");
        challenge.put("CHAP_C", "0x00112233");
        Map<String, String> reply = x.answer(challenge);
        assertEquals(List.of("CHAP_N", "CHAP_R"), List.copyOf(reply.keySet()));
        assertEquals("alice", reply.get("CHAP_N"));
        byte[] expected = ChapAlgorithm.MD5.response(17, "alice-secret-1".getBytes(StandardCharsets.UTF_8),
                new byte[] {0, 0x11, 0x22, 0x33});
        assertEquals(ChapExchange.encode(expected, false), reply.get("CHAP_R"));
        assertTrue(x.transit());
        assertFalse(x.done());
        assertEquals(Map.of(), x.answer(Map.of()));
        assertTrue(x.done());
    }

    @Test
    void exchangeRefusesWhatTheTargetMayNotSend() throws Exception {
        ChapOptions o = ChapOptions.oneWay("alice", "alice-secret-1");
        assertThrows(IscsiProtocolException.class, () -> new ChapExchange(o).answer(Map.of()));
        assertThrows(IscsiProtocolException.class, () -> new ChapExchange(o).answer(Map.of("AuthMethod", "SRP")));
        assertThrows(IscsiProtocolException.class,
                () -> new ChapExchange(o).answer(Map.of("AuthMethod", "CHAP", "CHAP_I", "1")));
        ChapExchange x = new ChapExchange(o);
        x.answer(Map.of("AuthMethod", "CHAP"));
        IscsiProtocolException e = assertThrows(IscsiProtocolException.class,
                () -> x.answer(Map.of("CHAP_A", "8", "CHAP_I", "1", "CHAP_C", "0x01")));
        assertTrue(e.getMessage().contains("not among our offer"), e.getMessage());
        ChapExchange y = new ChapExchange(o);
        y.answer(Map.of("AuthMethod", "CHAP"));
        e = assertThrows(IscsiProtocolException.class, () -> y.answer(Map.of("CHAP_A", "7", "CHAP_I", "1")));
        assertTrue(e.getMessage().contains("CHAP_C"), e.getMessage());
        ChapExchange none = new ChapExchange(o.mutual("t", "target-secret"));
        e = assertThrows(IscsiProtocolException.class, () -> none.answer(Map.of("AuthMethod", "None")));
        assertTrue(e.getMessage().contains("mutual"), e.getMessage());
    }

    @Test
    void mutualExchangeSendsTheChosenChallengeAndChecksTheAnswer() throws Exception {
        byte[] ours = {9, 8, 7, 6, 5, 4, 3, 2, 1, 0, 1, 2, 3, 4, 5, 6};
        ChapOptions o = ChapOptions.oneWay("alice", "alice-secret-1").mutual("tgt", "target-secret-2")
                .withChallenge(33, ours).withBase64(true);
        byte[] good = ChapAlgorithm.SHA256.response(33, "target-secret-2".getBytes(StandardCharsets.UTF_8), ours);
        ChapExchange x = exchangeUpToResponse(o);
        x.answer(Map.of("CHAP_N", "tgt", "CHAP_R", ChapExchange.encode(good, false)));
        assertTrue(x.done());

        byte[] bad = good.clone();
        bad[31] ^= 1;
        TargetAuthenticationException e = assertThrows(TargetAuthenticationException.class,
                () -> exchangeUpToResponse(o).answer(Map.of("CHAP_N", "tgt", "CHAP_R", ChapExchange.encode(bad, true))));
        assertTrue(e.getMessage().contains("CHAP_R is wrong"), e.getMessage());
        e = assertThrows(TargetAuthenticationException.class,
                () -> exchangeUpToResponse(o).answer(Map.of("CHAP_N", "other", "CHAP_R", "0x00")));
        assertTrue(e.getMessage().contains("expected tgt"), e.getMessage());
        e = assertThrows(TargetAuthenticationException.class, () -> exchangeUpToResponse(o).answer(Map.of()));
        assertTrue(e.getMessage().contains("did not answer our challenge"), e.getMessage());
    }

    private static ChapExchange exchangeUpToResponse(ChapOptions o) throws IscsiProtocolException {
        ChapExchange x = new ChapExchange(o);
        x.answer(Map.of("AuthMethod", "CHAP"));
        Map<String, String> reply = x.answer(Map.of("CHAP_A", "7", "CHAP_I", "1", "CHAP_C", "0x0102"));
        assertEquals("33", reply.get("CHAP_I"));
        assertEquals("0bCQgHBgUEAwIBAAECAwQFBg==", reply.get("CHAP_C"));
        assertTrue(reply.get("CHAP_R").startsWith("0b"), reply.get("CHAP_R"));
        return x;
    }
}
