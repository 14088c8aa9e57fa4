package org.jstgt.iscsi.fuzz;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;

import io.netty.buffer.ByteBuf;

/**
 * Structured values drawn from fuzz data: numbers that are mostly the ones a well-behaved
 * initiator would send (so that inputs get past the target's sequence and tag checks) and
 * sometimes anything, and text segments made of real key names with plausible or hostile values.
 */
final class Gen {
    /** Every key name RFC 7143 §13 defines, plus some the target must answer NotUnderstood or reject. */
    static final String[] KEYS = {"HeaderDigest", "DataDigest", "MaxConnections", "SendTargets", "TargetName",
        "InitiatorName", "TargetAlias", "InitiatorAlias", "TargetAddress", "TargetPortalGroupTag", "InitialR2T",
        "ImmediateData", "MaxRecvDataSegmentLength", "MaxBurstLength", "FirstBurstLength", "DefaultTime2Wait",
        "DefaultTime2Retain", "MaxOutstandingR2T", "DataPDUInOrder", "DataSequenceInOrder", "ErrorRecoveryLevel",
        "SessionType", "AuthMethod", "TaskReporting", "iSCSIProtocolLevel", "OFMarker", "IFMarker", "OFMarkInt",
        "IFMarkInt", "X#NodeArchitecture", "X-org.example.Key", "CHAP_A", "CHAP_N", "CHAP_R", "CHAP_I", "CHAP_C",
        "Unknown", ""};
    /** Values that mean something to some key. */
    static final String[] VALUES = {"None", "CRC32C", "CRC32C,None", "None,CRC32C", "Yes", "No", "0", "1", "2", "512",
        "8192", "65536", "262144", "16777215", "16777216", "4294967296", "-1", "0x10", "Normal", "Discovery", "All",
        "Irrelevant", "Reject", "NotUnderstood", "CHAP", "None,CHAP", "RFC3720", "FastAbort", Peer.INITIATOR,
        Peer.TARGET, "iqn.2026-11.org.jstgt:other", "2048~8192", "", "a,b,,c"};

    final FuzzedDataProvider data;

    Gen(FuzzedDataProvider data) {
        this.data = data;
    }

    boolean more() {
        return data.remainingBytes() > 0;
    }

    boolean bool() {
        return data.consumeBoolean();
    }

    int pick(int bound) {
        return data.consumeInt(0, bound - 1);
    }

    /** @return {@code usual} mostly, else a nearby value, else any 32-bit value */
    int near(int usual) {
        return switch (pick(8)) {
            case 0 -> data.consumeInt();
            case 1 -> usual + data.consumeInt(-3, 3);
            default -> usual;
        };
    }

    /** @return a length for a data segment: small mostly, sometimes around 8 KiB or 64 KiB */
    int length() {
        return switch (pick(8)) {
            case 0 -> data.consumeInt(0, 70_000);
            case 1 -> data.consumeInt(8100, 8300);
            case 2 -> 512 * data.consumeInt(1, 16);
            default -> data.consumeInt(0, 600);
        };
    }

    /** @return {@code n} bytes of a pattern in a buffer of the peer's allocator */
    ByteBuf segment(Peer peer, int n) {
        byte[] b = new byte[n];
        int seed = data.consumeInt(0, 255);
        for (int i = 0; i < n; i++) {
            b[i] = (byte) (i * 7 + seed);
        }
        return peer.buffer(b);
    }

    /** @return text key=value pairs, mostly real keys, NUL-separated (RFC 7143 §6.1), in a peer buffer */
    ByteBuf text(Peer peer, List<String> required) {
        List<String> pairs = new ArrayList<>(required);
        int n = pick(6);
        for (int i = 0; i < n && more(); i++) {
            pairs.add(pair());
        }
        StringBuilder sb = new StringBuilder();
        for (String p : pairs) {
            sb.append(p).append('\0');
        }
        if (bool() && pick(4) == 0) {
            // a segment that does not end with NUL, or holds raw bytes
            sb.append(data.consumeString(40));
        }
        return peer.buffer(sb.toString().getBytes(StandardCharsets.UTF_8));
    }

    String pair() {
        String key = pick(8) == 0 ? data.consumeAsciiString(12) : KEYS[pick(KEYS.length)];
        String value = switch (pick(8)) {
            case 0 -> data.consumeString(20);
            case 1 -> "x".repeat(data.consumeInt(200, 300));
            default -> VALUES[pick(VALUES.length)];
        };
        return pick(16) == 0 ? key : key + "=" + value;
    }
}
