package org.jstgt.device.tape;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import org.jstgt.device.tape.image.TapeFullException;
import org.jstgt.device.tape.image.TapeImage;

/** A {@link TapeImage} in memory, for the drive's tests: same contract, counted syncs, settable flags. */
final class MemoryTape implements TapeImage {
    static final int OVERHEAD = 16;

    private final long capacity;
    private final boolean worm;
    private boolean writeProtected;
    private final List<Kind> kinds = new ArrayList<>();
    private final List<byte[]> data = new ArrayList<>();
    /** used[i] = bytes used by objects [0, i). */
    private final List<Long> used = new ArrayList<>(List.of(0L));
    private final List<Long> filemarks = new ArrayList<>();
    private final List<Long> setmarks = new ArrayList<>();
    int syncs;
    boolean closed;
    /** When set, read fails (a damaged medium). */
    boolean failReads;

    MemoryTape(long capacity, boolean worm) {
        this.capacity = capacity;
        this.worm = worm;
    }

    MemoryTape(long capacity) {
        this(capacity, false);
    }

    MemoryTape writeProtected(boolean wp) {
        this.writeProtected = wp;
        return this;
    }

    @Override
    public long capacity() {
        return capacity;
    }

    @Override
    public long used() {
        return used.get(kinds.size());
    }

    @Override
    public long usedBefore(long id) {
        return used.get((int) id);
    }

    @Override
    public int overhead() {
        return OVERHEAD;
    }

    @Override
    public boolean worm() {
        return worm;
    }

    @Override
    public boolean writeProtected() {
        return writeProtected;
    }

    @Override
    public long objects() {
        return kinds.size();
    }

    @Override
    public Kind kind(long id) {
        return kinds.get((int) id);
    }

    @Override
    public int length(long id) {
        return kinds.get((int) id) == Kind.BLOCK ? data.get((int) id).length : 0;
    }

    private List<Long> marks(Kind mark) {
        return switch (mark) {
            case FILEMARK -> filemarks;
            case SETMARK -> setmarks;
            default -> throw new IllegalArgumentException(mark + " is not a mark");
        };
    }

    @Override
    public long marksBefore(Kind mark, long id) {
        int i = Collections.binarySearch(marks(mark), id);
        return i >= 0 ? i : -i - 1;
    }

    @Override
    public long markAt(Kind mark, long ordinal) {
        List<Long> m = marks(mark);
        return ordinal >= 0 && ordinal < m.size() ? m.get((int) ordinal) : -1;
    }

    @Override
    public int read(long id, ByteBuffer dst) throws IOException {
        if (kind(id) != Kind.BLOCK) {
            throw new IllegalArgumentException(id + " is a " + kind(id));
        }
        if (failReads) {
            throw new IOException("block " + id + " fails its check");
        }
        byte[] b = data.get((int) id);
        int n = Math.min(dst.remaining(), b.length);
        dst.put(b, 0, n);
        return n;
    }

    @Override
    public void truncate(long id) {
        if (writeProtected || worm && id < objects()) {
            throw new IllegalStateException("cannot truncate");
        }
        while (kinds.size() > id) {
            int last = kinds.size() - 1;
            Kind k = kinds.remove(last);
            data.remove(last);
            used.remove(last + 1);
            if (k != Kind.BLOCK) {
                marks(k).remove(marks(k).size() - 1);
            }
        }
    }

    private void add(Kind kind, byte[] bytes) throws TapeFullException {
        long next = used() + OVERHEAD + bytes.length;
        if (next > capacity) {
            throw new TapeFullException("full", 0);
        }
        if (kind != Kind.BLOCK) {
            marks(kind).add((long) kinds.size());
        }
        kinds.add(kind);
        data.add(bytes);
        used.add(next);
    }

    @Override
    public void appendBlocks(ByteBuffer src, int blockLength, int count) throws IOException {
        if (writeProtected) {
            throw new IllegalStateException("write-protected");
        }
        for (int i = 0; i < count; i++) {
            byte[] b = new byte[blockLength];
            try {
                add(Kind.BLOCK, b);
            } catch (TapeFullException e) {
                throw new TapeFullException("full", i);
            }
            src.get(b);
        }
    }

    @Override
    public void appendMarks(Kind mark, int count) throws IOException {
        if (writeProtected) {
            throw new IllegalStateException("write-protected");
        }
        for (int i = 0; i < count; i++) {
            try {
                add(mark, new byte[0]);
            } catch (TapeFullException e) {
                throw new TapeFullException("full", i);
            }
        }
    }

    @Override
    public void sync() {
        syncs++;
    }

    @Override
    public void close() {
        closed = true;
    }

    /** @return the bytes of block {@code id} */
    byte[] block(long id) {
        return data.get((int) id).clone();
    }
}
