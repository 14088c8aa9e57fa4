package org.jstgt.scsi.spc;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Big-endian puts and gets at absolute offsets (SPC-4 §4.3.1: multi-byte fields are big-endian),
 * for building parameter data in {@code byte[]} or {@link ByteBuffer}.
 */
public final class Bytes {
    private Bytes() {
    }

    /** Stores the low 16 bits of {@code v} at {@code at}. */
    public static void putU16(byte[] b, int at, int v) {
        b[at] = (byte) (v >>> 8);
        b[at + 1] = (byte) v;
    }

    /** Stores the low 24 bits of {@code v} at {@code at}. */
    public static void putU24(byte[] b, int at, int v) {
        b[at] = (byte) (v >>> 16);
        b[at + 1] = (byte) (v >>> 8);
        b[at + 2] = (byte) v;
    }

    /** Stores the low 32 bits of {@code v} at {@code at}. */
    public static void putU32(byte[] b, int at, long v) {
        b[at] = (byte) (v >>> 24);
        b[at + 1] = (byte) (v >>> 16);
        b[at + 2] = (byte) (v >>> 8);
        b[at + 3] = (byte) v;
    }

    /** Stores {@code v} in the 8 bytes at {@code at}. */
    public static void putU64(byte[] b, int at, long v) {
        putU32(b, at, v >>> 32);
        putU32(b, at + 4, v);
    }

    /** @return the unsigned 16-bit value at {@code at} */
    public static int u16(byte[] b, int at) {
        return ((b[at] & 0xFF) << 8) | (b[at + 1] & 0xFF);
    }

    /** @return the unsigned 32-bit value at {@code at} */
    public static long u32(byte[] b, int at) {
        return ((long) (b[at] & 0xFF) << 24) | ((b[at + 1] & 0xFF) << 16) | ((b[at + 2] & 0xFF) << 8)
                | (b[at + 3] & 0xFF);
    }

    /** @return the 64-bit value at {@code at} */
    public static long u64(byte[] b, int at) {
        return (u32(b, at) << 32) | u32(b, at + 4);
    }

    /**
     * Writes ASCII text left-aligned in a field of {@code width} bytes, padded with spaces (SPC-4
     * §4.4.1) and cut at the width.
     */
    public static void putAscii(byte[] b, int at, int width, String s) {
        byte[] text = s.getBytes(StandardCharsets.US_ASCII);
        Arrays.fill(b, at, at + width, (byte) ' ');
        System.arraycopy(text, 0, b, at, Math.min(width, text.length));
    }

    /** Stores the low 24 bits of {@code v} at absolute index {@code at}. */
    public static void putU24(ByteBuffer b, int at, int v) {
        b.put(at, (byte) (v >>> 16));
        b.put(at + 1, (byte) (v >>> 8));
        b.put(at + 2, (byte) v);
    }

    /** Stores the low 32 bits of {@code v} at absolute index {@code at}, big-endian whatever the buffer's order. */
    public static void putU32(ByteBuffer b, int at, long v) {
        b.put(at, (byte) (v >>> 24));
        b.put(at + 1, (byte) (v >>> 16));
        b.put(at + 2, (byte) (v >>> 8));
        b.put(at + 3, (byte) v);
    }

    /** Stores {@code v} at absolute index {@code at}, big-endian whatever the buffer's order. */
    public static void putU64(ByteBuffer b, int at, long v) {
        putU32(b, at, v >>> 32);
        putU32(b, at + 4, v);
    }

    /** Writes space-padded ASCII at absolute index {@code at} (SPC-4 §4.4.1). */
    public static void putAscii(ByteBuffer b, int at, int width, String s) {
        byte[] field = new byte[width];
        putAscii(field, 0, width, s);
        b.put(at, field);
    }

    /** @return {@code v} rounded up to a multiple of 4 */
    public static int pad4(int v) {
        return (v + 3) & ~3;
    }
}
