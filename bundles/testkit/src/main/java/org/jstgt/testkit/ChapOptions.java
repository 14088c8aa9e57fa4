package org.jstgt.testkit;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * CHAP credentials of the test {@link Initiator} (RFC 7143 §12.1.3): the name and secret it
 * answers the target's challenge with, the algorithms it offers, and for mutual CHAP the name and
 * secret it expects the target to answer its own challenge with. Immutable; secrets are never
 * shown by {@link #toString()}.
 *
 * <p>{@code InitiatorOptions.defaults().withChap(ChapOptions.oneWay("alice", "alice-secret-1")
 * .mutual("target-1", "target-secret-1"))}
 *
 * <p>For tests of the target's defences the initiator can send a chosen challenge
 * ({@link #withChallenge}) or the target's own identifier and challenge back
 * ({@link #reflectingChallenge()}, the reflection attack a target must refuse).
 */
public final class ChapOptions {
    /**
     * What is offered in {@code CHAP_A} unless {@link #withAlgorithms} says otherwise: SHA-256,
     * SHA-1, MD5, the set most initiators offer; SHA3-256 (8) only when a test asks for it.
     */
    public static final List<Integer> DEFAULT_ALGORITHMS = List.of(7, 6, 5);

    private final String user;
    private final byte[] secret;
    private final List<Integer> algorithms;
    private final String targetUser;
    private final byte[] targetSecret;
    private final int challengeIdentifier;
    private final byte[] challenge;
    private final boolean reflect;
    private final boolean base64;

    private ChapOptions(String user, byte[] secret, List<Integer> algorithms, String targetUser, byte[] targetSecret,
            int challengeIdentifier, byte[] challenge, boolean reflect, boolean base64) {
        this.user = user;
        this.secret = secret;
        this.algorithms = algorithms;
        this.targetUser = targetUser;
        this.targetSecret = targetSecret;
        this.challengeIdentifier = challengeIdentifier;
        this.challenge = challenge;
        this.reflect = reflect;
        this.base64 = base64;
    }

    /**
     * One-way CHAP: the target authenticates the initiator.
     *
     * @param user {@code CHAP_N}, the target's {@code chap.user}
     * @param secret the target's {@code chap.secret} (UTF-8)
     * @return the options
     */
    public static ChapOptions oneWay(String user, String secret) {
        return new ChapOptions(requireName("user", user), requireSecret("secret", secret), DEFAULT_ALGORITHMS, null,
                null, -1, null, false, false);
    }

    /**
     * Mutual CHAP: the initiator also challenges the target and checks its answer.
     *
     * @param expectedTargetUser the {@code CHAP_N} the target must answer with ({@code mutual.user})
     * @param expectedTargetSecret the secret its {@code CHAP_R} must be computed with
     *     ({@code mutual.secret}, UTF-8)
     * @return a copy with mutual authentication
     */
    public ChapOptions mutual(String expectedTargetUser, String expectedTargetSecret) {
        return new ChapOptions(user, secret, algorithms, requireName("expectedTargetUser", expectedTargetUser),
                requireSecret("expectedTargetSecret", expectedTargetSecret), challengeIdentifier, challenge, reflect,
                base64);
    }

    /**
     * @param numbers {@code CHAP_A} values to offer, in order of preference: 5 MD5, 6 SHA-1,
     *     7 SHA-256, 8 SHA3-256
     * @return a copy offering them
     */
    public ChapOptions withAlgorithms(int... numbers) {
        if (numbers.length == 0) {
            throw new IllegalArgumentException("offer at least one CHAP algorithm");
        }
        List<Integer> list = new ArrayList<>();
        for (int n : numbers) {
            ChapAlgorithm.of(n);
            if (list.contains(n)) {
                throw new IllegalArgumentException("CHAP_A " + n + " offered twice");
            }
            list.add(n);
        }
        return new ChapOptions(user, secret, List.copyOf(list), targetUser, targetSecret, challengeIdentifier,
                challenge, reflect, base64);
    }

    /**
     * Sends this identifier and challenge as the initiator's {@code CHAP_I} and {@code CHAP_C}
     * instead of random ones (mutual CHAP only).
     *
     * @param identifier 0..255
     * @param bytes the challenge, 1..1024 bytes
     * @return a copy sending them
     */
    public ChapOptions withChallenge(int identifier, byte[] bytes) {
        requireMutual("withChallenge");
        if (identifier < 0 || identifier > 255) {
            throw new IllegalArgumentException("CHAP_I must be 0..255, was " + identifier);
        }
        if (bytes.length == 0 || bytes.length > 1024) {
            throw new IllegalArgumentException("CHAP_C must be 1..1024 bytes, was " + bytes.length);
        }
        return new ChapOptions(user, secret, algorithms, targetUser, targetSecret, identifier, bytes.clone(), false,
                base64);
    }

    /**
     * Sends the target's own {@code CHAP_I} and {@code CHAP_C} back as the initiator's challenge
     * (mutual CHAP only): the reflection attack, which a target must answer with an authentication
     * failure (RFC 7143 §12.1.3).
     *
     * @return a copy that reflects
     */
    public ChapOptions reflectingChallenge() {
        requireMutual("reflectingChallenge");
        return new ChapOptions(user, secret, algorithms, targetUser, targetSecret, -1, null, true, base64);
    }

    /**
     * @param on encode {@code CHAP_R} and {@code CHAP_C} in base64 ({@code 0b...}) instead of hex
     *     ({@code 0x...}), RFC 7143 §6.1
     * @return a copy
     */
    public ChapOptions withBase64(boolean on) {
        return new ChapOptions(user, secret, algorithms, targetUser, targetSecret, challengeIdentifier, challenge,
                reflect, on);
    }

    /** @return {@code CHAP_N} */
    public String user() {
        return user;
    }

    /** @return the {@code CHAP_A} values offered, in order */
    public List<Integer> algorithms() {
        return algorithms;
    }

    /** @return true when the initiator also authenticates the target */
    public boolean isMutual() {
        return targetUser != null;
    }

    /** @return the name the target must answer with, or null for one-way CHAP */
    public String expectedTargetUser() {
        return targetUser;
    }

    /** @return true when binary values are sent in base64 */
    public boolean base64() {
        return base64;
    }

    byte[] secret() {
        return secret.clone();
    }

    byte[] targetSecret() {
        return targetSecret == null ? null : targetSecret.clone();
    }

    /** @return the chosen identifier, or -1 for a random one */
    int challengeIdentifier() {
        return challengeIdentifier;
    }

    /** @return the chosen challenge, or null for a random one */
    byte[] challenge() {
        return challenge == null ? null : challenge.clone();
    }

    boolean reflects() {
        return reflect;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ChapOptions c && user.equals(c.user) && Arrays.equals(secret, c.secret)
                && algorithms.equals(c.algorithms) && Objects.equals(targetUser, c.targetUser)
                && Arrays.equals(targetSecret, c.targetSecret) && challengeIdentifier == c.challengeIdentifier
                && Arrays.equals(challenge, c.challenge) && reflect == c.reflect && base64 == c.base64;
    }

    @Override
    public int hashCode() {
        return Objects.hash(user, Arrays.hashCode(secret), algorithms, targetUser, Arrays.hashCode(targetSecret),
                challengeIdentifier, Arrays.hashCode(challenge), reflect, base64);
    }

    /** @return names and algorithms; secrets masked */
    @Override
    public String toString() {
        return "ChapOptions[user=" + user + ", secret=********, algorithms=" + algorithms
                + (isMutual() ? ", mutual=" + targetUser + "/********" : "")
                + (reflect ? ", reflecting" : challenge != null ? ", chosen challenge" : "")
                + (base64 ? ", base64" : "") + "]";
    }

    private void requireMutual(String what) {
        if (!isMutual()) {
            throw new IllegalStateException(what + " needs mutual CHAP: call mutual(user, secret) first");
        }
    }

    private static String requireName(String what, String v) {
        if (v == null || v.isEmpty()) {
            throw new IllegalArgumentException(what + " is required");
        }
        if (v.indexOf('\0') >= 0) {
            throw new IllegalArgumentException(what + " must not hold NUL");
        }
        return v;
    }

    private static byte[] requireSecret(String what, String v) {
        if (v == null || v.isEmpty()) {
            throw new IllegalArgumentException(what + " is required");
        }
        return v.getBytes(StandardCharsets.UTF_8);
    }
}
