package org.jstgt.testkit;

import java.security.MessageDigest;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The initiator's side of CHAP in the login's security stage (RFC 7143 §12.1.3, RFC 1994):
 * {@code AuthMethod=CHAP,None}, then {@code CHAP_A}, then the response to the target's challenge
 * with, for mutual CHAP, a challenge of our own whose answer is checked. One login, one thread.
 */
final class ChapExchange {
    /** The {@code AuthMethod} offer. */
    static final String OFFER = "CHAP,None";
    /** RFC 7143 §12.1.3: a CHAP_C longer than this is refused. */
    static final int MAX_CHALLENGE = 1024;

    private enum State {
        /** AuthMethod offered, no answer yet. */
        OFFERED,
        /** CHAP_A sent; waiting for CHAP_A, CHAP_I, CHAP_C. */
        ALGORITHMS_SENT,
        /** CHAP_N and CHAP_R sent (and our CHAP_I, CHAP_C for mutual). */
        RESPONSE_SENT,
        /** Nothing more to exchange: authenticated, or the target chose None. */
        DONE
    }

    private final ChapOptions options;
    private State state = State.OFFERED;
    private boolean chosen;
    private ChapAlgorithm algorithm;
    private int ourIdentifier;
    private byte[] ourChallenge;

    ChapExchange(ChapOptions options) {
        this.options = options;
    }

    /** @return true when the next request may set the T bit (leave the security stage) */
    boolean transit() {
        return state == State.RESPONSE_SENT || state == State.DONE;
    }

    /** @return true when nothing is left to exchange */
    boolean done() {
        return state == State.DONE;
    }

    /** @return true when the target chose CHAP (false: it chose None, or has not answered yet) */
    boolean chosen() {
        return chosen;
    }

    /**
     * Takes the target's answer to a security-stage request.
     *
     * @param answer the keys of the Login Response
     * @return the CHAP keys of the next request (empty when there are none)
     * @throws TargetAuthenticationException when the target's mutual answer is wrong
     * @throws IscsiProtocolException when the target breaks the exchange
     */
    Map<String, String> answer(Map<String, String> answer) throws IscsiProtocolException {
        Map<String, String> next = new LinkedHashMap<>();
        switch (state) {
            case OFFERED -> {
                refuseChapKeys(answer, "before we sent CHAP_A");
                String method = answer.get("AuthMethod");
                if ("CHAP".equals(method)) {
                    chosen = true;
                    next.put("CHAP_A", options.algorithms().stream().map(String::valueOf)
                            .collect(Collectors.joining(",")));
                    state = State.ALGORITHMS_SENT;
                } else if ("None".equals(method)) {
                    if (options.isMutual()) {
                        throw new IscsiProtocolException("target chose AuthMethod=None, but mutual CHAP was asked "
                                + "for: the target would go unauthenticated");
                    }
                    state = State.DONE;
                } else {
                    throw new IscsiProtocolException("target answered AuthMethod=" + method + " to our " + OFFER);
                }
            }
            case ALGORITHMS_SENT -> {
                respond(answer, next);
                state = State.RESPONSE_SENT;
            }
            case RESPONSE_SENT -> {
                if (options.isMutual()) {
                    verifyTarget(answer);
                } else {
                    refuseChapKeys(answer, "though we did not challenge it (one-way CHAP)");
                }
                state = State.DONE;
            }
            default -> refuseChapKeys(answer, "after CHAP completed");
        }
        return next;
    }

    /** Answers the target's CHAP_A, CHAP_I, CHAP_C with CHAP_N, CHAP_R (and our challenge). */
    private void respond(Map<String, String> answer, Map<String, String> next) throws IscsiProtocolException {
        int a = (int) number("CHAP_A", require(answer, "CHAP_A"), 255);
        if (!options.algorithms().contains(a)) {
            throw new IscsiProtocolException("target chose CHAP_A=" + a + ", not among our offer "
                    + options.algorithms());
        }
        algorithm = ChapAlgorithm.of(a);
        int id = (int) number("CHAP_I", require(answer, "CHAP_I"), 255);
        byte[] challenge = binary("CHAP_C", require(answer, "CHAP_C"));
        if (challenge.length == 0 || challenge.length > MAX_CHALLENGE) {
            throw new IscsiProtocolException("target's CHAP_C is " + challenge.length + " bytes, allowed 1.."
                    + MAX_CHALLENGE);
        }
        next.put("CHAP_N", options.user());
        next.put("CHAP_R", encode(algorithm.response(id, options.secret(), challenge), options.base64()));
        if (options.isMutual()) {
            if (options.reflects()) {
                ourIdentifier = id;
                ourChallenge = challenge;
            } else if (options.challenge() != null) {
                ourIdentifier = options.challengeIdentifier();
                ourChallenge = options.challenge();
            } else {
                ourIdentifier = InitiatorConnection.RANDOM.nextInt(256);
                ourChallenge = new byte[algorithm.length()];
                InitiatorConnection.RANDOM.nextBytes(ourChallenge);
            }
            next.put("CHAP_I", Integer.toString(ourIdentifier));
            next.put("CHAP_C", encode(ourChallenge, options.base64()));
        }
    }

