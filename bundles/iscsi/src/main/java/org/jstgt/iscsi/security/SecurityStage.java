package org.jstgt.iscsi.security;

import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import org.jstgt.api.auth.AuthContext;
import org.jstgt.api.auth.AuthExchange;
import org.jstgt.api.auth.AuthStep;
import org.jstgt.api.auth.Authenticator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The security stage of one login (RFC 7143 §6.3, §12): which {@code AuthMethod} the target's
 * policy requires, the {@link Authenticator} serving it, and the exchange with it. Knows no method
 * itself: {@code None} needs nothing, any other method is asked of its service, and a method whose
 * service is absent refuses the login as a target error. Plain Java, one login, one thread.
 */
public final class SecurityStage {
    private static final Logger LOG = LoggerFactory.getLogger(SecurityStage.class);

    /** The method that needs no exchange. */
    public static final String NONE = "None";

    /** Why a login is refused, for the login to turn into a status. */
    public enum Failure {
        /** 0x0201: authentication failed or was skipped. */
        AUTHENTICATION,
        /** 0x0300: the target cannot authenticate (method absent, bad policy, method failed). */
        TARGET_ERROR
    }

    /**
     * @param failure the kind
     * @param why for the log (no secrets)
     * @param delayMillis how long to hold the refusal back
     */
    public record Refusal(Failure failure, String why, long delayMillis) {
    }

    /** What a request asking to leave the security stage gets. */
    public enum Transit {
        /** Leave it. */
        GO,
        /** Not yet: the exchange goes on (answer with T=0). */
        STAY,
        /** Authentication is required and was never started. */
        REFUSE
    }

    private final Authenticators authenticators;
    private String method = NONE;
    private AuthContext context;
    private Authenticator authenticator;
    private AuthExchange exchange;
    private boolean authenticated;
    private String identity = "";

    /** @param authenticators the services present */
    public SecurityStage(Authenticators authenticators) {
        this.authenticators = authenticators;
    }

    /**
     * Sets the policy once the leading request named the target (or a Discovery session).
     *
     * @param policy the target's or the discovery policy's {@code auth} key
     * @param origin where the policy is configured, for messages
     * @param who who logs in to what (asked only when a method is required; its
     *     {@link AuthContext#method()} and {@link AuthContext#policy()} are replaced by the policy's)
     * @return null, or why the login cannot go on
     */
    public Refusal require(AuthPolicy policy, String origin, Supplier<AuthContext> who) {
        if (policy.method() == null) {
            return new Refusal(Failure.TARGET_ERROR, origin + ": key " + AuthPolicy.KEY + ": '" + policy.value()
                    + "' is not a valid policy; refusing logins until fixed", 0);
        }
        method = policy.method();
        if (method.equals(NONE)) {
            return null;
        }
        AuthContext context = who.get();
        authenticator = authenticators.find(method);
        if (authenticator == null) {
            return new Refusal(Failure.TARGET_ERROR, (context.discovery() ? "discovery" : "target "
                    + context.targetName()) + " requires AuthMethod=" + method + " but no Authenticator service for "
                    + method + " is registered", 0);
        }
        this.context = new AuthContext(method, policy.value(), context.initiatorName(), context.initiatorAddress(),
                context.discovery(), context.targetName(), context.properties(), context.origin());
        return null;
    }

    /** @return the {@code AuthMethod} the target requires: {@link #NONE} or a service's method */
    public String method() {
        return method;
    }

    /** @return true when the policy requires an authentication exchange */
    public boolean required() {
        return !method.equals(NONE);
    }

    /**
     * @param key a text key of the security stage
     * @return true when it belongs to the required method's exchange
     */
    public boolean owns(String key) {
        return authenticator != null && authenticator.keys().contains(key);
    }

    /**
     * The {@code AuthMethod} negotiation ended on a value.
     *
     * @param agreed the value answered ({@code Reject} when nothing offered was acceptable)
     * @param offered what the initiator offered, for the log
     * @return null, or why the login cannot go on
     */
    public Refusal agreed(String agreed, String offered) {
        if (!agreed.equals(method)) {
            return new Refusal(Failure.AUTHENTICATION, "AuthMethod offered " + offered + ", the target requires "
                    + method, 0);
        }
        if (authenticator != null && exchange == null) {
            try {
                exchange = authenticator.start(context);
            } catch (RuntimeException e) {
                LOG.warn("Authenticator for {} failed to start an exchange", method, e);
                return new Refusal(Failure.TARGET_ERROR, "Authenticator for " + method + " failed: " + e, 0);
            }
        }
        return null;
    }

    /** @return true once the exchange started: every later security-stage request goes through it */
    public boolean exchanging() {
        return exchange != null;
    }

    /**
     * Runs one request through the exchange.
     *
     * @param received the exchange's keys the request carried, in order
     * @param transit the request's T bit
     * @param answer where the keys to send back are added
     * @return null, or why the login cannot go on
     */
    public Refusal step(List<Map.Entry<String, String>> received, boolean transit, List<Map.Entry<String, String>> answer) {
        AuthStep step;
        try {
            step = exchange.step(received, transit);
        } catch (RuntimeException e) {
            LOG.warn("Authenticator for {} failed", method, e);
            return new Refusal(Failure.TARGET_ERROR, "Authenticator for " + method + " failed: " + e, 0);
        }
        if (step == null) {
            return new Refusal(Failure.TARGET_ERROR, "Authenticator for " + method + " answered nothing", 0);
        }
        switch (step.outcome()) {
            case FAILURE -> {
                return new Refusal(Failure.AUTHENTICATION, "AuthMethod=" + method + ": " + step.detail(),
                        step.delayMillis());
            }
            case TARGET_ERROR -> {
                return new Refusal(Failure.TARGET_ERROR, "AuthMethod=" + method + ": " + step.detail(), 0);
            }
            case SUCCESS -> {
                authenticated = true;
                identity = step.identity();
            }
            default -> {
            }
        }
        answer.addAll(step.keys());
        return null;
    }

    /** @return what a request with the T bit set in the security stage gets */
    public Transit transit() {
        if (!required() || authenticated) {
            return Transit.GO;
        }
        return exchange != null ? Transit.STAY : Transit.REFUSE;
    }

    /** @return the name the initiator authenticated as, or empty */
    public String identity() {
        return identity;
    }

    /** The login ended: the exchange forgets its state. */
    public void close() {
        AuthExchange e = exchange;
        exchange = null;
        if (e != null) {
            try {
                e.close();
            } catch (RuntimeException ex) {
                LOG.warn("Authenticator for {} failed to close an exchange", method, ex);
            }
        }
    }
}
