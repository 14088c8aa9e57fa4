package org.jstgt.auth.chap;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/**
 * A CHAP secret: octets that never show in {@link #toString()}, a log or a message. Two secrets
 * are equal when their octets are, compared in time independent of where they differ.
 */
public final class Secret {
    private final byte[] octets;

    private Secret(byte[] octets) {
        this.octets = octets;
    }

    /**
     * @param text the secret as configured; its UTF-8 octets are the secret
     * @return the secret
     */
    public static Secret of(String text) {
        return new Secret(text.getBytes(StandardCharsets.UTF_8));
    }

    /** @return how many octets (no secret: the bounds are documented) */
    public int length() {
        return octets.length;
    }

    /**
     * The CHAP response to a challenge under this secret.
     *
     * @param algorithm the agreed algorithm
     * @param identifier {@code CHAP_I}
     * @param challenge {@code CHAP_C}
     * @return the digest
     */
    public byte[] respond(ChapAlgorithm algorithm, int identifier, byte[] challenge) {
        return algorithm.response(identifier, octets, challenge);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Secret s && MessageDigest.isEqual(octets, s.octets);
    }

    @Override
    public int hashCode() {
        return octets.length;
    }

    @Override
    public String toString() {
        return "********";
    }
}
