package org.jstgt.testkit;

import java.util.Map;

/**
 * Operational parameters in force after login (RFC 7143 §13).
 *
 * @param headerDigest CRC32C header digests are on
 * @param dataDigest CRC32C data digests are on
 * @param maxSendDataSegmentLength the target's MaxRecvDataSegmentLength: our limit per PDU
 * @param maxRecvDataSegmentLength our declared limit
 * @param firstBurstLength negotiated FirstBurstLength
 * @param maxBurstLength negotiated MaxBurstLength
 * @param immediateData negotiated ImmediateData
 * @param initialR2T negotiated InitialR2T
 * @param targetPortalGroupTag TargetPortalGroupTag the target declared, or -1
 * @param targetKeys every key the target sent during login, last value wins
 */
public record Negotiated(boolean headerDigest, boolean dataDigest, int maxSendDataSegmentLength,
        int maxRecvDataSegmentLength, int firstBurstLength, int maxBurstLength, boolean immediateData,
        boolean initialR2T, int targetPortalGroupTag, Map<String, String> targetKeys) {
    public Negotiated {
        targetKeys = Map.copyOf(targetKeys);
    }
}
