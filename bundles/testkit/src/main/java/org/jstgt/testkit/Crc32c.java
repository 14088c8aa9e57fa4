package org.jstgt.testkit;

import java.util.zip.CRC32C;

/**
 * iSCSI header and data digests (RFC 7143 §13.1, CRC32C as defined in RFC 3385). The 32-bit value
 * is sent least significant byte first (RFC 7143 Appendix B.4 test vectors).
 */
public final class Crc32c {
    /** Size of a digest on the wire. */
    public static final int LENGTH = 4;

    private Crc32c() {
    }

    /**
     * @param bytes the data
     * @param offset first byte
     * @param length number of bytes
     * @return the CRC32C value
     */
    public static int value(byte[] bytes, int offset, int length) {
        CRC32C crc = new CRC32C();
        crc.update(bytes, offset, length);
        return (int) crc.getValue();
    }

    /**
     * Writes a digest in wire order.
     *
     * @param digest the value
     * @param dst destination
     * @param offset where
     */
    public static void put(int digest, byte[] dst, int offset) {
        dst[offset] = (byte) digest;
        dst[offset + 1] = (byte) (digest >>> 8);
        dst[offset + 2] = (byte) (digest >>> 16);
        dst[offset + 3] = (byte) (digest >>> 24);
    }

    /**
     * Reads a digest in wire order.
     *
     * @param src source
     * @param offset where
     * @return the value
     */
    public static int get(byte[] src, int offset) {
        return (src[offset] & 0xff) | (src[offset + 1] & 0xff) << 8 | (src[offset + 2] & 0xff) << 16
                | (src[offset + 3] & 0xff) << 24;
    }
}
