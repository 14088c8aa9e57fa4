package org.jstgt.api.mgmt;

/**
 * One TCP connection of a session, as {@code iscsi:session-info} shows it.
 *
 * @param cid connection id
 * @param local local address ({@code host:port})
 * @param remote remote address ({@code host:port})
 * @param state the connection's state (e.g. {@code FULL_FEATURE}, {@code LOGGING_OUT})
 * @param headerDigest negotiated HeaderDigest ({@code None} or {@code CRC32C})
 * @param dataDigest negotiated DataDigest
 * @param maxRecvDataSegmentLength what this target accepts per PDU on the connection
 * @param maxSendDataSegmentLength what the initiator accepts per PDU on the connection
 * @param statSn the next StatSN the target sends
 */
public record ConnectionInfo(int cid, String local, String remote, String state, String headerDigest,
        String dataDigest, int maxRecvDataSegmentLength, int maxSendDataSegmentLength, long statSn) {
}
