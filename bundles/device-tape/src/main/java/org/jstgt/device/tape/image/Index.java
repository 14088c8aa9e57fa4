package org.jstgt.device.tape.image;

import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * The in-memory index of an image (TAPE-IMAGE.md, "Index"): run-length extents of consecutive
 * records of one kind and length that lie back to back in the file (first object, file offset,
 * length, kind), plus the sorted identifiers of filemarks and of setmarks. Lookups by identifier
 * are binary searches over the extents, O(log e); mark counts and mark positions are binary
 * searches or array reads over the marks. A run of equal blocks is one extent whatever its length;
 * an extent begins at every change of kind or length and after every checkpoint record.
 */
final class Index {
    /** Bytes of an extent in a checkpoint. */
    static final int EXTENT = 21;
    /** Bytes before the extents in a checkpoint's payload. */
    static final int CHECKPOINT_HEAD = 28;

    private int extents;
    private long[] first = new long[16];
    private long[] offset = new long[16];
    /** Payload bytes of the objects before each extent. */
    private long[] payloadBefore = new long[16];
    private int[] length = new int[16];
    private byte[] kind = new byte[16];
    private long objects;
    private final Marks filemarks = new Marks();
    private final Marks setmarks = new Marks();

    long objects() {
        return objects;
    }

    int extents() {
        return extents;
    }

    /** @return payload bytes of all objects */
    long payload() {
        return payloadBefore(objects);
    }

    /** @param id 0..objects() @return payload bytes of objects [0, id) */
    long payloadBefore(long id) {
        if (id == 0) {
            return 0;
        }
        int e = find(id - 1);
        return payloadBefore[e] + (id - first[e]) * length[e];
    }

    /** @return the file offset just past the last record, or -1 when empty */
    long end() {
        if (extents == 0) {
            return -1;
        }
        int e = extents - 1;
        return offset[e] + (objects - first[e]) * stride(e);
    }

    /** @param id 0..objects()-1 @return the extent holding it */
    private int find(long id) {
        if (id < 0 || id >= objects) {
            throw new IndexOutOfBoundsException("logical object " + id + " is not in 0.." + (objects - 1));
        }
        int lo = 0;
        int hi = extents - 1;
        while (lo < hi) {
            int mid = (lo + hi + 1) >>> 1;
            if (first[mid] <= id) {
                lo = mid;
            } else {
                hi = mid - 1;
            }
        }
        return lo;
    }

    private long stride(int e) {
        return Records.HEADER + (long) length[e];
    }

    byte kindCode(long id) {
        return kind[find(id)];
    }

    int length(long id) {
        return length[find(id)];
    }

    /** @return the file offset of object {@code id}'s record */
    long offset(long id) {
        int e = find(id);
        return offset[e] + (id - first[e]) * stride(e);
    }

    private Marks marks(TapeImage.Kind mark) {
        return switch (mark) {
            case FILEMARK -> filemarks;
            case SETMARK -> setmarks;
            case BLOCK -> throw new IllegalArgumentException("BLOCK is not a mark kind");
        };
    }

    long marksBefore(TapeImage.Kind mark, long id) {
        if (id < 0 || id > objects) {
            throw new IndexOutOfBoundsException("logical object " + id + " is not in 0.." + objects);
        }
        return marks(mark).before(id);
    }

    long markAt(TapeImage.Kind mark, long ordinal) {
        return marks(mark).at(ordinal);
    }

    /**
     * Records {@code count} objects of one kind and length whose records lie back to back from
     * {@code at}.
     */
    void append(byte code, int len, long at, long count) {
        if (count <= 0) {
            return;
        }
        int last = extents - 1;
        if (last < 0 || kind[last] != code || length[last] != len || end() != at) {
            if (extents == first.length) {
                int n = extents * 2;
                first = Arrays.copyOf(first, n);
                offset = Arrays.copyOf(offset, n);
                payloadBefore = Arrays.copyOf(payloadBefore, n);
                length = Arrays.copyOf(length, n);
                kind = Arrays.copyOf(kind, n);
            }
            payloadBefore[extents] = payload();
            first[extents] = objects;
            offset[extents] = at;
            length[extents] = len;
            kind[extents] = code;
            extents++;
        }
        if (code == Records.FILEMARK) {
            filemarks.add(objects, count);
        } else if (code == Records.SETMARK) {
            setmarks.add(objects, count);
        }
        objects += count;
    }

