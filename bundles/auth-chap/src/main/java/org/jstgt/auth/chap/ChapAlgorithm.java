package org.jstgt.auth.chap;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Locale;
import java.util.Optional;

/**
 * The CHAP algorithms, by their number in IANA's "PPP Authentication Algorithms" registry, which
 * {@code CHAP_A} carries (RFC 7143 §12.1.3; RFC 1994 §2.2 for 5). RFC 7143 requires 5 and has
 * initiators always offer it; 6 to 8 are what Linux initiators and targets offer besides.
 */
public enum ChapAlgorithm {
    /** 5: CHAP with MD5 (RFC 1994), 16-byte digest. */
    MD5(5, "MD5", 16),
    /** 6: CHAP with SHA-1, 20-byte digest. */
    SHA_1(6, "SHA-1", 20),
    /** 7: CHAP with SHA-256, 32-byte digest. */
    SHA_256(7, "SHA-256", 32),
    /** 8: CHAP with SHA3-256, 32-byte digest. */
    SHA3_256(8, "SHA3-256", 32);

    /** The shortest challenge this target sends, whatever the digest: 128 bits. */
    public static final int MIN_CHALLENGE = 16;

    private final int number;
    private final String digestName;
    private final int digestLength;

    ChapAlgorithm(int number, String digestName, int digestLength) {
        this.number = number;
        this.digestName = digestName;
        this.digestLength = digestLength;
    }

    /** @return the number on the wire ({@code CHAP_A}) */
    public int number() {
        return number;
    }

    /** @return the name as in {@code chap.algorithms} and {@link MessageDigest#getInstance} */
    public String digestName() {
        return digestName;
    }

    /** @return the length in bytes of a response ({@code CHAP_R}) */
    public int digestLength() {
        return digestLength;
    }

    /**
     * The length of the challenges this target sends with this algorithm: at least 16 bytes and at
     * least the digest length, so that a challenge carries as much entropy as the response can hold.
     *
     * @return bytes
     */
    public int challengeLength() {
        return Math.max(MIN_CHALLENGE, digestLength);
    }

    /**
     * The CHAP response (RFC 1994 §4.1): the digest of the identifier byte, the secret and the
     * challenge, in that order.
     *
     * @param identifier {@code CHAP_I}, 0..255
     * @param secret the shared secret
     * @param challenge {@code CHAP_C}
     * @return the digest, {@link #digestLength()} bytes
     */
    public byte[] response(int identifier, byte[] secret, byte[] challenge) {
        if (identifier < 0 || identifier > 255) {
            throw new IllegalArgumentException("identifier " + identifier + " not in 0..255");
        }
        MessageDigest md = digest();
        md.update((byte) identifier);
        md.update(secret);
        md.update(challenge);
        return md.digest();
    }

    private MessageDigest digest() {
        try {
            // a new instance each time: MessageDigest is not thread-safe and is cheap to obtain
            return MessageDigest.getInstance(digestName);
        } catch (NoSuchAlgorithmException e) {
            // every Java 17 runtime has all four (Java Security Standard Algorithm Names)
            throw new IllegalStateException(digestName + " is missing from this Java runtime", e);
        }
    }

    /**
     * @param number a number from {@code CHAP_A}
     * @return the algorithm, or empty when this target does not know the number
     */
    public static Optional<ChapAlgorithm> byNumber(long number) {
        for (ChapAlgorithm a : values()) {
            if (a.number == number) {
                return Optional.of(a);
            }
        }
        return Optional.empty();
    }

    /**
     * @param text an entry of {@code chap.algorithms}: a name ({@code MD5}, {@code SHA-1},
     *     {@code SHA-256}, {@code SHA3-256}, any case) or a number ({@code 5} to {@code 8})
     * @return the algorithm, or empty when the entry names none
     */
    public static Optional<ChapAlgorithm> parse(String text) {
        String t = text.trim().toUpperCase(Locale.ROOT);
        for (ChapAlgorithm a : values()) {
            if (a.digestName.equals(t) || Integer.toString(a.number).equals(t)) {
                return Optional.of(a);
            }
        }
        return Optional.empty();
    }
}
