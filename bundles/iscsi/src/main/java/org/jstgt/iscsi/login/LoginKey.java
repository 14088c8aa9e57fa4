package org.jstgt.iscsi.login;

import java.util.List;
import java.util.Locale;

/**
 * The login and text keys this target knows (RFC 7143 §13, RFC 7144 §6.3 for iSCSIProtocolLevel),
 * with their RFC default, value domain, result function, use, scope and, where a target
 * configuration key sets our side, that key and its default. Drives negotiation and config
 * validation.
 */
public enum LoginKey {
    HEADER_DIGEST("HeaderDigest", Rule.LIST, Use.IO, Scope.CONNECTION, "None", digests(), "header.digest", "None,CRC32C"),
    DATA_DIGEST("DataDigest", Rule.LIST, Use.IO, Scope.CONNECTION, "None", digests(), "data.digest", "None,CRC32C"),
    MAX_CONNECTIONS("MaxConnections", Rule.MIN, Use.LO, Scope.SESSION, "1", 1, 65535, "max.connections", "4"),
    SEND_TARGETS("SendTargets", Rule.DECLARATIVE, Use.FFPO, Scope.SESSION, "", null, null, null),
    TARGET_NAME("TargetName", Rule.DECLARATIVE, Use.IO, Scope.SESSION, "", null, null, null),
    INITIATOR_NAME("InitiatorName", Rule.DECLARATIVE, Use.IO, Scope.SESSION, "", null, null, null),
    TARGET_ALIAS("TargetAlias", Rule.TARGET_ONLY, Use.ALL, Scope.SESSION, "", null, null, null),
    INITIATOR_ALIAS("InitiatorAlias", Rule.DECLARATIVE, Use.ALL, Scope.SESSION, "", null, null, null),
    TARGET_ADDRESS("TargetAddress", Rule.TARGET_ONLY, Use.ALL, Scope.SESSION, "", null, null, null),
    TARGET_PORTAL_GROUP_TAG("TargetPortalGroupTag", Rule.TARGET_ONLY, Use.IO, Scope.SESSION, "", null, null, null),
    INITIAL_R2T("InitialR2T", Rule.OR, Use.LO, Scope.SESSION, "Yes", booleans(), "initial.r2t", "false"),
    IMMEDIATE_DATA("ImmediateData", Rule.AND, Use.LO, Scope.SESSION, "Yes", booleans(), "immediate.data", "true"),
    MAX_RECV_DATA_SEGMENT_LENGTH("MaxRecvDataSegmentLength", Rule.DECLARATIVE_NUMBER, Use.ALL, Scope.CONNECTION,
            "8192", 512, 16777215, "max.recv.data.segment.length", "262144"),
    MAX_BURST_LENGTH("MaxBurstLength", Rule.MIN, Use.LO, Scope.SESSION, "262144", 512, 16777215,
            "max.burst.length", "1048576"),
    FIRST_BURST_LENGTH("FirstBurstLength", Rule.MIN, Use.LO, Scope.SESSION, "65536", 512, 16777215,
            "first.burst.length", "262144"),
    DEFAULT_TIME2WAIT("DefaultTime2Wait", Rule.MAX, Use.LO, Scope.SESSION, "2", 0, 3600, "default.time2wait", "2"),
    DEFAULT_TIME2RETAIN("DefaultTime2Retain", Rule.MIN, Use.LO, Scope.SESSION, "20", 0, 3600,
            "default.time2retain", "20"),
    MAX_OUTSTANDING_R2T("MaxOutstandingR2T", Rule.MIN, Use.LO, Scope.SESSION, "1", 1, 65535,
            "max.outstanding.r2t", "1"),
    DATA_PDU_IN_ORDER("DataPDUInOrder", Rule.OR, Use.LO, Scope.SESSION, "Yes", booleans(), null, "true"),
    DATA_SEQUENCE_IN_ORDER("DataSequenceInOrder", Rule.OR, Use.LO, Scope.SESSION, "Yes", booleans(), null, "true"),
    ERROR_RECOVERY_LEVEL("ErrorRecoveryLevel", Rule.MIN, Use.LO, Scope.SESSION, "0", 0, 2, "error.recovery.level",
            "0"),
    SESSION_TYPE("SessionType", Rule.DECLARATIVE, Use.LO, Scope.SESSION, "Normal", List.of("Discovery", "Normal"),
            null, null),
    AUTH_METHOD("AuthMethod", Rule.LIST, Use.SECURITY, Scope.CONNECTION, "None",
            List.of("None", "CHAP", "KRB5", "SPKM1", "SPKM2", "SRP"), null, "None"),
    TASK_REPORTING("TaskReporting", Rule.LIST, Use.LO, Scope.SESSION, "RFC3720",
            List.of("RFC3720", "ResponseFence", "FastAbort"), null, "RFC3720"),
    PROTOCOL_LEVEL("iSCSIProtocolLevel", Rule.MIN, Use.LO, Scope.SESSION, "1", 0, 31, null, "1"),
    // Markers were removed by RFC 7143 (§13.25 obsoletes them); answering "No" keeps RFC 3720
    // initiators that still offer them happy.
    OF_MARKER("OFMarker", Rule.AND, Use.IO, Scope.CONNECTION, "No", booleans(), null, "false"),
    IF_MARKER("IFMarker", Rule.AND, Use.IO, Scope.CONNECTION, "No", booleans(), null, "false"),
    OF_MARK_INT("OFMarkInt", Rule.IRRELEVANT, Use.IO, Scope.CONNECTION, "2048", null, null, null),
    IF_MARK_INT("IFMarkInt", Rule.IRRELEVANT, Use.IO, Scope.CONNECTION, "2048", null, null, null);

