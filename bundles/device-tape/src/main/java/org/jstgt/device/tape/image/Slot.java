package org.jstgt.device.tape.image;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32C;

/**
 * A commit slot (TAPE-IMAGE.md, "Commit slots"): the image's committed state. Two slots at bytes
 * 512 and 1024 are written alternately (sequence number even: slot 0), so a torn slot write leaves
 * the other. Bytes 0-3 magic {@code JSLT}, 4-7 flags (bit 0 write protect), 8-15 sequence, 16-23
 * generation, 24-31 objects at commit (EOD), 32-39 offset of the checkpoint record (0: empty
 * index), 40-47 offset where roll-forward begins, 48-55 reserved (0), 56-59 CRC32C of bytes 0-55.
 * Big-endian.
 *
 * @param sequence increases by one at every commit
 * @param generation the generation of records that may follow {@code rollFrom}
 * @param objects objects described by the checkpoint
 * @param checkpoint offset of the checkpoint record, 0 for an empty index
 * @param rollFrom offset of the first record after the checkpoint
 * @param writeProtected the write-protect tab
 */
record Slot(long sequence, long generation, long objects, long checkpoint, long rollFrom, boolean writeProtected) {
    static final byte[] MAGIC = "JSLT".getBytes(StandardCharsets.US_ASCII);
    /** Bytes reserved for the identity block and each slot. */
    static final int AREA = 512;
    static final int SIZE = 60;
    private static final int FLAG_WRITE_PROTECT = 1;

    /** @param sequence a sequence number @return the file offset of the slot that sequence is written to */
    static long offset(long sequence) {
        return AREA * (1 + (sequence & 1));
    }

    /** @return the slot, {@link #AREA} bytes */
    ByteBuffer encode() {
        ByteBuffer b = ByteBuffer.allocate(AREA);
        b.put(MAGIC).putInt(writeProtected ? FLAG_WRITE_PROTECT : 0).putLong(sequence).putLong(generation)
                .putLong(objects).putLong(checkpoint).putLong(rollFrom).putLong(0);
        CRC32C crc = new CRC32C();
        crc.update(b.array(), 0, SIZE - 4);
        b.putInt((int) crc.getValue());
        return b.clear();
    }

    /**
     * @param b {@link #SIZE} bytes read from a slot
     * @return the slot, or null when it is torn, blank or foreign
     */
    static Slot decode(ByteBuffer b) {
        if (b.remaining() < SIZE || !b.slice(0, 4).equals(ByteBuffer.wrap(MAGIC))) {
            return null;
        }
        CRC32C crc = new CRC32C();
        crc.update(b.slice(0, SIZE - 4));
        if ((int) crc.getValue() != b.getInt(SIZE - 4)) {
            return null;
        }
        Slot s = new Slot(b.getLong(8), b.getLong(16), b.getLong(24), b.getLong(32), b.getLong(40),
                (b.getInt(4) & FLAG_WRITE_PROTECT) != 0);
        boolean sane = s.objects >= 0 && s.rollFrom >= Identity.DATA_START
                && (s.checkpoint == 0 ? s.rollFrom == Identity.DATA_START && s.objects == 0
                        : s.checkpoint >= Identity.DATA_START && s.checkpoint < s.rollFrom);
        return sane ? s : null;
    }
}