    /** Drops objects [id, objects()). */
    void truncate(long id) {
        if (id < 0 || id > objects) {
            throw new IndexOutOfBoundsException("logical object " + id + " is not in 0.." + objects);
        }
        if (id == objects) {
            return;
        }
        extents = id == 0 ? 0 : find(id - 1) + 1;
        objects = id;
        filemarks.truncate(id);
        setmarks.truncate(id);
    }

    /**
     * @param previous offset of the checkpoint this one extends, 0 for a full checkpoint
     * @param from the first object described (0 for a full checkpoint)
     * @return the checkpoint payload describing objects [from, objects())
     */
    ByteBuffer checkpoint(long previous, long from) {
        int e0 = from == objects ? extents : find(from);
        if (from != objects && first[e0] != from) {
            throw new IllegalStateException("a delta checkpoint begins at an extent");
        }
        long size = CHECKPOINT_HEAD + (long) EXTENT * (extents - e0);
        if (size > TapeImage.MAX_BLOCK * 64L) {
            throw new IllegalStateException("index of " + (extents - e0) + " extents is too large for a checkpoint");
        }
        ByteBuffer b = ByteBuffer.allocate((int) size);
        b.putLong(previous).putLong(from).putLong(objects).putInt(extents - e0);
        for (int e = e0; e < extents; e++) {
            b.putLong(first[e]).putLong(offset[e]).putInt(length[e]).put(kind[e]);
        }
        return b.flip();
    }

    /**
     * Applies a checkpoint payload (full, or a delta beginning at {@link #objects()}).
     *
     * @throws IllegalArgumentException when it does not fit
     */
    void apply(ByteBuffer p) {
        if (p.remaining() < CHECKPOINT_HEAD) {
            throw new IllegalArgumentException("short checkpoint");
        }
        long from = p.getLong(8);
        long end = p.getLong(16);
        int n = p.getInt(24);
        if (from != objects || end < from || n < 0 || p.remaining() != CHECKPOINT_HEAD + (long) EXTENT * n
                || (n == 0) != (end == from)) {
            throw new IllegalArgumentException("checkpoint does not fit the index");
        }
        for (int i = 0; i < n; i++) {
            int at = CHECKPOINT_HEAD + i * EXTENT;
            long f = p.getLong(at);
            long next = i + 1 < n ? p.getLong(at + EXTENT) : end;
            long off = p.getLong(at + 8);
            int len = p.getInt(at + 16);
            byte k = p.get(at + 20);
            boolean mark = k == Records.FILEMARK || k == Records.SETMARK;
            if (f != objects || next <= f || off < Identity.DATA_START || len < 0 || len > TapeImage.MAX_BLOCK
                    || (mark ? len != 0 : k != Records.BLOCK || len == 0)) {
                throw new IllegalArgumentException("checkpoint extent " + i + " is malformed");
            }
            int before = extents;
            append(k, len, off, next - f);
            if (extents == before) {
                throw new IllegalArgumentException("checkpoint extent " + i + " continues the one before");
            }
        }
    }

    /** @return the checkpoint payload's previous checkpoint offset (0: full) */
    static long previous(ByteBuffer p) {
        return p.getLong(0);
    }

    /** Sorted identifiers of one kind of mark. */
    private static final class Marks {
        private long[] ids = new long[8];
        private int count;

        void add(long from, long n) {
            if (count + n > Integer.MAX_VALUE - 8) {
                throw new IllegalStateException("too many marks");
            }
            if (count + n > ids.length) {
                ids = Arrays.copyOf(ids, (int) Math.min(Integer.MAX_VALUE - 8, Math.max(ids.length * 2L, count + n)));
            }
            for (long i = 0; i < n; i++) {
                ids[count++] = from + i;
            }
        }

        long before(long id) {
            int i = Arrays.binarySearch(ids, 0, count, id);
            return i >= 0 ? i : -i - 1;
        }

        long at(long ordinal) {
            return ordinal >= 0 && ordinal < count ? ids[(int) ordinal] : -1;
        }

        void truncate(long id) {
            count = (int) before(id);
        }
    }
}
