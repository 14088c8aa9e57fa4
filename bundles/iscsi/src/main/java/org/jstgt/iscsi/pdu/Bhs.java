package org.jstgt.iscsi.pdu;

/**
 * Field access on a 48-byte Basic Header Segment (RFC 7143 §11.2.1). All multi-byte fields are
 * big-endian.
 */
public final class Bhs {
    /** BHS size in bytes. */
    public static final int LENGTH = 48;
    /** The reserved tag value 0xffffffff (ITT/TTT "none"). */
    public static final int NO_TAG = 0xffffffff;

    private Bhs() {
    }

    static int u8(byte[] h, int i) {
        return h[i] & 0xff;
    }

    static int u16(byte[] h, int i) {
        return (h[i] & 0xff) << 8 | (h[i + 1] & 0xff);
    }

    static int u24(byte[] h, int i) {
        return (h[i] & 0xff) << 16 | (h[i + 1] & 0xff) << 8 | (h[i + 2] & 0xff);
    }

    public static int i32(byte[] h, int i) {
        return (h[i] & 0xff) << 24 | (h[i + 1] & 0xff) << 16 | (h[i + 2] & 0xff) << 8 | (h[i + 3] & 0xff);
    }

    static long i64(byte[] h, int i) {
        return ((long) i32(h, i) << 32) | (i32(h, i + 4) & 0xffffffffL);
    }

    static long u48(byte[] h, int i) {
        return ((long) u16(h, i) << 32) | (i32(h, i + 2) & 0xffffffffL);
    }

    static void put16(byte[] h, int i, int v) {
        h[i] = (byte) (v >>> 8);
        h[i + 1] = (byte) v;
    }

    static void put24(byte[] h, int i, int v) {
        h[i] = (byte) (v >>> 16);
        h[i + 1] = (byte) (v >>> 8);
        h[i + 2] = (byte) v;
    }

    public static void put32(byte[] h, int i, int v) {
        h[i] = (byte) (v >>> 24);
        h[i + 1] = (byte) (v >>> 16);
        h[i + 2] = (byte) (v >>> 8);
        h[i + 3] = (byte) v;
    }

    static void put48(byte[] h, int i, long v) {
        put16(h, i, (int) (v >>> 32));
        put32(h, i + 2, (int) v);
    }

    static void put64(byte[] h, int i, long v) {
        put32(h, i, (int) (v >>> 32));
        put32(h, i + 4, (int) v);
    }

    /** @return the opcode bits of byte 0 */
    public static int opcode(byte[] h) {
        return h[0] & 0x3f;
    }

    /** @return TotalAHSLength in 4-byte words (byte 4) */
    public static int totalAhsLength(byte[] h) {
        return h[4] & 0xff;
    }

    /** @return DataSegmentLength (bytes 5-7) */
    public static int dataSegmentLength(byte[] h) {
        return u24(h, 5);
    }

    /** @return Initiator Task Tag (bytes 16-19) */
    public static int itt(byte[] h) {
        return i32(h, 16);
    }

    /**
     * @param length a segment length
     * @return the number of pad bytes to a 4-byte boundary (RFC 7143 §11.2.3)
     */
    public static int pad(int length) {
        return -length & 3;
    }
}