    /** Result functions (RFC 7143 §6.2.1, §6.2.2). */
    enum Rule {
        /** The responder picks the first value of the offer it supports. */
        LIST,
        /** Numerical: the smaller of offer and our value. */
        MIN,
        /** Numerical: the larger of offer and our value. */
        MAX,
        /** Boolean AND. */
        AND,
        /** Boolean OR. */
        OR,
        /** Each side declares its own value; no answer is due. */
        DECLARATIVE,
        /** Declarative with a numeric range (MaxRecvDataSegmentLength). */
        DECLARATIVE_NUMBER,
        /** Only the target may send the key. */
        TARGET_ONLY,
        /** Obsolete keys whose value no longer matters. */
        IRRELEVANT
    }

    /** Where the key may appear (RFC 7143 §13 "Use"). */
    enum Use {
        /** Leading Only: the leading connection's login (session-wide). */
        LO,
        /** Initialize Only: during login of any connection. */
        IO,
        /** Any time (login or Text in the Full Feature Phase). */
        ALL,
        /** Full Feature Phase only (Text requests). */
        FFPO,
        /** Security negotiation stage. */
        SECURITY
    }

    /** Whether the key applies to the session or to one connection. */
    enum Scope { SESSION, CONNECTION }

    private final String wire;
    private final Rule rule;
    private final Use use;
    private final Scope scope;
    private final String rfcDefault;
    private final List<String> values;
    private final int min;
    private final int max;
    private final String configKey;
    private final String configDefault;

    LoginKey(String wire, Rule rule, Use use, Scope scope, String rfcDefault, List<String> values, String configKey,
            String configDefault) {
        this.wire = wire;
        this.rule = rule;
        this.use = use;
        this.scope = scope;
        this.rfcDefault = rfcDefault;
        this.values = values;
        this.min = -1;
        this.max = -1;
        this.configKey = configKey;
        this.configDefault = configDefault;
    }

    LoginKey(String wire, Rule rule, Use use, Scope scope, String rfcDefault, int min, int max, String configKey,
            String configDefault) {
        this.wire = wire;
        this.rule = rule;
        this.use = use;
        this.scope = scope;
        this.rfcDefault = rfcDefault;
        this.values = null;
        this.min = min;
        this.max = max;
        this.configKey = configKey;
        this.configDefault = configDefault;
    }

    private static List<String> digests() {
        return List.of("None", "CRC32C");
    }

    private static List<String> booleans() {
        return List.of("Yes", "No");
    }

    String wire() {
        return wire;
    }

    Rule rule() {
        return rule;
    }

    Use use() {
        return use;
    }

    Scope scope() {
        return scope;
    }

    String rfcDefault() {
        return rfcDefault;
    }

    String configKey() {
        return configKey;
    }

    String configDefault() {
        return configDefault;
    }

    boolean numeric() {
        return min >= 0;
    }

    boolean bool() {
        return rule == Rule.AND || rule == Rule.OR;
    }

