package org.jstgt.store.file;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicLong;

import org.jstgt.api.store.BackingStore;
import org.jstgt.api.store.StoreAccess;
import org.jstgt.api.store.StoreCapability;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An open regular file or block device. A call the ring can take (from a Netty io_uring event loop,
 * with a direct buffer) is submitted to that loop's ring and completes on the loop ({@link RingIo});
 * any other call runs on the provider's file I/O threads and completes there ({@link PoolIo}).
 * Either way callers (event loops) never block, and both ways reach the same page cache.
 *
 * <p>Once a data sync failed (a flush, or the sync of a FUA write, on either path), every later
 * flush and FUA write fails until the store is reopened ({@link SyncFailure}); reads and plain
 * writes go on.
 *
 * <p>No UNMAP: punching holes needs fallocate(FALLOC_FL_PUNCH_HOLE), which plain Java cannot call
 * (the ring could, but only for calls from an io_uring loop), so the capability is not claimed.
 */
final class FileStore implements BackingStore {
    private static final Logger LOG = LoggerFactory.getLogger(FileStore.class);
    private static final Set<StoreCapability> CAPABILITIES = Set.of(StoreCapability.FLUSH, StoreCapability.FUA);

    private final String lunName;
    private final Path path;
    private final OpenFiles.Entry entry;
    private final FileChannel channel;
    private final long size;
    private final boolean readOnly;
    private final boolean device;
    private final OpenFiles openFiles;
    private final long closeWaitMillis;
    private final InFlight inFlight = new InFlight();
    private final SyncFailure syncFailure;
    private final AtomicLong forces = new AtomicLong();
    private final PoolIo pool;
    /** The open file's io_uring side, or null when off for this LUN or unusable here. */
    private final RingIo ring;
    private boolean released;

    FileStore(String lunName, Path path, OpenFiles.Entry entry, long size, boolean readOnly, boolean device,
            Executor executor, OpenFiles openFiles, long closeWaitMillis, boolean useRing, Syncs syncs) {
        this.lunName = lunName;
        this.path = path;
        this.entry = entry;
        this.channel = entry.channel;
        this.size = size;
        this.readOnly = readOnly;
        this.device = device;
        this.openFiles = openFiles;
        this.closeWaitMillis = closeWaitMillis;
        this.syncFailure = new SyncFailure(lunName, path);
        this.pool = new PoolIo(path, channel, executor, inFlight, forces, syncs, syncFailure);
        var file = useRing ? entry.ring(syncs::ringSyncErrno) : null;
        this.ring = file == null ? null : new RingIo(file, inFlight, forces, syncFailure);
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
        CompletionStage<Void> s = ring == null ? null : ring.read(offset, dst, completion);
        return s != null ? s : pool.read(offset, dst, completion);
    }

    @Override
    public CompletionStage<Void> write(long offset, ByteBuffer src, boolean fua, Executor completion) {
        IOException bad = check(offset, src.remaining(), true);
        if (bad == null && fua) {
            bad = syncFailure.refusal();
        }
        if (bad != null) {
            return CompletableFuture.failedFuture(bad);
        }
        CompletionStage<Void> s = ring == null ? null : ring.write(offset, src, fua, completion);
        return s != null ? s : pool.write(offset, src, fua, completion);
    }

    @Override
    public CompletionStage<Void> flush(Executor completion) {
        if (inFlight.closed()) {
            return CompletableFuture.failedFuture(new IOException(path + ": store closed"));
        }
        if (readOnly) {
            return CompletableFuture.completedFuture(null);
        }
        IOException refused = syncFailure.refusal();
        if (refused != null) {
            return CompletableFuture.failedFuture(refused);
        }
        CompletionStage<Void> s = ring == null ? null : ring.flush(completion);
        return s != null ? s : pool.flush(completion);
    }

    @Override
    public String describe() {
        return device ? path + " (block device)" : path.toString();
    }

    /** @return how many times data was forced to stable storage (FUA writes and flushes) */
    long forceCount() {
        return forces.get();
    }

    /** @return true once a data sync failed: flushes and FUA writes fail until the store is reopened */
    boolean syncFailed() {
        return syncFailure.failed();
    }

    /** @return how many operations went through io_uring (tests, diagnostics) */
    long ringOps() {
        return ring == null ? 0 : ring.ops();
    }

    /** @return true for a block device */
    boolean isDevice() {
        return device;
    }

    /**
     * Waits (bounded) for the I/O in flight, syncs, and gives the file back to the provider, which
     * closes it with the last LUN on it.
     */
    @Override
    public void close() throws IOException {
        synchronized (this) {
            if (released) {
                return;
            }
            released = true;
        }
        int left = inFlight.closeAndWait(closeWaitMillis);
        if (left > 0) {
            LOG.warn("LUN {}: {}: closing with {} I/O still in flight after {} ms", lunName, path, left,
                    closeWaitMillis);
        }
        IOException failure = null;
        try {
            if (!readOnly && channel.isOpen()) {
                channel.force(false);
            }
        } catch (IOException e) {
            failure = e;
        }
        try {
            openFiles.release(entry);
        } catch (IOException e) {
            failure = failure == null ? e : failure;
        }
        if (failure != null) {
            throw new IOException(path + ": " + failure.getMessage(), failure);
        }
    }

    private IOException check(long offset, long length, boolean write) {
        return StoreAccess.check(path.toString(), inFlight.closed(), readOnly, size, offset, length, write);
    }
}
