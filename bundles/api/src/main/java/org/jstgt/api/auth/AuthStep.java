package org.jstgt.api.auth;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The answer to one security-stage request.
 *
 * @param outcome how the exchange stands after this request
 * @param keys the method's keys to send back, in order (e.g. {@code CHAP_A}, {@code CHAP_I},
 *     {@code CHAP_C}; or mutual {@code CHAP_N}, {@code CHAP_R} with SUCCESS)
 * @param detail why, for the log: never a secret, a challenge or a response value
 * @param identity on SUCCESS, the name the initiator authenticated as (for the log and listings);
 *     empty otherwise
 * @param delayMillis on FAILURE, how long the transport holds the refusal back before sending it
 *     (progressive delay against guessing); 0 sends at once
 */
public record AuthStep(Outcome outcome, List<Map.Entry<String, String>> keys, String detail, String identity,
        long delayMillis) {

    /** Where an exchange stands. */
    public enum Outcome {
        /** More requests are needed; the login stays in the security stage. */
        CONTINUE,
        /** The initiator is authenticated; the login may leave the security stage. */
        SUCCESS,
        /** Authentication failed: the login is refused with 0x0201 (RFC 7143 §11.13.5). */
        FAILURE,
        /**
         * The method cannot authenticate this login through no fault of the initiator (the target's
         * policy or credentials are misconfigured): the login is refused with 0x0300, target error.
         */
        TARGET_ERROR
    }

    public AuthStep {
        Objects.requireNonNull(outcome, "outcome");
        keys = List.copyOf(keys);
        detail = detail == null ? "" : detail;
        identity = identity == null ? "" : identity;
        if (delayMillis < 0) {
            throw new IllegalArgumentException("delayMillis " + delayMillis + " < 0");
        }
    }

    /**
     * @param keys keys to send
     * @return the exchange goes on
     */
    public static AuthStep next(List<Map.Entry<String, String>> keys) {
        return new AuthStep(Outcome.CONTINUE, keys, "", "", 0);
    }

    /**
     * @param keys keys to send (mutual authentication: the target's answer)
     * @param identity the authenticated name
     * @return the initiator is authenticated
     */
    public static AuthStep success(List<Map.Entry<String, String>> keys, String identity) {
        return new AuthStep(Outcome.SUCCESS, keys, "", identity, 0);
    }

    /**
     * @param detail why, for the log (no secrets)
     * @param delayMillis how long to hold the refusal back
     * @return authentication failed
     */
    public static AuthStep failure(String detail, long delayMillis) {
        return new AuthStep(Outcome.FAILURE, List.of(), detail, "", delayMillis);
    }

    /**
     * @param detail what is misconfigured, naming the file and key (no secrets), for the log
     * @return the target cannot authenticate this login (0x0300)
     */
    public static AuthStep targetError(String detail) {
        return new AuthStep(Outcome.TARGET_ERROR, List.of(), detail, "", 0);
    }
}
