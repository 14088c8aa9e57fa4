package org.jstgt.device.tape.image;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.zip.CRC32C;

/**
 * The identity block at offset 0 of an image (TAPE-IMAGE.md, "Identity block"), written once when
 * the cartridge is made: bytes 0-7 magic {@code JSTGTAPE}, 8-9 major version, 10-11 minor version,
 * 12-15 data start, 16-23 capacity, 24-31 early-warning size, 32-35 flags (bit 0 WORM), 36-39
 * largest block, 40-47 creation time (ms since the epoch), 48-63 medium identifier, 64-67 CRC32C of
 * bytes 0-63. Big-endian.
 *
 * @param capacity native capacity in bytes
 * @param earlyWarning bytes before the capacity where early warning begins
 * @param worm write-once medium
 * @param created creation time, ms since the epoch
 * @param mediumHigh high half of the medium identifier
 * @param mediumLow low half of the medium identifier
 */
record Identity(long capacity, long earlyWarning, boolean worm, long created, long mediumHigh, long mediumLow) {
    static final byte[] MAGIC = "JSTGTAPE".getBytes(StandardCharsets.US_ASCII);
    static final int MAJOR = 1;
    static final int MINOR = 0;
    /** Size of the identity block's defined bytes, CRC included. */
    static final int SIZE = 68;
    /** First byte after the header area (identity block and the two commit slots). */
    static final int DATA_START = 4096;
    private static final int FLAG_WORM = 1;

    /** @return the identity block, magic included, 512 bytes */
    ByteBuffer encode() {
        ByteBuffer b = ByteBuffer.allocate(Slot.AREA);
        b.put(MAGIC).putShort((short) MAJOR).putShort((short) MINOR).putInt(DATA_START).putLong(capacity)
                .putLong(earlyWarning).putInt(worm ? FLAG_WORM : 0).putInt(TapeImage.MAX_BLOCK).putLong(created)
                .putLong(mediumHigh).putLong(mediumLow);
        CRC32C crc = new CRC32C();
        crc.update(b.array(), 0, SIZE - 4);
        b.putInt((int) crc.getValue());
        return b.clear();
    }

    /**
     * @param b the first {@link #SIZE} bytes of the file
     * @return the identity
     * @throws IllegalArgumentException saying what is wrong
     */
    static Identity decode(ByteBuffer b) {
        byte[] magic = new byte[MAGIC.length];
        b.get(0, magic);
        if (!Arrays.equals(magic, MAGIC)) {
            throw new IllegalArgumentException("not a jstgt tape image (no JSTGTAPE magic)");
        }
        int major = b.getShort(8) & 0xFFFF;
        if (major != MAJOR) {
            throw new IllegalArgumentException("tape image format version " + major + "." + (b.getShort(10) & 0xFFFF)
                    + " is not supported (this jstgt reads version " + MAJOR + ".x)");
        }
        CRC32C crc = new CRC32C();
        crc.update(b.slice(0, SIZE - 4));
        if ((int) crc.getValue() != b.getInt(SIZE - 4)) {
            throw new IllegalArgumentException("identity block fails its CRC");
        }
        if (b.getInt(12) != DATA_START) {
            throw new IllegalArgumentException("data start " + b.getInt(12) + " (expected " + DATA_START + ")");
        }
        long capacity = b.getLong(16);
        long ew = b.getLong(24);
        if (capacity < TapeImages.MIN_CAPACITY || capacity > TapeImages.MAX_CAPACITY || ew < 0 || ew >= capacity) {
            throw new IllegalArgumentException("capacity " + capacity + " or early warning " + ew + " out of range");
        }
        return new Identity(capacity, ew, (b.getInt(32) & FLAG_WORM) != 0, b.getLong(40), b.getLong(48),
                b.getLong(56));
    }
}
