package org.jstgt.store.memory;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicReferenceArray;

import org.jstgt.api.store.BackingStore;
import org.jstgt.api.store.NoSpaceException;
import org.jstgt.api.store.StoreAccess;
import org.jstgt.api.store.StoreCapability;
import org.jstgt.api.store.StoreExtent;

/**
 * A sparse RAM store. The byte space is cut into fixed-size chunks, allocated on first write;
 * reading a chunk never written (or unmapped) returns zeros. Chunk slots are published with
 * compare-and-set so that concurrent writers of disjoint ranges never lose each other's chunk;
 * Java guarantees no word tearing between distinct array elements (JLS §17.6), so disjoint byte
 * ranges of one chunk may be written concurrently. Everything completes inline.
 *
 * <p>Provisioning is per chunk: UNMAP frees the chunks it covers whole and zeroes its part of the
 * others, and {@link #extent} reports a chunk never written (or freed) as a hole and any other as
 * mapped, zeros or not.
 */
final class MemoryStore implements BackingStore {
    /** Default allocation unit. */
    static final int DEFAULT_CHUNK = 1 << 20;
    /** Chunks one {@link #extent} call looks at, at most: a run may stop there, as the API allows. */
    static final int EXTENT_SCAN = 1 << 16;

    private static final Set<StoreCapability> CAPABILITIES =
            Set.copyOf(EnumSet.of(StoreCapability.FLUSH, StoreCapability.UNMAP, StoreCapability.EXTENTS));

    private final String name;
    private final long size;
    private final boolean readOnly;
    private final int chunkSize;
    private final AtomicReferenceArray<byte[]> chunks;
    private volatile boolean closed;

    MemoryStore(String name, long size, boolean readOnly, int chunkSize) {
        if (size <= 0) {
            throw new IllegalArgumentException("size must be positive: " + size);
        }
        if (chunkSize <= 0) {
            throw new IllegalArgumentException("chunk size must be positive: " + chunkSize);
        }
        long count = (size + chunkSize - 1) / chunkSize;
        if (count > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("size " + size + " needs too many chunks of " + chunkSize);
        }
        this.name = name;
        this.size = size;
        this.readOnly = readOnly;
        this.chunkSize = chunkSize;
        this.chunks = new AtomicReferenceArray<>((int) count);
    }

    @Override
    public long size() {
        return size;
    }

    @Override
    public boolean readOnly() {
        return readOnly;
    }

    @Override
    public Set<StoreCapability> capabilities() {
        return CAPABILITIES;
    }

