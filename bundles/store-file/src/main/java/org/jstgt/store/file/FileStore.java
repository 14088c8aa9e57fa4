package org.jstgt.store.file;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.nio.file.Path;

import org.jstgt.api.store.BackingStore;
import org.jstgt.api.store.StoreAccess;
import org.jstgt.api.store.StoreCapability;
import org.jstgt.store.file.ring.RingFile;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An open regular file or block device. A call from a Netty io_uring event loop with a direct
 * buffer is submitted to that loop's ring and completes on the loop ({@link RingFile}); any other
 * call runs positional {@link FileChannel} I/O on the provider's executor and completes the stage
 * from there. Either way callers (event loops) never block. Positional reads and writes on one
 * channel are safe from many threads at once, and both ways reach the same page cache.
 *
 * <p>No UNMAP: punching holes needs fallocate(FALLOC_FL_PUNCH_HOLE), which plain Java cannot call
 * (the ring could, but only for calls from an io_uring loop), so the capability is not claimed.
 */
final class FileStore implements BackingStore {
    private static final Logger LOG = LoggerFactory.getLogger(FileStore.class);
    private static final Set<StoreCapability> CAPABILITIES = Set.of(StoreCapability.FLUSH, StoreCapability.FUA);
    private static final byte[] ZEROS = new byte[8192];

    private final String lunName;
    private final Path path;
    private final OpenFiles.Entry entry;
    private final FileChannel channel;
    private final long size;
    private final boolean readOnly;
    private final boolean device;
    private final Executor executor;
    private final OpenFiles openFiles;
    private final long closeWaitMillis;
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicLong forces = new AtomicLong();
    private final AtomicLong ringOps = new AtomicLong();
    /** The open file's io_uring side (closed with the file), or null when off for this LUN or unusable here. */
    private final RingFile ring;
    private final RingFile.Done ringDone = this::ringFinished;
    private final Object drained = new Object();
    private volatile boolean closed;
    private boolean released;

    FileStore(String lunName, Path path, OpenFiles.Entry entry, long size, boolean readOnly, boolean device,
            Executor executor, OpenFiles openFiles, long closeWaitMillis, boolean useRing) {
        this.lunName = lunName;
        this.path = path;
        this.entry = entry;
        this.channel = entry.channel;
        this.size = size;
        this.readOnly = readOnly;
        this.device = device;
        this.executor = executor;
        this.openFiles = openFiles;
        this.closeWaitMillis = closeWaitMillis;
        this.ring = useRing ? entry.ring() : null;
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
    public CompletionStage<Void> read(long offset, ByteBuffer dst) {
        IOException bad = check(offset, dst.remaining(), false);
        if (bad != null) {
            return CompletableFuture.failedFuture(bad);
        }
        CompletionStage<Void> viaRing = ringRead(offset, dst);
        if (viaRing != null) {
            return viaRing;
        }
        return submit(() -> {
            long pos = offset;
            while (dst.hasRemaining()) {
                int n = channel.read(dst, pos);
                if (n < 0) {
                    // The file was cut short behind our back (truncate by another tool); within
                    // size() the missing tail reads as zeros, as a hole would.
                    while (dst.hasRemaining()) {
                        dst.put(ZEROS, 0, Math.min(ZEROS.length, dst.remaining()));
                    }
                    break;
                }
                pos += n;
            }
        });
    }

    @Override
    public CompletionStage<Void> write(long offset, ByteBuffer src, boolean fua) {
        IOException bad = check(offset, src.remaining(), true);
        if (bad != null) {
            return CompletableFuture.failedFuture(bad);
        }
        CompletionStage<Void> viaRing = ringWrite(offset, src, fua);
        if (viaRing != null) {
            return viaRing;
        }
        ByteBuffer in = src.duplicate();
        return submit(() -> {
            long pos = offset;
            while (in.hasRemaining()) {
                pos += channel.write(in, pos);
            }
            if (fua) {
                force();
            }
        });
    }

    @Override
    public CompletionStage<Void> flush() {
        if (closed) {
            return CompletableFuture.failedFuture(new IOException(path + ": store closed"));
        }
        if (readOnly) {
            return CompletableFuture.completedFuture(null);
        }
        CompletionStage<Void> viaRing = ringSync();
        if (viaRing != null) {
            return viaRing;
        }
        return submit(this::force);
    }

    @Override
    public String describe() {
        return device ? path + " (block device)" : path.toString();
    }

    /** @return how many times data was forced to stable storage (FUA writes and flushes) */
    long forceCount() {
        return forces.get();
    }

    /** @return how many operations went through io_uring (tests, diagnostics) */
    long ringOps() {
        return ringOps.get();
    }

    /** @return true for a block device */
    boolean isDevice() {
        return device;
    }

    @Override
    public void close() throws IOException {
        synchronized (this) {
            if (released) {
                return;
            }
            released = true;
        }
        closed = true;
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(closeWaitMillis);
        synchronized (drained) {
            while (inFlight.get() > 0) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    LOG.warn("LUN {}: {}: closing with {} I/O still in flight after {} ms", lunName, path,
                            inFlight.get(), closeWaitMillis);
                    break;
                }
                try {
                    drained.wait(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
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

    private void force() throws IOException {
        channel.force(false);
        forces.incrementAndGet();
    }

    private IOException check(long offset, long length, boolean write) {
        return StoreAccess.check(path.toString(), closed, readOnly, size, offset, length, write);
    }

    @FunctionalInterface
    private interface Io {
        void run() throws IOException;
    }

    private CompletionStage<Void> submit(Io io) {
        if (!enter()) {
            return CompletableFuture.failedFuture(new IOException(path + ": store closed"));
        }
        CompletableFuture<Void> done = new CompletableFuture<>();
        try {
            executor.execute(() -> {
                try {
                    io.run();
                    finished();
                    done.complete(null);
                } catch (IOException | RuntimeException e) {
                    finished();
                    done.completeExceptionally(e instanceof IOException ? e : new IOException(path + ": " + e, e));
                }
            });
        } catch (RejectedExecutionException e) {
            finished();
            done.completeExceptionally(new IOException(path + ": file I/O queue full or provider stopped", e));
        }
        return done;
    }

    // ---- io_uring: each returns null when the call must take the thread pool

    private CompletionStage<Void> ringRead(long offset, ByteBuffer dst) {
        if (ring == null || !enter()) {
            return null;
        }
        CompletionStage<Void> s = ring.read(offset, dst, ringDone);
        return s != null ? s : leave();
    }

    private CompletionStage<Void> ringWrite(long offset, ByteBuffer src, boolean fua) {
        if (ring == null || !enter()) {
            return null;
        }
        CompletionStage<Void> s = ring.write(offset, src, fua, ringDone);
        return s != null ? s : leave();
    }

    private CompletionStage<Void> ringSync() {
        if (ring == null || !enter()) {
            return null;
        }
        CompletionStage<Void> s = ring.sync(ringDone);
        return s != null ? s : leave();
    }

    /** Counts an operation in flight unless the store is closing. */
    private boolean enter() {
        inFlight.incrementAndGet();
        if (closed) {
            finished();
            return false;
        }
        return true;
    }

    private CompletionStage<Void> leave() {
        finished();
        return null;
    }

    private void ringFinished(boolean forced) {
        ringOps.incrementAndGet();
        if (forced) {
            forces.incrementAndGet();
        }
        finished();
    }

    private void finished() {
        if (inFlight.decrementAndGet() == 0 && closed) {
            synchronized (drained) {
                drained.notifyAll();
            }
        }
    }
}
