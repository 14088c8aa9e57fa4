package org.jstgt.api.scsi;

import java.util.Arrays;

/**
 * A thin read-only view of a Command Descriptor Block. Multi-byte fields are big-endian
 * (SPC-4 §4.3.1).
 */
public final class Cdb {
    private final byte[] bytes;

    /**
     * @param bytes the CDB; not copied: the caller gives up ownership
     */
    public Cdb(byte[] bytes) {
        if (bytes.length == 0) {
            throw new IllegalArgumentException("empty CDB");
        }
        this.bytes = bytes;
    }

    /** @return byte 0, the operation code */
    public int opcode() {
        return bytes[0] & 0xFF;
    }

    /** @return the CDB length in bytes */
    public int length() {
        return bytes.length;
    }

    /**
     * @param i byte index
     * @return the unsigned byte, 0 when past the end
     */
    public int u8(int i) {
        return i < bytes.length ? bytes[i] & 0xFF : 0;
    }

    /**
     * @param i byte index
     * @param bit bit number 0-7
     * @return whether the bit is set
     */
    public boolean bit(int i, int bit) {
        return (u8(i) & (1 << bit)) != 0;
    }

    /** @return big-endian unsigned 16-bit field at {@code i} */
    public int u16(int i) {
        return (u8(i) << 8) | u8(i + 1);
    }

    /** @return big-endian unsigned 24-bit field at {@code i} */
    public int u24(int i) {
        return (u8(i) << 16) | (u8(i + 1) << 8) | u8(i + 2);
    }

    /** @return big-endian unsigned 32-bit field at {@code i} */
    public long u32(int i) {
        return ((long) u8(i) << 24) | (u8(i + 1) << 16) | (u8(i + 2) << 8) | u8(i + 3);
    }

    /** @return big-endian 64-bit field at {@code i} (unsigned values above 2^63 come back negative) */
    public long u64(int i) {
        return (u32(i) << 32) | u32(i + 4);
    }

    /** @return the CONTROL byte (last byte) */
    public int control() {
        return u8(bytes.length - 1);
    }

    /** @return a copy of the bytes */
    public byte[] toByteArray() {
        return bytes.clone();
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder(bytes.length * 3);
        for (byte b : bytes) {
            if (sb.length() > 0) {
                sb.append(' ');
            }
            sb.append(String.format("%02x", b & 0xFF));
        }
        return sb.toString();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Cdb c && Arrays.equals(bytes, c.bytes);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(bytes);
    }
}
