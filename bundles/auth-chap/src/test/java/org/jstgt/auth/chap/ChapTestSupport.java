package org.jstgt.auth.chap;

import static org.junit.jupiter.api.Assertions.*;

import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import org.jstgt.api.auth.AuthContext;
import org.jstgt.api.auth.AuthExchange;
import org.jstgt.api.auth.AuthStep;

/**
 * A small CHAP initiator for the tests: it computes responses with {@link MessageDigest} itself
 * (not with the bundle's code) and checks that no detail or key it gets back carries a secret, and
 * no detail a challenge or response.
 */
abstract class ChapTestSupport {
    static final String ORIGIN = "/opt/jstgt/etc/jstgt.target-demo.cfg";
    static final String ALICE_SECRET = "alice-secret-01";
    static final String BOB_SECRET = "bob-secret-0002";
    static final String BOB_TARGET_SECRET = "bob-target-side-03";

    final AtomicLong clock = new AtomicLong(5_000_000_000L);
    final FailureDelay delays = new FailureDelay(clock::get);
    final SecureRandom random = new SecureRandom();
    final CredentialSets sets = new CredentialSets();
    /** Text that must never show in a detail: secrets, and every challenge and response seen. */
    final List<String> forbidden = new ArrayList<>(List.of(ALICE_SECRET, BOB_SECRET, BOB_TARGET_SECRET));

    ChapTestSupport() {
        sets.update("p-alice", CredentialSetsTest.file("alice", "chap.user", "alice", "chap.secret", ALICE_SECRET));
        sets.update("p-bob", CredentialSetsTest.file("bob", "chap.user", "bob", "chap.secret", BOB_SECRET,
                "mutual.user", "iqn.2026-11.org.jstgt:demo", "mutual.secret", BOB_TARGET_SECRET));
    }

    static AuthContext context(String policy, Map<String, String> props) {
        try {
            return new AuthContext("CHAP", policy, "iqn.2026-01.org.example:host", InetAddress.getByName("192.0.2.7"),
                    false, "iqn.2026-11.org.jstgt:demo", props, ORIGIN);
        } catch (java.net.UnknownHostException e) {
            throw new AssertionError(e);
        }
    }

    ChapExchange exchange(String policy, String... props) {
        Map<String, String> p = new LinkedHashMap<>();
        for (int i = 0; i < props.length; i += 2) {
            p.put(props[i], props[i + 1]);
        }
        AuthContext ctx = context(policy, p);
        try {
            return new ChapExchange(ctx, ChapPolicy.of(ctx, sets.snapshot()), random, delays);
        } catch (ChapPolicy.Invalid e) {
            throw new AssertionError(e);
        }
    }

    ChapExchange exchange() {
        return exchange("chap", "auth.groups", "alice bob");
    }

    static List<Map.Entry<String, String>> keys(String... kv) {
        List<Map.Entry<String, String>> out = new ArrayList<>();
        for (int i = 0; i < kv.length; i += 2) {
            out.add(Map.entry(kv[i], kv[i + 1]));
        }
        return out;
    }

    /** One step, checked for leaks. */
    AuthStep step(AuthExchange x, boolean transit, String... kv) {
        for (int i = 1; i < kv.length; i += 2) {
            remember(kv[i - 1], kv[i]);
        }
        AuthStep s = x.step(keys(kv), transit);
        for (String f : forbidden) {
            assertFalse(s.detail().toLowerCase().contains(f.toLowerCase()), () -> "detail leaks: " + s.detail());
        }
        for (String secret : List.of(ALICE_SECRET, BOB_SECRET, BOB_TARGET_SECRET)) {
            assertFalse(s.keys().toString().contains(secret), () -> "keys leak a secret: " + s.keys());
            assertFalse(x.toString().contains(secret), x::toString);
        }
        s.keys().forEach(k -> remember(k.getKey(), k.getValue()));
        return s;
    }

    /** Challenges and responses long enough not to match by chance are never to be logged. */
    private void remember(String key, String value) {
        if ((key.equals("CHAP_C") || key.equals("CHAP_R")) && value.length() >= 18) {
            forbidden.add(value.substring(2));
        }
    }

    /** The target's challenge, as parsed from its answer to CHAP_A. */
    record Challenge(int algorithm, int id, byte[] bytes) {
    }

    Challenge challenged(AuthExchange x, String offer) {
        AuthStep agreed = step(x, false);
        assertEquals(AuthStep.Outcome.CONTINUE, agreed.outcome());
        assertEquals(List.of(), agreed.keys());
        AuthStep s = step(x, false, "CHAP_A", offer);
        assertEquals(AuthStep.Outcome.CONTINUE, s.outcome(), s.detail());
        assertEquals(List.of("CHAP_A", "CHAP_I", "CHAP_C"), s.keys().stream().map(Map.Entry::getKey).toList());
        int a = Integer.parseInt(s.keys().get(0).getValue());
        int id = Integer.parseInt(s.keys().get(1).getValue());
        assertTrue(id >= 0 && id <= 255, "CHAP_I " + id);
        String c = s.keys().get(2).getValue();
        assertTrue(c.startsWith("0x"), c);
        return new Challenge(a, id, HexFormat.of().parseHex(c.substring(2)));
    }

    /**
     * Challenged with MD5, answers as {@code user} with the response under {@code secret}.
     *
     * @param extra keys sent with CHAP_N and CHAP_R (a mutual challenge)
     */
    AuthStep answer(ChapExchange x, String user, String secret, String... extra) {
        Challenge c = challenged(x, "5");
        String[] kv = new String[4 + extra.length];
        kv[0] = "CHAP_N";
        kv[1] = user;
        kv[2] = "CHAP_R";
        kv[3] = hex(chap(5, c.id(), secret, c.bytes()));
        System.arraycopy(extra, 0, kv, 4, extra.length);
        return step(x, true, kv);
    }

    static String digestName(int algorithm) {
        return switch (algorithm) {
            case 5 -> "MD5";
            case 6 -> "SHA-1";
            case 7 -> "SHA-256";
            case 8 -> "SHA3-256";
            default -> throw new AssertionError(algorithm);
        };
    }

    /** H(id || secret || challenge), computed here independently of the bundle. */
    static byte[] chap(int algorithm, int id, String secret, byte[] challenge) {
        try {
            MessageDigest md = MessageDigest.getInstance(digestName(algorithm));
            md.update((byte) id);
            md.update(secret.getBytes(StandardCharsets.UTF_8));
            md.update(challenge);
            return md.digest();
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }

    static String hex(byte[] b) {
        return "0x" + HexFormat.of().formatHex(b);
    }

    static String base64(byte[] b) {
        return "0b" + java.util.Base64.getEncoder().encodeToString(b);
    }

    static void assertFailure(AuthStep s, String... fragments) {
        assertEquals(AuthStep.Outcome.FAILURE, s.outcome(), s.detail());
        assertEquals(List.of(), s.keys());
        for (String f : fragments) {
            assertTrue(s.detail().contains(f), () -> "'" + f + "' not in: " + s.detail());
        }
    }
}
