package org.jstgt.api.auth;

import java.util.Set;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * One authentication method of the login's security stage (RFC 7143 §6.3, §12.1), registered as
 * an OSGi service with property {@link #METHOD}. The transport negotiates {@code AuthMethod}, then
 * hands every key of {@link #keys()} that the initiator sends in the security stage to the
 * {@link AuthExchange} it started for that login, and sends back what the exchange answers. While
 * no service is registered for a method a target's policy requires, logins to that target fail
 * with a target error (status class 0x03) and are never admitted without authentication.
 */
@ConsumerType
public interface Authenticator {
    /**
     * Service property: the {@code AuthMethod} value this service implements, as on the wire
     * (RFC 7143 §13.5.1), e.g. {@code CHAP}.
     */
    String METHOD = "jstgt.auth.method";

    /**
     * @return the text keys the method exchanges (for CHAP: {@code CHAP_A}, {@code CHAP_I},
     *     {@code CHAP_C}, {@code CHAP_N}, {@code CHAP_R}); the transport answers other unknown keys
     *     with {@code NotUnderstood} itself
     */
    Set<String> keys();

    /**
     * Starts the exchange of one login, once {@code AuthMethod} agreed on this method. Called on the
     * connection's I/O thread: must not block.
     *
     * @param context who logs in to what, under which policy
     * @return the exchange, used by that login only and dropped when the login ends
     */
    AuthExchange start(AuthContext context);
}
