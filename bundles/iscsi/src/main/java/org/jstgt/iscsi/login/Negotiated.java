package org.jstgt.iscsi.login;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The operational parameters in force after login (RFC 7143 §13): values the initiator and we
 * agreed on, or the RFC defaults for keys never negotiated.
 */
public record Negotiated(boolean headerDigest, boolean dataDigest, int initiatorMaxRecvDataSegmentLength,
        int targetMaxRecvDataSegmentLength, int maxBurstLength, int firstBurstLength, boolean immediateData,
        boolean initialR2t, int maxOutstandingR2t, int defaultTime2Wait, int defaultTime2Retain,
        int errorRecoveryLevel, int maxConnections, Map<String, String> values) {

    /**
     * @param agreed negotiated values by key (absent: RFC default)
     * @param targetMrdsl our declared MaxRecvDataSegmentLength (8192 when never declared)
     * @param initiatorMrdsl the initiator's declared MaxRecvDataSegmentLength
     * @return the parameters
     */
    static Negotiated of(Map<LoginKey, String> agreed, int targetMrdsl, int initiatorMrdsl) {
        return new Negotiated(
                get(agreed, LoginKey.HEADER_DIGEST).equals("CRC32C"),
                get(agreed, LoginKey.DATA_DIGEST).equals("CRC32C"),
                initiatorMrdsl, targetMrdsl,
                Integer.parseInt(get(agreed, LoginKey.MAX_BURST_LENGTH)),
                Math.min(Integer.parseInt(get(agreed, LoginKey.FIRST_BURST_LENGTH)),
                        Integer.parseInt(get(agreed, LoginKey.MAX_BURST_LENGTH))),
                get(agreed, LoginKey.IMMEDIATE_DATA).equals("Yes"),
                get(agreed, LoginKey.INITIAL_R2T).equals("Yes"),
                Integer.parseInt(get(agreed, LoginKey.MAX_OUTSTANDING_R2T)),
                Integer.parseInt(get(agreed, LoginKey.DEFAULT_TIME2WAIT)),
                Integer.parseInt(get(agreed, LoginKey.DEFAULT_TIME2RETAIN)),
                Integer.parseInt(get(agreed, LoginKey.ERROR_RECOVERY_LEVEL)),
                Integer.parseInt(get(agreed, LoginKey.MAX_CONNECTIONS)),
                describe(agreed, targetMrdsl, initiatorMrdsl));
    }

    /**
     * RFC 7143 §13.14: the FirstBurstLength answered never exceeds MaxBurstLength, and is
     * Irrelevant when InitialR2T=Yes and ImmediateData=No.
     *
     * @param agreed the values answered so far in the login, FirstBurstLength among them (not Reject)
     * @return the FirstBurstLength to answer
     */
    static String firstBurstAnswer(Map<LoginKey, String> agreed) {
        String initialR2t = agreed.getOrDefault(LoginKey.INITIAL_R2T, LoginKey.INITIAL_R2T.rfcDefault());
        String immediate = agreed.getOrDefault(LoginKey.IMMEDIATE_DATA, LoginKey.IMMEDIATE_DATA.rfcDefault());
        if (initialR2t.equals("Yes") && immediate.equals("No")) {
            return "Irrelevant";
        }
        String burst = agreed.getOrDefault(LoginKey.MAX_BURST_LENGTH, LoginKey.MAX_BURST_LENGTH.rfcDefault());
        if (burst.equals("Reject")) {
            burst = LoginKey.MAX_BURST_LENGTH.rfcDefault();
        }
        return Long.toString(Math.min(Long.parseLong(agreed.get(LoginKey.FIRST_BURST_LENGTH)), Long.parseLong(burst)));
    }

    /**
     * Puts the {@link #firstBurstAnswer} in place of a FirstBurstLength answered (not Reject), in
     * the values agreed and in the answer text.
     *
     * @param agreed the values answered so far in the login
     * @param answer the answer's key=value pairs
     */
    static void settleFirstBurst(Map<LoginKey, String> agreed, List<Map.Entry<String, String>> answer) {
        if (agreed.get(LoginKey.FIRST_BURST_LENGTH).equals("Reject")) {
            return;
        }
        String value = firstBurstAnswer(agreed);
        agreed.put(LoginKey.FIRST_BURST_LENGTH, value);
        for (int i = 0; i < answer.size(); i++) {
            if (answer.get(i).getKey().equals(LoginKey.FIRST_BURST_LENGTH.wire())) {
                answer.set(i, Map.entry(LoginKey.FIRST_BURST_LENGTH.wire(), value));
            }
        }
    }

    private static String get(Map<LoginKey, String> agreed, LoginKey k) {
        String v = agreed.get(k);
        return v == null || v.equals("Irrelevant") || v.equals("Reject") ? k.rfcDefault() : v;
    }

    private static Map<String, String> describe(Map<LoginKey, String> agreed, int target, int initiator) {
        Map<String, String> m = new java.util.LinkedHashMap<>();
        for (LoginKey k : List.of(LoginKey.HEADER_DIGEST, LoginKey.DATA_DIGEST, LoginKey.MAX_BURST_LENGTH,
                LoginKey.FIRST_BURST_LENGTH, LoginKey.IMMEDIATE_DATA, LoginKey.INITIAL_R2T,
                LoginKey.MAX_OUTSTANDING_R2T, LoginKey.MAX_CONNECTIONS, LoginKey.ERROR_RECOVERY_LEVEL)) {
            m.put(k.wire(), get(agreed, k));
        }
        m.put("MaxRecvDataSegmentLength(target)", Integer.toString(target));
        m.put("MaxRecvDataSegmentLength(initiator)", Integer.toString(initiator));
        return m;
    }

    /**
     * The parameters of a connection that joined a session (RFC 7143 §6.3.1): the session-wide ones
     * come from the leading login, the connection-scoped ones (digests, MaxRecvDataSegmentLength
     * of both sides, §13) from this connection's own login.
     *
     * @param connection what the joining connection's login settled
     * @return the parameters in force on that connection
     */
    public Negotiated forConnection(Negotiated connection) {
        Map<String, String> v = new java.util.LinkedHashMap<>(values);
        for (String k : List.of(LoginKey.HEADER_DIGEST.wire(), LoginKey.DATA_DIGEST.wire(),
                "MaxRecvDataSegmentLength(target)", "MaxRecvDataSegmentLength(initiator)")) {
            v.put(k, connection.values.get(k));
        }
        return new Negotiated(connection.headerDigest, connection.dataDigest, connection.initiatorMaxRecvDataSegmentLength,
                connection.targetMaxRecvDataSegmentLength, maxBurstLength, firstBurstLength, immediateData, initialR2t,
                maxOutstandingR2t, defaultTime2Wait, defaultTime2Retain, errorRecoveryLevel, maxConnections, v);
    }

    /** @return {@code Key=Value} strings for listings */
    List<String> asList() {
        List<String> l = new ArrayList<>();
        values.forEach((k, v) -> l.add(k + "=" + v));
        return l;
    }

    /** Parameters before/without operational negotiation (RFC 7143 defaults). */
    public static Negotiated defaults() {
        return of(Map.of(), 8192, 8192);
    }
}
