package org.jstgt.auth.chap;

import java.util.Objects;
import java.util.Optional;

/**
 * One usable CHAP credential set, from {@code etc/jstgt.auth-<name>.cfg}: the name and secret an
 * initiator authenticates with, and optionally the name and secret this target answers a mutual
 * challenge with (RFC 7143 §12.1.3). {@link #toString()} shows names, never secrets.
 *
 * @param name the instance name (targets list it in {@code auth.groups})
 * @param origin the file, for messages
 * @param user {@code chap.user}: the {@code CHAP_N} the initiator must send
 * @param secret {@code chap.secret}
 * @param mutualUser {@code mutual.user}: the {@code CHAP_N} this target answers with, or null
 * @param mutualSecret {@code mutual.secret}, or null (both or neither)
 */
public record CredentialSet(String name, String origin, String user, Secret secret, String mutualUser,
        Secret mutualSecret) {

    public CredentialSet {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(origin, "origin");
        Objects.requireNonNull(user, "user");
        Objects.requireNonNull(secret, "secret");
        if ((mutualUser == null) != (mutualSecret == null)) {
            throw new IllegalArgumentException("mutual.user and mutual.secret go together");
        }
        if (secret.equals(mutualSecret)) {
            // RFC 7143 §9.2.1: a secret authenticates one direction only
            throw new IllegalArgumentException("mutual.secret equals chap.secret");
        }
    }

    /** @return true when the set can answer a mutual challenge */
    public boolean mutual() {
        return mutualSecret != null;
    }

    /** @return the name this target answers a mutual challenge with, when it can */
    public Optional<String> mutualName() {
        return Optional.ofNullable(mutualUser);
    }

    @Override
    public String toString() {
        return "CredentialSet[" + name + " from " + origin + ": chap.user=" + user + ", chap.secret=" + secret
                + (mutual() ? ", mutual.user=" + mutualUser + ", mutual.secret=" + mutualSecret : "") + "]";
    }
}