    @Override
    public CompletionStage<Void> read(long offset, ByteBuffer dst, Executor completion) {
        IOException bad = check(offset, dst.remaining(), false);
        if (bad != null) {
            return CompletableFuture.failedFuture(bad);
        }
        long pos = offset;
        while (dst.hasRemaining()) {
            int index = (int) (pos / chunkSize);
            int within = (int) (pos % chunkSize);
            int n = Math.min(dst.remaining(), chunkLength(index) - within);
            byte[] chunk = chunks.get(index);
            if (chunk == null) {
                zero(dst, n);
            } else {
                dst.put(chunk, within, n);
            }
            pos += n;
        }
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public CompletionStage<Void> write(long offset, ByteBuffer src, boolean fua, Executor completion) {
        IOException bad = check(offset, src.remaining(), true);
        if (bad != null) {
            return CompletableFuture.failedFuture(bad);
        }
        ByteBuffer in = src.duplicate();
        long pos = offset;
        try {
            while (in.hasRemaining()) {
                int index = (int) (pos / chunkSize);
                int within = (int) (pos % chunkSize);
                int n = Math.min(in.remaining(), chunkLength(index) - within);
                in.get(chunk(index), within, n);
                pos += n;
            }
        } catch (OutOfMemoryError e) {
            // A sparse store may be configured larger than the heap: it is out of space (SPACE
            // ALLOCATION FAILED WRITE PROTECT for the initiator), and the error must not escape
            // into the transport's thread.
            return CompletableFuture.failedFuture(new NoSpaceException(
                    name + ": out of memory allocating a " + chunkSize + " byte chunk at offset " + pos, e));
        }
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public CompletionStage<Void> flush(Executor completion) {
        return closed ? CompletableFuture.failedFuture(new IOException(name + ": store closed"))
                : CompletableFuture.completedFuture(null);
    }

    @Override
    public CompletionStage<Void> unmap(long offset, long length, Executor completion) {
        if (length < 0) {
            return CompletableFuture.failedFuture(new IllegalArgumentException("negative length " + length));
        }
        IOException bad = check(offset, length, true);
        if (bad != null) {
            return CompletableFuture.failedFuture(bad);
        }
        long pos = offset;
        long end = offset + length;
        while (pos < end) {
            int index = (int) (pos / chunkSize);
            int within = (int) (pos % chunkSize);
            int len = chunkLength(index);
            int n = (int) Math.min(end - pos, len - within);
            if (within == 0 && n == len) {
                chunks.set(index, null);
            } else {
                byte[] chunk = chunks.get(index);
                if (chunk != null) {
                    Arrays.fill(chunk, within, within + n, (byte) 0);
                }
            }
            pos += n;
        }
        return CompletableFuture.completedFuture(null);
    }

    /**
     * The run of chunks in the state of the one holding {@code offset}, from {@code offset} on. A
     * write or unmap racing the call may change a chunk just looked at; the answer is then what the
     * table held an instant before.
     */
    @Override
    public CompletionStage<StoreExtent> extent(long offset, Executor completion) {
        if (offset < 0 || offset >= size) {
            return CompletableFuture.failedFuture(new IllegalArgumentException(
                    "offset " + offset + " outside a store of " + size + " bytes"));
        }
        if (closed) {
            return CompletableFuture.failedFuture(new IOException(name + ": store closed"));
        }
        int first = (int) (offset / chunkSize);
        boolean mapped = chunks.get(first) != null;
        int last = (int) Math.min(chunks.length(), (long) first + EXTENT_SCAN);
        int i = first + 1;
        while (i < last && (chunks.get(i) != null) == mapped) {
            i++;
        }
        long end = Math.min(size, (long) i * chunkSize);
        return CompletableFuture.completedFuture(new StoreExtent(offset, end - offset, mapped));
    }

    @Override
    public String describe() {
        return "memory";
    }

    @Override
    public void close() {
        closed = true;
        for (int i = 0; i < chunks.length(); i++) {
            chunks.set(i, null);
        }
    }

    /** @return the number of chunks currently allocated (for tests and listings) */
    int allocatedChunks() {
        int n = 0;
        for (int i = 0; i < chunks.length(); i++) {
            if (chunks.get(i) != null) {
                n++;
            }
        }
        return n;
    }

    private IOException check(long offset, long length, boolean write) {
        return StoreAccess.check(name, closed, readOnly, size, offset, length, write);
    }

    private int chunkLength(int index) {
        long start = (long) index * chunkSize;
        return (int) Math.min(chunkSize, size - start);
    }

    private byte[] chunk(int index) {
        byte[] chunk = chunks.get(index);
        if (chunk == null) {
            byte[] fresh = new byte[chunkLength(index)];
            if (chunks.compareAndSet(index, null, fresh)) {
                return fresh;
            }
            chunk = chunks.get(index);
            if (chunk == null) {
                // Unmapped between the two reads: an overlapping unmap raced this write, whose
                // outcome SBC-4 leaves undefined; take a fresh chunk.
                chunks.compareAndSet(index, null, fresh);
                chunk = chunks.get(index);
            }
        }
        return chunk;
    }

    private static final byte[] ZEROS = new byte[8192];

    private static void zero(ByteBuffer dst, int n) {
        int left = n;
        while (left > 0) {
            int k = Math.min(left, ZEROS.length);
            dst.put(ZEROS, 0, k);
            left -= k;
        }
    }
}
