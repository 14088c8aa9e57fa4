package org.jstgt.device.tape.image;

import java.nio.ByteBuffer;
import java.util.zip.CRC32C;

/**
 * The record header (TAPE-IMAGE.md, "Records"), {@link #HEADER} bytes before every logical object
 * and every index checkpoint: bytes 0-3 magic {@code JTRC}, 4 kind ({@link #BLOCK}, {@link #FILEMARK},
 * {@link #SETMARK}, {@link #CHECKPOINT}), 5-7 reserved (0), 8-15 generation, 16-23 logical object
 * identifier (a checkpoint: the objects it describes), 24-27 payload length, 28-31 CRC32C of bytes
 * 0-27 followed by the payload. Big-endian.
 */
final class Records {
    static final int HEADER = 32;
    static final int MAGIC = 0x4A545243;
    static final byte BLOCK = 1;
    static final byte FILEMARK = 2;
    static final byte SETMARK = 3;
    static final byte CHECKPOINT = 4;

    private Records() {
    }

    /** @param kind an object's kind @return its record kind byte */
    static byte code(TapeImage.Kind kind) {
        return switch (kind) {
            case BLOCK -> BLOCK;
            case FILEMARK -> FILEMARK;
            case SETMARK -> SETMARK;
        };
    }

    /** @param code a record kind byte of an object @return its kind, or null */
    static TapeImage.Kind kind(byte code) {
        return switch (code) {
            case BLOCK -> TapeImage.Kind.BLOCK;
            case FILEMARK -> TapeImage.Kind.FILEMARK;
            case SETMARK -> TapeImage.Kind.SETMARK;
            default -> null;
        };
    }

    /**
     * Writes a header at {@code h}'s position, advancing it.
     *
     * @param payload the payload (not consumed), of {@code length} bytes
     */
    static void header(ByteBuffer h, byte kind, long generation, long id, int length, ByteBuffer payload,
            CRC32C crc) {
        int start = h.position();
        h.putInt(MAGIC).put(kind).put((byte) 0).putShort((short) 0).putLong(generation).putLong(id).putInt(length);
        crc.reset();
        crc.update(h.slice(start, HEADER - 4));
        if (payload != null) {
            crc.update(payload.duplicate());
        }
        h.putInt((int) crc.getValue());
    }

    /**
     * @param h a header read from the file (position 0)
     * @return whether the magic and the reserved bytes are right
     */
    static boolean wellFormed(ByteBuffer h) {
        return h.getInt(0) == MAGIC && h.get(5) == 0 && h.getShort(6) == 0 && h.getInt(24) >= 0;
    }

    static byte kindOf(ByteBuffer h) {
        return h.get(4);
    }

    static long generation(ByteBuffer h) {
        return h.getLong(8);
    }

    static long id(ByteBuffer h) {
        return h.getLong(16);
    }

    static int length(ByteBuffer h) {
        return h.getInt(24);
    }

    static int crc(ByteBuffer h) {
        return h.getInt(28);
    }

    /** Starts the CRC of a record with its header's bytes 0-27. */
    static void crcHeader(CRC32C crc, ByteBuffer h) {
        crc.reset();
        crc.update(h.slice(0, HEADER - 4));
    }
}
