package org.jstgt.device.tape.image;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * A tape cartridge image: one partition holding a sequence of logical objects (SSC-3 §4.2.5) -
 * logical blocks, filemarks and setmarks - numbered by logical object identifier from 0 at
 * beginning of partition; {@link #objects()} is the identifier of end of data (EOD). The image
 * is an indexed object store: every lookup by identifier and every mark lookup is O(1) or
 * O(log n), never a scan of the medium. The drive (SSC semantics: READ, SPACE, LOCATE, early
 * warning) is built on top of it.
 *
 * <p>Blocking I/O, not thread-safe: one drive uses it from one thread at a time.
 *
 * <p>Durability: appends may be buffered until {@link #sync()}. After a crash at any point, a
 * reopened image holds a prefix of the objects appended: at least every object before the last
 * completed {@link #sync()}, and never a damaged or reordered object.
 */
public interface TapeImage extends Closeable {

    /** Kinds of logical objects. */
    enum Kind {
        /** A logical block of 1..{@link TapeImage#MAX_BLOCK} bytes. */
        BLOCK,
        /** A filemark. */
        FILEMARK,
        /** A setmark (SSC-2; kept for drives that offer it). */
        SETMARK
    }

    /** The largest block the format holds (SSC READ BLOCK LIMITS reports at most this). */
    int MAX_BLOCK = 16 * 1024 * 1024;

    /** @return native capacity in bytes: what {@link #used()} may reach */
    long capacity();

    /**
     * The early-warning zone (SSC-3 §4.2.6): a drive reports early warning once {@link #used()}
     * exceeds {@code capacity() - earlyWarning()}. Stored in the image when it is made.
     *
     * @return the size of the early-warning zone in bytes, 0 &lt;= value &lt; capacity()
     */
    default long earlyWarning() {
        return TapeImages.defaultEarlyWarning(capacity());
    }

    /** @return bytes used by objects [0, {@link #objects()}), payload and per-object overhead */
    long used();

    /**
     * @param id a logical object identifier, 0..{@link #objects()}
     * @return bytes used by objects [0, id)
     */
    long usedBefore(long id);

    /** @return the per-object overhead in bytes counted by {@link #used()} */
    int overhead();

    /** @return true for a write-once medium: objects before EOD are never overwritten */
    boolean worm();

    /** @return true when the cartridge's write-protect tab is set (the image's flag or a read-only file) */
    boolean writeProtected();

    /** @return the number of objects, which is the identifier of end of data */
    long objects();

    /**
     * @param id 0..objects()-1
     * @return the kind of object {@code id}
     * @throws IndexOutOfBoundsException outside 0..objects()-1
     */
    Kind kind(long id);

    /**
     * @param id 0..objects()-1
     * @return the block length of object {@code id}, 0 for a mark
     */
    int length(long id);

    /**
     * @param mark FILEMARK or SETMARK
     * @param id 0..objects()
     * @return how many marks of that kind are among objects [0, id) (for FILEMARK: the logical file
     *     identifier at {@code id})
     */
    long marksBefore(Kind mark, long id);

    /**
     * @param mark FILEMARK or SETMARK
     * @param ordinal 0-based number of the mark
     * @return the identifier of that mark, or -1 when there are not that many
     */
    long markAt(Kind mark, long ordinal);

    /**
     * Reads block {@code id} from its start.
     *
     * @param id a BLOCK's identifier
     * @param dst receives min(dst.remaining(), length(id)) bytes at its position, which advances
     * @return the number of bytes copied
     * @throws IllegalArgumentException when {@code id} is not a block
     * @throws IOException when the file cannot be read or the block fails its check (a damaged
     *     medium: the drive reports MEDIUM ERROR)
     */
    int read(long id, ByteBuffer dst) throws IOException;

    /**
     * Drops objects [id, objects()), so the next append writes at {@code id} (a write or ERASE in
     * the middle of the tape: everything after the head is gone, SSC-3 §4.2.10).
     *
     * @param id 0..objects()
     * @throws IllegalStateException on a WORM medium when {@code id < objects()}, or when write-protected
     */
    void truncate(long id) throws IOException;

    /**
     * Appends {@code count} blocks of {@code blockLength} bytes taken from {@code data} at end of data.
     * Blocks that fit are appended even when a later one does not.
     *
     * @param data count * blockLength bytes at its position; the position advances over what was appended
     * @param blockLength 1..{@link #MAX_BLOCK}
     * @param count at least 1
     * @throws TapeFullException when the capacity is reached; {@link TapeFullException#appended()} says how many fit
     * @throws IllegalStateException when write-protected
     */
    void appendBlocks(ByteBuffer data, int blockLength, int count) throws IOException;

    /**
     * Appends {@code count} marks at end of data.
     *
     * @param mark FILEMARK or SETMARK
     * @param count 0 or more (0 only syncs nothing: a no-op)
     * @throws TapeFullException when the capacity is reached
     * @throws IllegalStateException when write-protected
     */
    void appendMarks(Kind mark, int count) throws IOException;

    /** Makes every appended object and every truncation durable (fsync of data, then of the index). */
    void sync() throws IOException;

    /** Syncs and closes the file. Closing twice is harmless. */
    @Override
    void close() throws IOException;
}
