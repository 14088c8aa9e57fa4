package org.jstgt.iscsi.login;

import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.jstgt.iscsi.events.ConfigEvents;
import org.jstgt.iscsi.flow.FlowSettings;
import org.jstgt.iscsi.limits.TargetLimits;
import org.jstgt.iscsi.security.AuthPolicy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Our side of the negotiation for one target: the target configuration's negotiation keys,
 * validated through the {@link LoginKey} table. A bad value is logged with the file and key and
 * replaced by its default; the target keeps working.
 */
public final class TargetSettings {
    private static final Logger LOG = LoggerFactory.getLogger(TargetSettings.class);

    static final String QUEUE_DEPTH = "queue.depth";
    static final int DEFAULT_QUEUE_DEPTH = 128;
    /** The most connections one session may have (max.connections above it is lowered to it). */
    public static final int MAX_CONNECTIONS_LIMIT = 64;
    /**
     * Whether an initiator may reset the whole target (TARGET WARM RESET, TARGET COLD RESET, RFC
     * 7143 §11.5.1): {@code true} or {@code false}, default {@value #DEFAULT_TARGET_RESET}. Off by
     * default, as LIO (per-ACL {@code tmr_warm_reset}, {@code tmr_cold_reset}, both off) and for the
     * same reason: one host's error handling would abort the commands of every other host on every
     * LU of a shared target, and a cold reset would drop their sessions. Refused, the function is
     * answered "Function authorization failed" (RFC 7143 §11.6.1) and Linux's error handler goes on
     * to recover the session, which touches that host only.
     */
    public static final String TMF_TARGET_RESET = "tmf.target.reset";
    static final boolean DEFAULT_TARGET_RESET = false;
    /** Target key: report unit attentions with Asynchronous Messages too (AsyncEvent 0). */
    public static final String ASYNC_EVENTS = "async.events";
    static final boolean DEFAULT_ASYNC_EVENTS = false;

    private final Map<LoginKey, String> ours;
    private final int queueDepth;
    private final AuthPolicy auth;
    private final int maxSessions;
    private final FlowSettings flow;
    private final boolean targetReset;
    private final boolean asyncEvents;
    private final Redirection redirection;

    private TargetSettings(Map<LoginKey, String> ours, int queueDepth, AuthPolicy auth, int maxSessions,
            FlowSettings flow, boolean targetReset, boolean asyncEvents, Redirection redirection) {
        this.ours = ours;
        this.queueDepth = queueDepth;
        this.auth = auth;
        this.maxSessions = maxSessions;
        this.flow = flow;
        this.targetReset = targetReset;
        this.asyncEvents = asyncEvents;
        this.redirection = redirection;
    }

    /** One target's settings, for as long as its configuration stays the same map. */
    private record Parsed(Map<String, String> properties, TargetSettings settings) {
    }

    /** The settings last parsed per origin: one entry per target file. */
    private static final Map<String, Parsed> PARSED = new ConcurrentHashMap<>();

    /**
     * The settings of a target, parsed (and any bad value logged) once per configuration rather
     * than at every login: a peer looping logins to a misconfigured target cannot flood the log.
     *
     * @param properties the target configuration ({@code ScsiTarget.properties()}, one map per
     *     configuration)
     * @param origin where it came from, for messages
     * @return validated settings
     */
    static TargetSettings forTarget(Map<String, String> properties, String origin) {
        Parsed p = PARSED.get(origin);
        if (p != null && p.properties() == properties) {
            return p.settings();
        }
        TargetSettings settings = from(properties, origin);
        PARSED.put(origin, new Parsed(properties, settings));
        return settings;
    }

    /** @return settings from configuration defaults (discovery sessions, tests) */
    public static TargetSettings defaults() {
        return from(Map.of(), "(defaults)");
    }

