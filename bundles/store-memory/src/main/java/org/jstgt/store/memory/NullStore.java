package org.jstgt.store.memory;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;

import org.jstgt.api.store.BackingStore;
import org.jstgt.api.store.StoreAccess;
import org.jstgt.api.store.StoreCapability;
import org.jstgt.api.store.StoreExtent;

/**
 * A store that keeps nothing: reads return zeros, writes are discarded. For benchmarks of the
 * protocol path without storage cost; never for data.
 *
 * <p>Nothing is ever allocated, so the honest provisioning report is one hole over the whole store
 * (a hole reads zeros, which is all this store serves), and UNMAP has nothing to free.
 */
final class NullStore implements BackingStore {
    private static final byte[] ZEROS = new byte[8192];

    private final String name;
    private final long size;
    private final boolean readOnly;
    private volatile boolean closed;

    NullStore(String name, long size, boolean readOnly) {
        this.name = name;
        this.size = size;
        this.readOnly = readOnly;
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
        return Set.of(StoreCapability.FLUSH, StoreCapability.UNMAP, StoreCapability.EXTENTS);
    }

    @Override
    public CompletionStage<Void> read(long offset, ByteBuffer dst, Executor completion) {
        IOException bad = check(offset, dst.remaining(), false);
        if (bad != null) {
            return CompletableFuture.failedFuture(bad);
        }
        while (dst.hasRemaining()) {
            dst.put(ZEROS, 0, Math.min(dst.remaining(), ZEROS.length));
        }
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public CompletionStage<Void> write(long offset, ByteBuffer src, boolean fua, Executor completion) {
        IOException bad = check(offset, src.remaining(), true);
        return bad != null ? CompletableFuture.failedFuture(bad) : CompletableFuture.completedFuture(null);
    }

    @Override
    public CompletionStage<Void> flush(Executor completion) {
        return closed ? CompletableFuture.failedFuture(new IOException(name + ": store closed"))
                : CompletableFuture.completedFuture(null);
    }

    @Override
    public CompletionStage<Void> unmap(long offset, long length, Executor completion) {
        IOException bad = check(offset, length, true);
        return bad != null ? CompletableFuture.failedFuture(bad) : CompletableFuture.completedFuture(null);
    }

    @Override
    public CompletionStage<StoreExtent> extent(long offset, Executor completion) {
        if (offset < 0 || offset >= size) {
            return CompletableFuture.failedFuture(new IllegalArgumentException(
                    "offset " + offset + " outside a store of " + size + " bytes"));
        }
        return closed ? CompletableFuture.failedFuture(new IOException(name + ": store closed"))
                : CompletableFuture.completedFuture(new StoreExtent(offset, size - offset, false));
    }

    @Override
    public String describe() {
        return "null (data discarded)";
    }

    @Override
    public void close() {
        closed = true;
    }

    private IOException check(long offset, long length, boolean write) {
        return StoreAccess.check(name, closed, readOnly, size, offset, length, write);
    }
}