    /** Checks the target's CHAP_N and CHAP_R against our challenge. */
    private void verifyTarget(Map<String, String> answer) throws IscsiProtocolException {
        String name = answer.get("CHAP_N");
        String r = answer.get("CHAP_R");
        if (name == null || r == null) {
            throw new TargetAuthenticationException("mutual CHAP: the target did not answer our challenge (no "
                    + (name == null ? "CHAP_N" : "CHAP_R") + " in its response to our CHAP_R)");
        }
        if (!name.equals(options.expectedTargetUser())) {
            throw new TargetAuthenticationException("mutual CHAP: the target answered as CHAP_N=" + name
                    + ", expected " + options.expectedTargetUser());
        }
        byte[] expected = algorithm.response(ourIdentifier, options.targetSecret(), ourChallenge);
        if (!MessageDigest.isEqual(expected, binary("CHAP_R", r))) {
            throw new TargetAuthenticationException("mutual CHAP: the target's CHAP_R is wrong (not computed "
                    + "with the mutual secret expected for " + name + ", " + algorithm.digestName() + ")");
        }
    }

    private static void refuseChapKeys(Map<String, String> answer, String when) throws IscsiProtocolException {
        for (String k : answer.keySet()) {
            if (k.startsWith("CHAP_")) {
                throw new IscsiProtocolException("target sent " + k + " " + when);
            }
        }
    }

    private static String require(Map<String, String> answer, String key) throws IscsiProtocolException {
        String v = answer.get(key);
        if (v == null) {
            throw new IscsiProtocolException("target answered our CHAP_A without " + key + " (RFC 7143 §12.1.3)");
        }
        return v;
    }

    /**
     * Parses a numerical value (RFC 7143 §6.1: decimal, or hex with {@code 0x}).
     *
     * @throws IscsiProtocolException when it is not a number in 0..max
     */
    static long number(String key, String v, long max) throws IscsiProtocolException {
        try {
            String lower = v.toLowerCase(Locale.ROOT);
            long n = lower.startsWith("0x") ? Long.parseLong(lower.substring(2), 16) : Long.parseLong(v);
            if (n < 0 || n > max) {
                throw new IscsiProtocolException(key + "=" + v + " outside 0.." + max);
            }
            return n;
        } catch (NumberFormatException e) {
            throw new IscsiProtocolException(key + "=" + v + " is not a number");
        }
    }

    /**
     * Decodes a binary value (RFC 7143 §6.1): {@code 0x} hex, an odd digit count implying a
     * leading zero, or {@code 0b} base64.
     *
     * @throws IscsiProtocolException when it is neither
     */
    static byte[] binary(String key, String v) throws IscsiProtocolException {
        if (v.length() > 2 && (v.startsWith("0x") || v.startsWith("0X"))) {
            String digits = v.substring(2);
            try {
                return HexFormat.of().parseHex(digits.length() % 2 == 0 ? digits : "0" + digits);
            } catch (IllegalArgumentException e) {
                throw new IscsiProtocolException(key + " is not valid hex after 0x");
            }
        }
        if (v.length() > 2 && (v.startsWith("0b") || v.startsWith("0B"))) {
            try {
                return Base64.getDecoder().decode(v.substring(2));
            } catch (IllegalArgumentException e) {
                throw new IscsiProtocolException(key + " is not valid base64 after 0b");
            }
        }
        throw new IscsiProtocolException(key + " is neither 0x<hex> nor 0b<base64>");
    }

    /** @return {@code 0x} lower-case hex, or {@code 0b} base64 */
    static String encode(byte[] bytes, boolean base64) {
        return base64 ? "0b" + Base64.getEncoder().encodeToString(bytes) : "0x" + HexFormat.of().formatHex(bytes);
    }
}
