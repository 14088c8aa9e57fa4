package org.jstgt.testkit;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * What the {@link Initiator} offers at login (RFC 7143 §13) and how long it waits.
 *
 * @param initiatorName InitiatorName (iSCSI name, RFC 7143 §4.2.7)
 * @param headerDigest HeaderDigest offer: {@code None}, {@code CRC32C} or a list such as {@code CRC32C,None}
 * @param dataDigest DataDigest offer, same values
 * @param maxRecvDataSegmentLength our MaxRecvDataSegmentLength declaration (512..16777215)
 * @param firstBurstLength FirstBurstLength offer (512..16777215)
 * @param maxBurstLength MaxBurstLength offer (512..16777215)
 * @param immediateData ImmediateData offer
 * @param initialR2T InitialR2T offer
 * @param timeout bound on every wait: connect, each socket read, each whole exchange
 * @param chap CHAP credentials: the login offers {@code AuthMethod=CHAP,None} and authenticates
 *     (RFC 7143 §12.1.3); null offers {@code AuthMethod=None}
 */
public record InitiatorOptions(String initiatorName, String headerDigest, String dataDigest,
        int maxRecvDataSegmentLength, int firstBurstLength, int maxBurstLength, boolean immediateData,
        boolean initialR2T, Duration timeout, ChapOptions chap) {

    /** Name used when none is given. */
    public static final String DEFAULT_INITIATOR_NAME = "iqn.2026-11.org.jstgt:testkit";

    public InitiatorOptions {
        if (initiatorName == null || initiatorName.isBlank()) {
            throw new IllegalArgumentException("initiatorName is required");
        }
        checkDigest("HeaderDigest", headerDigest);
        checkDigest("DataDigest", dataDigest);
        checkLength("MaxRecvDataSegmentLength", maxRecvDataSegmentLength);
        checkLength("FirstBurstLength", firstBurstLength);
        checkLength("MaxBurstLength", maxBurstLength);
        if (firstBurstLength > maxBurstLength) {
            // RFC 7143 §13.14: FirstBurstLength MUST NOT exceed MaxBurstLength
            throw new IllegalArgumentException("FirstBurstLength " + firstBurstLength + " exceeds MaxBurstLength "
                    + maxBurstLength);
        }
        if (timeout == null || timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("timeout must be positive");
        }
    }

    /** The options without CHAP, as before {@link #chap()} existed. */
    public InitiatorOptions(String initiatorName, String headerDigest, String dataDigest, int maxRecvDataSegmentLength,
            int firstBurstLength, int maxBurstLength, boolean immediateData, boolean initialR2T, Duration timeout) {
        this(initiatorName, headerDigest, dataDigest, maxRecvDataSegmentLength, firstBurstLength, maxBurstLength,
                immediateData, initialR2T, timeout, null);
    }

    /**
     * @return RFC 7143 defaults for the negotiated keys except a larger MaxRecvDataSegmentLength,
     *     no digests, 10 s timeout
     */
    public static InitiatorOptions defaults() {
        return new InitiatorOptions(DEFAULT_INITIATOR_NAME, "None", "None", 262144, 65536, 262144, true, true,
                Duration.ofSeconds(10));
    }

    public InitiatorOptions withInitiatorName(String v) {
        return new InitiatorOptions(v, headerDigest, dataDigest, maxRecvDataSegmentLength, firstBurstLength,
                maxBurstLength, immediateData, initialR2T, timeout, chap);
    }

    public InitiatorOptions withDigests(String header, String data) {
        return new InitiatorOptions(initiatorName, header, data, maxRecvDataSegmentLength, firstBurstLength,
                maxBurstLength, immediateData, initialR2T, timeout, chap);
    }

    public InitiatorOptions withMaxRecvDataSegmentLength(int v) {
        return new InitiatorOptions(initiatorName, headerDigest, dataDigest, v, firstBurstLength, maxBurstLength,
                immediateData, initialR2T, timeout, chap);
    }

    public InitiatorOptions withBurstLengths(int first, int max) {
        return new InitiatorOptions(initiatorName, headerDigest, dataDigest, maxRecvDataSegmentLength, first, max,
                immediateData, initialR2T, timeout, chap);
    }

    public InitiatorOptions withImmediateData(boolean v) {
        return new InitiatorOptions(initiatorName, headerDigest, dataDigest, maxRecvDataSegmentLength,
                firstBurstLength, maxBurstLength, v, initialR2T, timeout, chap);
    }

    public InitiatorOptions withInitialR2T(boolean v) {
        return new InitiatorOptions(initiatorName, headerDigest, dataDigest, maxRecvDataSegmentLength,
                firstBurstLength, maxBurstLength, immediateData, v, timeout, chap);
    }

    public InitiatorOptions withTimeout(Duration v) {
        return new InitiatorOptions(initiatorName, headerDigest, dataDigest, maxRecvDataSegmentLength,
                firstBurstLength, maxBurstLength, immediateData, initialR2T, v, chap);
    }

    /**
     * @param v CHAP credentials, or null to log in without authentication
     * @return a copy that authenticates with them
     */
    public InitiatorOptions withChap(ChapOptions v) {
        return new InitiatorOptions(initiatorName, headerDigest, dataDigest, maxRecvDataSegmentLength,
                firstBurstLength, maxBurstLength, immediateData, initialR2T, timeout, v);
    }

    /**
     * @return the connection-scoped operational keys offered at login (RFC 7143 §13: digests,
     *     MaxRecvDataSegmentLength), the whole offer of a discovery login or of a connection
     *     joining a session
     */
    public Map<String, String> connectionOffer() {
        Map<String, String> keys = new LinkedHashMap<>();
        keys.put("HeaderDigest", headerDigest);
        keys.put("DataDigest", dataDigest);
        keys.put("MaxRecvDataSegmentLength", Integer.toString(maxRecvDataSegmentLength));
        return keys;
    }

    /**
     * @param maxConnections the MaxConnections offer (RFC 7143 §13.2)
     * @return the operational keys of the leading login of a normal session: the connection's and
     *     the session-wide ones (ErrorRecoveryLevel 0, one outstanding R2T, data in order, no
     *     Time2Wait or Time2Retain)
     */
    public Map<String, String> sessionOffer(int maxConnections) {
        Map<String, String> keys = connectionOffer();
        keys.put("InitialR2T", initialR2T ? "Yes" : "No");
        keys.put("ImmediateData", immediateData ? "Yes" : "No");
        keys.put("FirstBurstLength", Integer.toString(firstBurstLength));
        keys.put("MaxBurstLength", Integer.toString(maxBurstLength));
        keys.put("MaxConnections", Integer.toString(maxConnections));
        keys.put("MaxOutstandingR2T", "1");
        keys.put("DataPDUInOrder", "Yes");
        keys.put("DataSequenceInOrder", "Yes");
        keys.put("ErrorRecoveryLevel", "0");
        keys.put("DefaultTime2Wait", "0");
        keys.put("DefaultTime2Retain", "0");
        return keys;
    }

    private static void checkDigest(String key, String offer) {
        if (offer == null || offer.isBlank()) {
            throw new IllegalArgumentException(key + " offer is required");
        }
        for (String v : offer.split(",")) {
            String t = v.trim().toUpperCase(Locale.ROOT);
            if (!t.equals("NONE") && !t.equals("CRC32C")) {
                throw new IllegalArgumentException(key + " values are None and CRC32C, not '" + v + "'");
            }
        }
    }

    private static void checkLength(String key, int v) {
        // RFC 7143 §13.12-13.14: 512 to 2^24-1
        if (v < 512 || v > 0xffffff) {
            throw new IllegalArgumentException(key + " must be 512..16777215, was " + v);
        }
    }
}
