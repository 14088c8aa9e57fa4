package org.jstgt.auth.chap;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Random;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.Test;

class ChapAlgorithmTest {

    /** Vectors computed outside Java (Python hashlib): id 0x2a, secret "0123456789abcdef", challenge 00..0f. */
    @ParameterizedTest
    @CsvSource({
        "MD5, 0fbee2a235349701655e644832d106bf",
        "SHA_1, 5617a555f0045171364ed82310b9c08c4d48faeb",
        "SHA_256, d8c3aedd13f3e0017b09becc2da9c74a6d001ab22424256ad456063e668f5d14",
        "SHA3_256, 972a2f638a858f5d97206e79fdf525a79b427550f3b79af445c6664fea05b508"})
    void knownVectors(ChapAlgorithm a, String expected) {
        byte[] challenge = new byte[16];
        for (int i = 0; i < 16; i++) {
            challenge[i] = (byte) i;
        }
        byte[] r = a.response(0x2a, "0123456789abcdef".getBytes(StandardCharsets.US_ASCII), challenge);
        assertEquals(expected, HexFormat.of().formatHex(r));
        assertEquals(a.digestLength(), r.length);
    }

    /** RFC 1994 §4.1: the digest of identifier, secret and challenge concatenated, for random inputs. */
    @ParameterizedTest
    @EnumSource(ChapAlgorithm.class)
    void responseIsTheDigestOfIdSecretChallenge(ChapAlgorithm a) throws Exception {
        Random rnd = new Random(a.number());
        for (int round = 0; round < 50; round++) {
            int id = rnd.nextInt(256);
            byte[] secret = new byte[12 + rnd.nextInt(50)];
            byte[] challenge = new byte[1 + rnd.nextInt(1024)];
            rnd.nextBytes(secret);
            rnd.nextBytes(challenge);
            byte[] joined = new byte[1 + secret.length + challenge.length];
            joined[0] = (byte) id;
            System.arraycopy(secret, 0, joined, 1, secret.length);
            System.arraycopy(challenge, 0, joined, 1 + secret.length, challenge.length);
            byte[] expected = MessageDigest.getInstance(a.digestName()).digest(joined);
            assertArrayEquals(expected, a.response(id, secret, challenge));
        }
    }

    @Test
    void numbersNamesAndLengthsFollowTheIanaRegistry() {
        assertEquals(ChapAlgorithm.MD5, ChapAlgorithm.byNumber(5).orElseThrow());
        assertEquals(ChapAlgorithm.SHA_1, ChapAlgorithm.byNumber(6).orElseThrow());
        assertEquals(ChapAlgorithm.SHA_256, ChapAlgorithm.byNumber(7).orElseThrow());
        assertEquals(ChapAlgorithm.SHA3_256, ChapAlgorithm.byNumber(8).orElseThrow());
        assertTrue(ChapAlgorithm.byNumber(4).isEmpty());
        assertTrue(ChapAlgorithm.byNumber(129).isEmpty());
        assertEquals(ChapAlgorithm.SHA_256, ChapAlgorithm.parse("sha-256").orElseThrow());
        assertEquals(ChapAlgorithm.SHA3_256, ChapAlgorithm.parse(" Sha3-256 ").orElseThrow());
        assertEquals(ChapAlgorithm.MD5, ChapAlgorithm.parse("5").orElseThrow());
        assertTrue(ChapAlgorithm.parse("SHA256").isEmpty());
        assertTrue(ChapAlgorithm.parse("9").isEmpty());
        assertEquals(16, ChapAlgorithm.MD5.challengeLength());
        assertEquals(20, ChapAlgorithm.SHA_1.challengeLength());
        assertEquals(32, ChapAlgorithm.SHA3_256.challengeLength());
    }

    @Test
    void identifierOutsideAByteIsAProgrammingError() {
        assertThrows(IllegalArgumentException.class, () -> ChapAlgorithm.MD5.response(256, new byte[12], new byte[16]));
        assertThrows(IllegalArgumentException.class, () -> ChapAlgorithm.MD5.response(-1, new byte[12], new byte[16]));
    }
}
