package org.jstgt.auth.chap;

import static org.junit.jupiter.api.Assertions.*;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

import org.jstgt.api.auth.AuthContext;
import org.jstgt.api.auth.AuthStep;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The CHAP dialects of three initiators, as their sources write and read the keys, replayed
 * through a {@link ChapExchange} the way the transport drives it: every request of the security
 * stage from the one that agreed on {@code AuthMethod=CHAP}, filtered to the exchange's keys, with
 * the request's T bit. Responses are computed here with MessageDigest. Every answer of the target
 * is checked against what the strictest of the three reads:
 * <ul>
 * <li>open-iscsi 2.1.8: {@code CHAP_A} one it offered, {@code CHAP_I} decimal or 0x up to 255,
 * {@code CHAP_C} 0x/0b of 1 to 1024 bytes; fatal: any {@code Reject}, and a {@code CHAP_N} or
 * {@code CHAP_R} to a one-way initiator (unconsumed key); mutual: the target's {@code CHAP_N} is
 * its username_in, {@code CHAP_R} has the digest's length and is not what its own secret gives;</li>
 * <li>iPXE: {@code CHAP_A} exactly 5; {@code CHAP_I} read by strtoul(..., 0), so no leading zero
 * (octal), and before {@code CHAP_C}; {@code CHAP_C} an even number of hex digits; mutual
 * {@code CHAP_R} 16 bytes;</li>
 * <li>libiscsi 1.19: {@code CHAP_I} read by atoi (decimal only), {@code CHAP_C} only after a
 * lower-case {@code 0x}, even digit count; it writes upper-case hex, {@code CHAP_I=1} and a
 * 32-byte challenge of its own.</li>
 * </ul>
 */
class InitiatorDialectsTest extends ChapTestSupport {
    /** Each login is replayed this often, for the target's random CHAP_I to take many values. */
    private static final int ROUNDS = 24;
    private static final String TARGET_USER = "iqn.2026-11.org.jstgt:demo";
    private static final Pattern DECIMAL = Pattern.compile("0|[1-9][0-9]*");
    private static final Pattern LOWER_HEX = Pattern.compile("0x(?:[0-9a-f]{2})+");

    /**
     * How one initiator writes its side of the security stage.
     *
     * @param name for messages
     * @param agreeTransit the T bit of the request offering AuthMethod
     * @param offer its {@code CHAP_A}
     * @param offerTransit the T bit of the request carrying {@code CHAP_A}
     * @param upperHex true to write {@code CHAP_R} and {@code CHAP_C} digits in upper case
     * @param mutualId its {@code CHAP_I} when it challenges the target; -1: a random byte
     * @param mutualChallenge the length of its challenge; 0: the digest's length
     * @param mutualOffer its {@code AuthMethod} when it will challenge the target
     */
    record Dialect(String name, boolean agreeTransit, String offer, boolean offerTransit, boolean upperHex,
            int mutualId, int mutualChallenge, String mutualOffer) {
    }

    /** open-iscsi: one-way starts with T=1 and AuthMethod=CHAP,None; mutual with T=0 and CHAP only. */
    static Dialect openIscsi(String offer, boolean mutual) {
        return new Dialect("open-iscsi CHAP_A=" + offer + (mutual ? " mutual" : ""), !mutual, offer, false, false, -1,
                0, "CHAP");
    }

    /** iPXE: T=1 on every request, MD5 only. */
    static final Dialect IPXE = new Dialect("iPXE", true, "5", true, false, -1, 0, "CHAP");
    /** libiscsi: T=0 for CHAP_A, upper-case hex, CHAP_I=1 and a 32-byte challenge. */
    static final Dialect LIBISCSI = new Dialect("libiscsi", true, "5", false, true, 1, 32, "CHAP,None");

    /** Text of one request (all its keys); the transport hands the exchange only the CHAP ones. */
    private AuthStep request(ChapExchange x, boolean transit, String... kv) {
        List<String> chap = new ArrayList<>();
        for (int i = 0; i < kv.length; i += 2) {
            if (ChapExchange.KEYS.contains(kv[i])) {
                chap.add(kv[i]);
                chap.add(kv[i + 1]);
            }
        }
        AuthStep s = step(x, transit, chap.toArray(new String[0]));
        for (Map.Entry<String, String> e : s.keys()) {
            assertNotEquals("Reject", e.getValue(), () -> "a Reject is fatal to every initiator here: " + s.keys());
            assertTrue(e.getKey().startsWith("CHAP_"), () -> "only CHAP keys from the exchange: " + s.keys());
        }
        return s;
    }

