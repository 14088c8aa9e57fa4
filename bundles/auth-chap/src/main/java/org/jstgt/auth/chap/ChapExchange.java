package org.jstgt.auth.chap;

import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.stream.Collectors;

import org.jstgt.api.auth.AuthContext;
import org.jstgt.api.auth.AuthExchange;
import org.jstgt.api.auth.AuthStep;

/**
 * The CHAP exchange of one login (RFC 7143 §12.1.3, RFC 1994): the initiator offers algorithms
 * ({@code CHAP_A}); the target picks one and challenges ({@code CHAP_A}, {@code CHAP_I},
 * {@code CHAP_C}); the initiator answers with its name and response ({@code CHAP_N},
 * {@code CHAP_R}) and, to authenticate the target too, a challenge of its own ({@code CHAP_I},
 * {@code CHAP_C}), which the target answers with SUCCESS ({@code CHAP_N}, {@code CHAP_R}).
 *
 * <p>Strict: keys out of order or repeated, values that are not well-formed, and a response of
 * the wrong length refuse the login (0x0201). Every refusal is counted by the {@link FailureDelay}
 * and held back as it says. Details are for the log: they may name {@code CHAP_N} and which rule
 * was broken, never a secret, challenge or response, and never whether the user was unknown or
 * the response wrong. Plain Java; the transport calls it on one thread at a time.
 */
public final class ChapExchange implements AuthExchange {
    static final String A = "CHAP_A";
    static final String I = "CHAP_I";
    static final String C = "CHAP_C";
    static final String N = "CHAP_N";
    static final String R = "CHAP_R";
    /** The keys of the exchange. */
    public static final Set<String> KEYS = Set.of(A, I, C, N, R);

    /**
     * The shortest challenge accepted from the initiator: 16 bytes, as long as this target's own
     * and as the challenges common initiators send (Windows, open-iscsi, UEFI). RFC 1994 §2.3 asks
     * for challenges that are unpredictable; a short one lets whoever impersonates this target
     * collect or precompute the answers for the few challenges possible.
     */
    static final int MIN_PEER_CHALLENGE = 16;
    /**
     * A CHAP login needs three requests (the one agreeing on CHAP, {@code CHAP_A}, the response);
     * an exchange that reached none of its ends after this many is refused.
     */
    static final int MAX_STEPS = 8;
    private static final int QUOTE_MAX = 64;

    private enum State { START, CHALLENGED, DONE, OVER }

    private final AuthContext context;
    private final ChapPolicy policy;
    private final SecureRandom random;
    private final FailureDelay delays;
    private final Secret unknownUser;
    private State state = State.START;
    private int steps;
    private ChapAlgorithm algorithm;
    private int identifier;
    private byte[] challenge;
    private String identity = "";

    /**
     * @param context the login
     * @param policy what the target accepts
     * @param random where identifiers and challenges come from (the service's one SecureRandom)
     * @param delays the service's failure count
     */
    public ChapExchange(AuthContext context, ChapPolicy policy, SecureRandom random, FailureDelay delays) {
        this.context = context;
        this.policy = policy;
        this.random = random;
        this.delays = delays;
        byte[] dummy = new byte[CredentialSets.MIN_SECRET];
        random.nextBytes(dummy);
        // checked against when CHAP_N names no set, so an unknown user costs what a wrong secret does
        this.unknownUser = Secret.of(HexFormat.of().formatHex(dummy));
    }

    @Override
    public AuthStep step(List<Map.Entry<String, String>> received, boolean transit) {
        if (state == State.OVER) {
            return refuse("request after the exchange ended");
        }
        if (++steps > MAX_STEPS) {
            return refuse("no outcome after " + MAX_STEPS + " requests");
        }
        Map<String, String> keys = new LinkedHashMap<>();
        for (Map.Entry<String, String> e : received) {
            if (KEYS.contains(e.getKey()) && keys.putIfAbsent(e.getKey(), e.getValue()) != null) {
                return refuse(e.getKey() + " sent twice");
            }
        }
        return switch (state) {
            case START -> offered(keys);
            case CHALLENGED -> answered(keys, transit);
            default -> keys.isEmpty() ? AuthStep.success(List.of(), identity)
                    : refuse(String.join(", ", keys.keySet()) + " after authentication succeeded");
        };
    }