    /**
     * @param properties the target configuration ({@code ScsiTarget.properties()})
     * @param origin where it came from, for messages
     * @return validated settings
     */
    static TargetSettings from(Map<String, String> properties, String origin) {
        Map<LoginKey, String> ours = new EnumMap<>(LoginKey.class);
        for (LoginKey k : LoginKey.values()) {
            if (k.configDefault() == null) {
                continue;
            }
            String wire = k.configToWire(k.configDefault());
            String configured = k.configKey() == null ? null : properties.get(k.configKey());
            if (configured != null && !configured.isBlank()) {
                try {
                    wire = k.configToWire(configured);
                } catch (IllegalArgumentException e) {
                    LOG.warn("{}: key {}: {}; using the default {}", origin, k.configKey(), e.getMessage(),
                            k.configDefault());
                    ConfigEvents.refused(origin, k.configKey(), e.getMessage() + "; using the default "
                            + k.configDefault());
                }
            }
            ours.put(k, wire);
        }
        long first = Long.parseLong(ours.get(LoginKey.FIRST_BURST_LENGTH));
        long burst = Long.parseLong(ours.get(LoginKey.MAX_BURST_LENGTH));
        if (first > burst) {
            LOG.warn("{}: key {}: {} exceeds {} = {} (RFC 7143 §13.14); using {}", origin,
                    LoginKey.FIRST_BURST_LENGTH.configKey(), first, LoginKey.MAX_BURST_LENGTH.configKey(), burst,
                    burst);
            ours.put(LoginKey.FIRST_BURST_LENGTH, Long.toString(burst));
        }
        // Connections per session (MC/S, RFC 7143 §13.2): at most MAX_CONNECTIONS_LIMIT.
        if (Integer.parseInt(ours.get(LoginKey.MAX_CONNECTIONS)) > MAX_CONNECTIONS_LIMIT) {
            LOG.warn("{}: key {}: {} is above the most this target supports; using {}", origin,
                    LoginKey.MAX_CONNECTIONS.configKey(), ours.get(LoginKey.MAX_CONNECTIONS), MAX_CONNECTIONS_LIMIT);
            ours.put(LoginKey.MAX_CONNECTIONS, Integer.toString(MAX_CONNECTIONS_LIMIT));
        }
        // At ErrorRecoveryLevel 1 or 2 with DataSequenceInOrder=Yes (always here) MaxOutstandingR2T
        // must be 1 (RFC 7143 §13.19).
        if (!ours.get(LoginKey.ERROR_RECOVERY_LEVEL).equals("0") && !ours.get(LoginKey.MAX_OUTSTANDING_R2T).equals("1")) {
            LOG.warn("{}: key {}: {} with {} = {}: RFC 7143 §13.19 allows only 1 above ErrorRecoveryLevel 0; "
                    + "using 1", origin, LoginKey.MAX_OUTSTANDING_R2T.configKey(),
                    ours.get(LoginKey.MAX_OUTSTANDING_R2T), LoginKey.ERROR_RECOVERY_LEVEL.configKey(),
                    ours.get(LoginKey.ERROR_RECOVERY_LEVEL));
            ours.put(LoginKey.MAX_OUTSTANDING_R2T, "1");
        }
        int depth = DEFAULT_QUEUE_DEPTH;
        String qd = properties.get(QUEUE_DEPTH);
        if (qd != null && !qd.isBlank()) {
            try {
                depth = Integer.parseInt(qd.trim());
                if (depth < 1 || depth > 65535) {
                    throw new NumberFormatException();
                }
            } catch (NumberFormatException e) {
                LOG.warn("{}: key {}: '{}' is not a number in 1..65535; using the default {}", origin, QUEUE_DEPTH,
                        qd, DEFAULT_QUEUE_DEPTH);
                ConfigEvents.refused(origin, QUEUE_DEPTH, "'" + qd + "' is not a number in 1..65535; using the "
                        + "default " + DEFAULT_QUEUE_DEPTH);
                depth = DEFAULT_QUEUE_DEPTH;
            }
        }
        return new TargetSettings(ours, depth, AuthPolicy.from(properties, origin),
                TargetLimits.maxSessions(properties, origin), FlowSettings.from(properties, origin),
                flag(properties, origin, TMF_TARGET_RESET, DEFAULT_TARGET_RESET),
                flag(properties, origin, ASYNC_EVENTS, DEFAULT_ASYNC_EVENTS), Redirection.from(properties, origin));
    }

    /** @return a true/false key; another value is logged with file and key, and the default used */
    private static boolean flag(Map<String, String> properties, String origin, String key, boolean dflt) {
        String v = properties.get(key);
        if (v == null || v.isBlank()) {
            return dflt;
        }
        String t = v.trim();
        if (t.equalsIgnoreCase("true") || t.equalsIgnoreCase("false")) {
            return Boolean.parseBoolean(t);
        }
        LOG.warn("{}: key {}: '{}' is neither true nor false; using the default {}", origin, key, t, dflt);
        ConfigEvents.refused(origin, key, "'" + t + "' is neither true nor false; using the default " + dflt);
        return dflt;
    }

    /**
     * @return {@value #ASYNC_EVENTS}: unit attentions are also reported with Asynchronous Messages
     *     (AsyncEvent 0, RFC 7143 §11.9.1)
     */
    public boolean asyncEvents() {
        return asyncEvents;
    }

    /**
     * @param key a key with a configured value
     * @return our value in wire form
     */
    String ours(LoginKey key) {
        return ours.get(key);
    }

    public int queueDepth() {
        return queueDepth;
    }

    /** @return {@code sessions.max}: Normal sessions the target holds at once */
    public int maxSessions() {
        return maxSessions;
    }

    /** @return the memory and flow limits of the target's sessions */
    public FlowSettings flow() {
        return flow;
    }

    /** @return {@value #TMF_TARGET_RESET}: whether TARGET WARM RESET and TARGET COLD RESET are allowed */
    public boolean targetReset() {
        return targetReset;
    }

    /** @return the target's {@value Redirection#KEY}: where its logins are sent, if anywhere */
    Redirection redirection() {
        return redirection;
    }

    /** @return the target's {@code auth} policy */
    AuthPolicy auth() {
        return auth;
    }

    int maxRecvDataSegmentLength() {
        return Integer.parseInt(ours(LoginKey.MAX_RECV_DATA_SEGMENT_LENGTH));
    }

    /**
     * @param agreed the values the login settled
     * @return why a digest in force (the one agreed, or the RFC default None) is not one this
     *     target allows, or null when both are allowed
     */
    String refusedDigest(Map<LoginKey, String> agreed) {
        for (LoginKey digest : List.of(LoginKey.HEADER_DIGEST, LoginKey.DATA_DIGEST)) {
            String v = agreed.get(digest);
            String effective = v == null || v.equals("Reject") ? digest.rfcDefault() : v;
            if (!List.of(ours(digest).split(",")).contains(effective)) {
                return digest.wire() + "=" + effective + " is not allowed by the target configuration ("
                        + ours(digest) + ")";
            }
        }
        return null;
    }
}
