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
 * mapped, zeros or not. Chunks are counted against the {@link MemoryBudget} of all memory LUNs; a
 * write that needs one past it fails with {@link NoSpaceException}, and freed chunks go back.
 */
final class MemoryStore implements BackingStore {
    /**
     * Default allocation unit: far below {@link MemoryBudget#HUMONGOUS}, so that a chunk is an
     * ordinary object of the G1 heap and chunks pack its regions closely (fifteen in a region of
     * 1 MiB; a chunk of 1 MiB took two regions, and three of 256 KiB fill one).
     */
    static final int DEFAULT_CHUNK = 64 << 10;
    /** Chunks one {@link #extent} call looks at, at most: a run may stop there, as the API allows. */
    static final int EXTENT_SCAN = 1 << 16;

    private static final Set<StoreCapability> CAPABILITIES =
            Set.copyOf(EnumSet.of(StoreCapability.FLUSH, StoreCapability.UNMAP, StoreCapability.EXTENTS));

    private final String name;
    private final long size;
    private final boolean readOnly;
    private final int chunkSize;
    /**
     * A slot whose chunk a writer is allocating (see {@link #chunk}): never read or written, and
     * not counted.
     */
    private static final byte[] CLAIMED = new byte[0];
    private final AtomicReferenceArray<byte[]> chunks;
    private final MemoryBudget budget;
    private final long tableBytes;
    private volatile boolean closed;

    /** A store whose chunks no budget limits (tests). */
    MemoryStore(String name, long size, boolean readOnly, int chunkSize) {
        this(name, size, readOnly, chunkSize, MemoryBudget.unlimited());
    }

    /**
     * @param budget the heap it shares with the other memory LUNs
     */
    MemoryStore(String name, long size, boolean readOnly, int chunkSize, MemoryBudget budget) {
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
        this.budget = budget;
        this.tableBytes = tableBytes(size, chunkSize);
        if (!budget.tryTake(tableBytes)) {
            throw new IllegalArgumentException("a memory store of " + size + " bytes in chunks of " + chunkSize
                    + " needs a table of " + tableBytes + " bytes, more than the heap memory LUNs may still fill ("
                    + (budget.limit() - budget.used()) + " bytes)");
        }
        AtomicReferenceArray<byte[]> table;
        try {
            table = new AtomicReferenceArray<>((int) count);
        } catch (OutOfMemoryError e) {
            budget.give(tableBytes);
            throw new IllegalArgumentException("no heap for the table of " + count + " chunks of a memory store of "
                    + size + " bytes", e);
        }
        this.chunks = table;
        budget.promise(readOnly ? 0 : size); // a read-only store never takes a chunk
    }

    /** @return the heap charged for the table of chunk references (8 bytes each, at most) */
    static long tableBytes(long size, int chunkSize) {
        return MemoryBudget.footprint(8 * ((size + chunkSize - 1) / chunkSize) + 16);
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
            byte[] chunk = installed(index);
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
        } catch (NoRoom e) {
            return CompletableFuture.failedFuture(new NoSpaceException(name + ": the memory LUNs hold "
                    + budget.used() + " of the " + budget.limit() + " bytes of heap they may use; no room for a "
                    + chunkSize + " byte chunk at offset " + pos));
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
                free(index);
            } else {
                byte[] chunk = installed(index);
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
        boolean mapped = installed(first) != null;
        int last = (int) Math.min(chunks.length(), (long) first + EXTENT_SCAN);
        int i = first + 1;
        while (i < last && (installed(i) != null) == mapped) {
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
    public synchronized void close() {
        if (!closed) {
            budget.forget(readOnly ? 0 : size);
            budget.give(tableBytes);
        }
        closed = true;
        for (int i = 0; i < chunks.length(); i++) {
            free(i);
        }
    }

    private void free(int index) {
        byte[] old = chunks.getAndSet(index, null);
        if (old != null && old != CLAIMED) { // a claim's writer gives back what it took
            budget.give(MemoryBudget.footprint(old.length));
        }
    }

    /** @return the chunk in the slot, or null when it has none (or one is being allocated for it) */
    private byte[] installed(int index) {
        byte[] chunk = chunks.get(index);
        return chunk == CLAIMED ? null : chunk;
    }

    /** @return the number of chunks currently allocated (for tests and listings) */
    int allocatedChunks() {
        int n = 0;
        for (int i = 0; i < chunks.length(); i++) {
            if (installed(i) != null) {
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

    /**
     * The chunk, allocated (and counted) on first use. A writer that finds the slot empty claims it
     * ({@link #CLAIMED}, by compare-and-set) before it takes the chunk's share of the budget, and
     * writers of the same chunk wait for the claim to end: so a chunk is taken from the budget
     * once, and a writer never finds the budget full for the copy of a chunk another writer is
     * allocating (which two writers racing for the last room used to, one of them failing with no
     * space). An overlapping unmap racing the write (whose outcome SBC-4 leaves undefined) may
     * empty the slot, claimed or not: the chunk is then installed again.
     *
     * @throws NoRoom when the budget has no room for it
     */
    private byte[] chunk(int index) {
        while (true) {
            byte[] chunk = chunks.get(index);
            if (chunk == CLAIMED) {
                Thread.yield(); // another writer is allocating this chunk: a new byte[] of at most chunkSize
                continue;
            }
            if (chunk != null) {
                return chunk;
            }
            if (!chunks.compareAndSet(index, null, CLAIMED)) {
                continue;
            }
            int len = chunkLength(index);
            long footprint = MemoryBudget.footprint(len);
            byte[] fresh = null;
            try {
                if (!budget.tryTake(footprint)) {
                    throw NoRoom.INSTANCE;
                }
                try {
                    fresh = new byte[len];
                } catch (OutOfMemoryError e) {
                    budget.give(footprint);
                    throw e;
                }
            } finally {
                if (fresh == null) {
                    chunks.compareAndSet(index, CLAIMED, null);
                }
            }
            if (chunks.compareAndSet(index, CLAIMED, fresh) || chunks.compareAndSet(index, null, fresh)) {
                return fresh;
            }
            // an unmap emptied the claim and another writer claimed the slot since: use its chunk
            budget.give(footprint);
        }
    }

    /** The budget of all memory LUNs has no room for another chunk (no stack: it is an answer). */
    private static final class NoRoom extends RuntimeException {
        private static final long serialVersionUID = 1L;
        static final NoRoom INSTANCE = new NoRoom();

        private NoRoom() {
            super(null, null, false, false);
        }
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