    /** Step 1: the initiator's algorithms. */
    private AuthStep offered(Map<String, String> keys) {
        String offer = keys.get(A);
        if (offer == null) {
            if (keys.isEmpty()) {
                // the request that agreed on AuthMethod=CHAP: CHAP_A comes with it or next
                return AuthStep.next(List.of());
            }
            return refuse(String.join(", ", keys.keySet()) + " before the target sent its challenge (CHAP_A first)");
        }
        if (keys.size() > 1) {
            return refuse(keys.keySet().stream().filter(k -> !k.equals(A)).collect(Collectors.joining(", "))
                    + " with CHAP_A, before the target sent its challenge");
        }
        ChapAlgorithm chosen = null;
        for (String entry : offer.split(",", -1)) {
            OptionalLong n = ChapValues.number(entry);
            if (n.isEmpty()) {
                return refuse("CHAP_A=" + quote(offer) + ": '" + quote(entry) + "' is not a number");
            }
            // numbers this target does not know are passed over, as in any list negotiation
            ChapAlgorithm a = ChapAlgorithm.byNumber(n.getAsLong()).orElse(null);
            if (chosen == null && a != null && policy.algorithms().contains(a)) {
                chosen = a;
            }
        }
        if (chosen == null) {
            // RFC 7143 §12.1.3: the target answers with one of the algorithms the initiator
            // proposed. With none acceptable, §6.2.1 leaves the acceptor "Reject" or ending the
            // negotiation; the exchange cannot go on without an algorithm, and a CHAP_A=Reject
            // would only wait for a request that must fail, so the login ends here with 0x0201,
            // Authentication failure (§11.13.5), as for any CHAP exchange that cannot complete.
            return refuse("CHAP_A=" + quote(offer) + ": no offered algorithm is allowed by " + policy.origin() + " ("
                    + ChapPolicy.ALGORITHMS + ": " + policy.algorithms().stream().map(ChapAlgorithm::digestName)
                            .collect(Collectors.joining(", ")) + ")");
        }
        algorithm = chosen;
        identifier = random.nextInt(256);
        challenge = new byte[algorithm.challengeLength()];
        random.nextBytes(challenge);
        state = State.CHALLENGED;
        return AuthStep.next(List.of(Map.entry(A, Integer.toString(algorithm.number())),
                Map.entry(I, Integer.toString(identifier)), Map.entry(C, ChapValues.hex(challenge))));
    }

    /** Step 3: the initiator's name and response, and maybe its own challenge. */
    private AuthStep answered(Map<String, String> keys, boolean transit) {
        if (keys.containsKey(A)) {
            return refuse("CHAP_A sent twice");
        }
        if (keys.isEmpty()) {
            return transit ? refuse("T=1 without CHAP_N and CHAP_R after the target's challenge")
                    : AuthStep.next(List.of());
        }
        String name = keys.get(N);
        String r = keys.get(R);
        if (name == null || r == null) {
            return refuse((name == null ? "CHAP_N" : "CHAP_R") + " missing: CHAP_N and CHAP_R come in one request");
        }
        String who = "CHAP_N '" + quote(name) + "': ";
        if (keys.containsKey(I) != keys.containsKey(C)) {
            return refuse(who + (keys.containsKey(I) ? "CHAP_I without CHAP_C" : "CHAP_C without CHAP_I"));
        }
        byte[] response;
        try {
            response = ChapValues.binary(r);
        } catch (IllegalArgumentException e) {
            return refuse(who + "CHAP_R is not a binary value: " + e.getMessage());
        }
        if (response.length != algorithm.digestLength()) {
            return refuse(who + "CHAP_R has " + response.length + " bytes; a " + algorithm.digestName()
                    + " response has " + algorithm.digestLength());
        }
        int peerId = -1;
        byte[] peerChallenge = null;
        if (keys.containsKey(I)) {
            OptionalLong id = ChapValues.number(keys.get(I));
            if (id.isEmpty() || id.getAsLong() > 255) {
                return refuse(who + "CHAP_I is not a number from 0 to 255");
            }
            peerId = (int) id.getAsLong();
            try {
                peerChallenge = ChapValues.binary(keys.get(C));
            } catch (IllegalArgumentException e) {
                return refuse(who + "CHAP_C is not a binary value: " + e.getMessage());
            }
            if (peerChallenge.length < MIN_PEER_CHALLENGE) {
                return refuse(who + "CHAP_C has " + peerChallenge.length + " bytes; at least " + MIN_PEER_CHALLENGE
                        + " are required");
            }
            if (MessageDigest.isEqual(peerChallenge, challenge)) {
                // RFC 7143 §9.2.1: the initiator must not reuse the target's challenge (reflection)
                return refuse(who + "CHAP_C is the challenge the target sent (reflection)");
            }
        } else if (policy.mutualRequired()) {
            return refuse(who + "no CHAP_I/CHAP_C: auth = mutual in " + policy.origin()
                    + " requires the initiator to authenticate the target");
        }
        return verify(name, who, response, peerId, peerChallenge);
    }

