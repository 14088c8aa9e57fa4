package org.jstgt.api.auth;

import java.util.List;
import java.util.Map;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * The security-stage conversation of one login with one {@link Authenticator}. The transport
 * calls {@link #step} once for each complete Login Request of the security stage (text joined
 * across C-bit continuations), from the request that agreed on the method on, in order and on one
 * thread at a time. The transport lets the login leave the security stage only after a step
 * answered {@link AuthStep.Outcome#SUCCESS}.
 */
@ConsumerType
public interface AuthExchange {

    /**
     * @param received the method's keys ({@link Authenticator#keys()}) the initiator sent in this
     *     request, in order; empty when it sent none (e.g. the request that agreed on the method)
     * @param transit true when the initiator asks to leave the security stage (T bit)
     * @return the keys to answer and how the exchange stands
     */
    AuthStep step(List<Map.Entry<String, String>> received, boolean transit);

    /** The login ended (admitted, refused or connection lost); forget per-login state. */
    default void close() {
    }
}