    int min() {
        return min;
    }

    int max() {
        return max;
    }

    /** @return true when the key means nothing in a Discovery session (RFC 7143 §13, per key) */
    boolean irrelevantInDiscovery() {
        return switch (this) {
            case MAX_CONNECTIONS, INITIAL_R2T, IMMEDIATE_DATA, MAX_BURST_LENGTH, FIRST_BURST_LENGTH,
                    MAX_OUTSTANDING_R2T, DATA_PDU_IN_ORDER, DATA_SEQUENCE_IN_ORDER -> true;
            default -> false;
        };
    }

    /**
     * @param name a key name as received
     * @return the key, or null when unknown (keys are case-sensitive, RFC 7143 §6.1)
     */
    public static LoginKey byWire(String name) {
        for (LoginKey k : values()) {
            if (k.wire.equals(name)) {
                return k;
            }
        }
        return null;
    }

    /**
     * Parses a numeric value (RFC 7143 §6.1 numerical-value: decimal, or 0x hex).
     *
     * @param v the text
     * @return the value or -1 when not a number within this key's range
     */
    long parseNumber(String v) {
        long n;
        try {
            if (v.startsWith("0x") || v.startsWith("0X")) {
                n = Long.parseLong(v.substring(2), 16);
            } else {
                if (v.isEmpty() || v.length() > 12 || !v.chars().allMatch(Character::isDigit)) {
                    return -1;
                }
                n = Long.parseLong(v);
            }
        } catch (NumberFormatException e) {
            return -1;
        }
        return n < min || n > max ? -1 : n;
    }

    /**
     * Validates a target configuration value for {@link #configKey()} and returns it in wire form.
     *
     * @param configValue the configured value
     * @return the wire value
     * @throws IllegalArgumentException with a message naming the allowed domain
     */
    String configToWire(String configValue) {
        String v = configValue.trim();
        if (numeric()) {
            long n = parseNumber(v);
            if (n < 0) {
                throw new IllegalArgumentException("'" + configValue + "' is not a number in " + min + ".." + max);
            }
            return Long.toString(n);
        }
        if (bool()) {
            return switch (v.toLowerCase(Locale.ROOT)) {
                case "true", "yes" -> "Yes";
                case "false", "no" -> "No";
                default -> throw new IllegalArgumentException("'" + configValue + "' is not true or false");
            };
        }
        if (rule == Rule.LIST) {
            StringBuilder sb = new StringBuilder();
            for (String part : v.split(",")) {
                String p = part.trim();
                String match = null;
                for (String allowed : values) {
                    if (allowed.equalsIgnoreCase(p)) {
                        match = allowed;
                    }
                }
                if (match == null) {
                    throw new IllegalArgumentException("'" + p + "' is not one of " + values);
                }
                if (sb.length() > 0) {
                    sb.append(',');
                }
                sb.append(match);
            }
            if (sb.length() == 0) {
                throw new IllegalArgumentException("empty list, expected values of " + values);
            }
            return sb.toString();
        }
        return v;
    }

    /**
     * Answers an offer (RFC 7143 §6.2): the negotiated value, or {@code Reject} for an invalid
     * offer. Only for LIST, MIN, MAX, AND, OR keys.
     *
     * @param offered the initiator's value
     * @param ours our value (a list in preference order for LIST keys)
     * @return the answer
     */
    String negotiate(String offered, String ours) {
        switch (rule) {
            case LIST -> {
                List<String> mine = List.of(ours.split(","));
                for (String v : offered.split(",")) {
                    if (v.length() > 255) {
                        return "Reject";
                    }
                    if (mine.contains(v)) {
                        return v;
                    }
                }
                return "Reject";
            }
            case MIN, MAX -> {
                long o = parseNumber(offered);
                if (o < 0) {
                    return "Reject";
                }
                long m = Long.parseLong(ours);
                return Long.toString(rule == Rule.MIN ? Math.min(o, m) : Math.max(o, m));
            }
            case AND, OR -> {
                if (!offered.equals("Yes") && !offered.equals("No")) {
                    return "Reject";
                }
                boolean o = offered.equals("Yes");
                boolean m = ours.equals("Yes");
                return (rule == Rule.AND ? o && m : o || m) ? "Yes" : "No";
            }
            default -> throw new IllegalStateException(wire + " is not negotiated");
        }
    }
}