    /**
     * Logs in as {@code dialect}, as {@code user} with {@code secret}, challenging the target when
     * {@code mutual}; asserts every answer is in a form the initiator accepts.
     *
     * @return the algorithm the target chose
     */
    private int login(ChapExchange x, Dialect d, String user, String secret, boolean mutual) {
        AuthStep agreed = request(x, d.agreeTransit(), "InitiatorName", "iqn.2026-01.org.example:host",
                "InitiatorAlias", "host", "TargetName", TARGET_USER, "SessionType", "Normal", "AuthMethod",
                mutual ? d.mutualOffer() : "CHAP,None");
        assertEquals(AuthStep.Outcome.CONTINUE, agreed.outcome(), agreed.detail());
        assertEquals(List.of(), agreed.keys(), d.name());

        AuthStep challenge = request(x, d.offerTransit(), "CHAP_A", d.offer());
        assertEquals(AuthStep.Outcome.CONTINUE, challenge.outcome(), challenge.detail());
        assertEquals(List.of("CHAP_A", "CHAP_I", "CHAP_C"), challenge.keys().stream().map(Map.Entry::getKey).toList(),
                () -> d.name() + ": CHAP_I before CHAP_C (iPXE starts the digest at CHAP_I)");
        String a = challenge.keys().get(0).getValue();
        String i = challenge.keys().get(1).getValue();
        String c = challenge.keys().get(2).getValue();
        assertTrue(DECIMAL.matcher(a).matches(), () -> d.name() + ": CHAP_A=" + a + " is not a bare decimal");
        assertTrue(Arrays.asList(d.offer().split(",")).contains(a), () -> d.name() + ": CHAP_A=" + a + " not offered");
        assertTrue(DECIMAL.matcher(i).matches(), () -> d.name() + ": CHAP_I=" + i
                + " not plain decimal (atoi; strtoul base 0 reads a leading 0 as octal)");
        int id = Integer.parseInt(i);
        assertTrue(id <= 255, () -> "CHAP_I=" + i);
        assertTrue(LOWER_HEX.matcher(c).matches(), () -> d.name() + ": CHAP_C=" + c
                + " is not lower-case 0x with an even number of digits");
        byte[] targetChallenge = HexFormat.of().parseHex(c.substring(2));
        assertTrue(targetChallenge.length >= 16 && targetChallenge.length <= ChapValues.MAX_BINARY, c);

        int algorithm = Integer.parseInt(a);
        int digest = chap(algorithm, 0, "", new byte[0]).length;
        List<String> answer = new ArrayList<>(List.of("CHAP_N", user, "CHAP_R",
                encode(d, chap(algorithm, id, secret, targetChallenge))));
        byte[] mine = null;
        int myId = d.mutualId() >= 0 ? d.mutualId() : random.nextInt(256);
        if (mutual) {
            mine = new byte[d.mutualChallenge() > 0 ? d.mutualChallenge() : digest];
            random.nextBytes(mine);
            answer.addAll(List.of("CHAP_I", Integer.toString(myId), "CHAP_C", encode(d, mine)));
        }
        AuthStep done = request(x, true, answer.toArray(new String[0]));
        assertEquals(AuthStep.Outcome.SUCCESS, done.outcome(), () -> d.name() + ": " + done.detail());
        assertEquals(user, done.identity());
        if (!mutual) {
            assertEquals(List.of(), done.keys(), () -> d.name() + ": CHAP_N/CHAP_R to a one-way initiator");
            return algorithm;
        }
        assertEquals(List.of("CHAP_N", "CHAP_R"), done.keys().stream().map(Map.Entry::getKey).toList(), d.name());
        assertEquals(TARGET_USER, done.keys().get(0).getValue(), "open-iscsi checks it against username_in");
        String r = done.keys().get(1).getValue();
        assertTrue(LOWER_HEX.matcher(r).matches(), () -> d.name() + ": CHAP_R=" + r);
        assertEquals(2 + 2 * digest, r.length(), () -> d.name() + ": CHAP_R of the digest's length");
        assertEquals(hex(chap(algorithm, myId, BOB_TARGET_SECRET, mine)), r, d.name());
        assertNotEquals(hex(chap(algorithm, myId, secret, mine)), r, "open-iscsi refuses its own secret's answer");
        return algorithm;
    }