    private AuthStep verify(String name, String who, byte[] response, int peerId, byte[] peerChallenge) {
        List<CredentialSet> candidates = policy.candidates(name);
        CredentialSet matched = null;
        boolean reflected = false;
        // the same work for every candidate, and one digest for an unknown user
        for (CredentialSet s : candidates) {
            boolean ok = MessageDigest.isEqual(s.secret().respond(algorithm, identifier, challenge), response);
            matched = matched == null && ok ? s : matched;
            if (s.mutual()) {
                // RFC 7143 §9.2.1: a response equal to the one this target would give for the same
                // challenge is a failure (it proves only access to the target's own answer)
                reflected |= MessageDigest.isEqual(s.mutualSecret().respond(algorithm, identifier, challenge),
                        response);
            }
        }
        if (candidates.isEmpty()) {
            unknownUser.respond(algorithm, identifier, challenge);
        }
        if (reflected) {
            return refuse(who + "CHAP_R is the target's own response to its challenge (reflection)");
        }
        if (matched == null) {
            String unusable = policy.unusableFor(name);
            if (unusable != null) {
                state = State.OVER;
                return AuthStep.targetError(who + unusable);
            }
            return refuse(who + "unknown user or wrong response");
        }
        if (peerChallenge != null && !matched.mutual()) {
            return refuse(who + "the initiator challenged the target, but credential set '" + matched.name() + "' ("
                    + matched.origin() + ") has no " + CredentialSets.MUTUAL_USER + "/" + CredentialSets.MUTUAL_SECRET);
        }
        state = State.DONE;
        identity = name;
        List<Map.Entry<String, String>> answer = new ArrayList<>();
        if (peerChallenge != null) {
            answer.add(Map.entry(N, matched.mutualUser()));
            answer.add(Map.entry(R, ChapValues.hex(matched.mutualSecret().respond(algorithm, peerId, peerChallenge))));
        }
        return AuthStep.success(answer, name);
    }

    private AuthStep refuse(String why) {
        state = State.OVER;
        FailureDelay.Strike strike = delays.failed(context.initiatorAddress());
        return AuthStep.failure(why + "; " + strike.describe(), strike.delayMillis());
    }

    /** Peer text in a detail: bounded (the transport escapes what it logs). */
    private static String quote(String peer) {
        return peer.length() <= QUOTE_MAX ? peer : peer.substring(0, QUOTE_MAX) + "...";
    }

    @Override
    public void close() {
        state = State.OVER;
        if (challenge != null) {
            Arrays.fill(challenge, (byte) 0);
        }
    }

    @Override
    public String toString() {
        return "ChapExchange[" + context.initiatorName() + ", " + state + (algorithm == null ? "" : ", " + algorithm)
                + "]";
    }
}
