package org.jstgt.testkit;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * The CHAP digest algorithms of iSCSI (RFC 7143 §12.1.3, IANA "PPP Authentication Algorithms"):
 * the number sent in {@code CHAP_A} and the digest behind it.
 */
public enum ChapAlgorithm {
    /** 5: MD5 (RFC 1994). */
    MD5(5, "MD5"),
    /** 6: SHA-1 (RFC 7143 via the IANA registry). */
    SHA1(6, "SHA-1"),
    /** 7: SHA-256. */
    SHA256(7, "SHA-256"),
    /** 8: SHA3-256. */
    SHA3_256(8, "SHA3-256");

    private final int number;
    private final String digest;

    ChapAlgorithm(int number, String digest) {
        this.number = number;
        this.digest = digest;
    }

    /** @return the value in {@code CHAP_A} */
    public int number() {
        return number;
    }

    /** @return the {@link MessageDigest} algorithm name */
    public String digestName() {
        return digest;
    }

    /** @return the digest length in bytes: the length of a response, and of our challenges */
    public int length() {
        return newDigest().getDigestLength();
    }

    /**
     * @param number a {@code CHAP_A} value
     * @return the algorithm
     * @throws IllegalArgumentException for a number other than 5, 6, 7 or 8
     */
    public static ChapAlgorithm of(int number) {
        for (ChapAlgorithm a : values()) {
            if (a.number == number) {
                return a;
            }
        }
        throw new IllegalArgumentException("CHAP_A " + number + " is none of 5 (MD5), 6 (SHA-1), 7 (SHA-256), "
                + "8 (SHA3-256)");
    }

    /**
     * The CHAP response (RFC 1994 §4.1): the digest over the one-byte identifier, the secret and the
     * challenge, in that order.
     *
     * @param identifier {@code CHAP_I}, 0..255
     * @param secret the shared secret
     * @param challenge {@code CHAP_C} as bytes
     * @return {@code CHAP_R} as bytes
     */
    public byte[] response(int identifier, byte[] secret, byte[] challenge) {
        if (identifier < 0 || identifier > 255) {
            throw new IllegalArgumentException("CHAP_I must be 0..255, was " + identifier);
        }
        MessageDigest md = newDigest();
        md.update((byte) identifier);
        md.update(secret);
        md.update(challenge);
        return md.digest();
    }

    private MessageDigest newDigest() {
        try {
            return MessageDigest.getInstance(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(digest + " is missing from this Java runtime", e);
        }
    }
}