    private static String encode(Dialect d, byte[] b) {
        String h = hex(b);
        return d.upperHex() ? "0x" + h.substring(2).toUpperCase(Locale.ROOT) : h;
    }

    private void rounds(Dialect d, String policy, String user, String secret, boolean mutual, int algorithm) {
        for (int n = 0; n < ROUNDS; n++) {
            assertEquals(algorithm, login(exchange(policy, "auth.groups", "alice bob"), d, user, secret, mutual),
                    d.name());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"5", "7,6,5", "8,7,6,5"})
    void openIscsiOneWay(String offer) {
        int first = Integer.parseInt(offer.split(",")[0]);
        rounds(openIscsi(offer, false), "chap", "alice", ALICE_SECRET, false, first);
        // a set that could answer a challenge sends nothing back when the initiator did not ask
        rounds(openIscsi(offer, false), "chap", "bob", BOB_SECRET, false, first);
    }

    @ParameterizedTest
    @ValueSource(strings = {"5", "7,6,5", "8,7,6,5"})
    void openIscsiMutual(String offer) {
        int first = Integer.parseInt(offer.split(",")[0]);
        rounds(openIscsi(offer, true), "chap", "bob", BOB_SECRET, true, first);
        rounds(openIscsi(offer, true), "mutual", "bob", BOB_SECRET, true, first);
    }

    @Test
    void openIscsiWithEachAlgorithmTheTargetAllows() {
        for (String allowed : List.of("SHA-1", "SHA-1,MD5", "MD5", "SHA-256", "SHA3-256")) {
            ChapExchange x = exchange("chap", "auth.groups", "alice bob", "chap.algorithms", allowed);
            int chosen = login(x, openIscsi("8,7,6,5", true), "bob", BOB_SECRET, true);
            assertEquals(ChapAlgorithm.parse(allowed.split(",")[0]).orElseThrow().number(), chosen, allowed);
        }
    }

    @Test
    void openIscsiDiscovery() throws Exception {
        AuthContext discovery = new AuthContext("CHAP", "chap", "iqn.2026-01.org.example:host",
                InetAddress.getByName("192.0.2.7"), true, "", Map.of("auth.groups", "alice bob"),
                "/opt/jstgt/etc/jstgt.discovery.cfg");
        for (boolean mutual : new boolean[] {false, true}) {
            ChapExchange x = new ChapExchange(discovery, ChapPolicy.of(discovery, sets.snapshot()), random, delays);
            // the last request asks for NSG=3 straight from the security stage; to the exchange, T=1
            assertEquals(5, login(x, openIscsi("5", mutual), "bob", BOB_SECRET, mutual));
        }
    }

    @Test
    void ipxe() {
        rounds(IPXE, "chap", "alice", ALICE_SECRET, false, 5);
        rounds(IPXE, "chap", "bob", BOB_SECRET, true, 5);
        rounds(IPXE, "mutual", "bob", BOB_SECRET, true, 5);
    }

    @Test
    void libiscsi() {
        rounds(LIBISCSI, "chap", "alice", ALICE_SECRET, false, 5);
        rounds(LIBISCSI, "chap", "bob", BOB_SECRET, false, 5);
        rounds(LIBISCSI, "chap", "bob", BOB_SECRET, true, 5);
        rounds(LIBISCSI, "mutual", "bob", BOB_SECRET, true, 5);
    }

    /** An initiator offering only MD5 to a target that refuses MD5 is refused: never a Reject. */
    @Test
    void md5OnlyAgainstATargetWithoutMd5FailsWithoutReject() {
        for (Dialect d : List.of(IPXE, LIBISCSI, openIscsi("5", false))) {
            ChapExchange x = exchange("chap", "auth.groups", "alice", "chap.algorithms", "SHA-256,SHA-1");
            assertEquals(AuthStep.Outcome.CONTINUE, request(x, d.agreeTransit(), "AuthMethod", "CHAP,None").outcome());
            AuthStep s = request(x, d.offerTransit(), "CHAP_A", d.offer());
            assertFailure(s, "no offered algorithm is allowed");
        }
    }

    /** open-iscsi answers T=0 to its response with an empty T=1 request: still authenticated. */
    @Test
    void openIscsiRepeatsTransitAfterSuccess() {
        ChapExchange x = exchange();
        login(x, openIscsi("7,6,5", false), "alice", ALICE_SECRET, false);
        AuthStep again = request(x, true);
        assertEquals(AuthStep.Outcome.SUCCESS, again.outcome(), again.detail());
        assertEquals(List.of(), again.keys());
    }
}
