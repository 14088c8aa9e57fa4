package org.jstgt.store.file;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicLong;

import org.jstgt.api.store.BackingStore;
import org.jstgt.api.store.StoreAccess;
import org.jstgt.api.store.StoreCapability;
import org.jstgt.api.store.StoreExtent;
import org.jstgt.store.file.hole.HoleFile;
import org.jstgt.store.file.hole.Holes;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An open regular file or block device. A file on tmpfs or ramfs is read and written on the calling
 * thread, a copy from or to memory that is complete when the call returns ({@link InlineIo}), and
 * offers views of its bytes that a transport sends from ({@link MappedViews}). Else a call the ring
 * can take (from a Netty io_uring event loop, with a direct buffer or a heap buffer of up to 256 KiB)
 * is submitted to that loop's ring and completes on the loop ({@link RingIo}); any other call runs
 * on the provider's file I/O threads and completes on the caller's executor ({@link PoolIo}).
 * Callers (event loops) never wait for a device, and every path reaches the same page cache.
 *
 * <p>Once a data sync failed (a flush, or the sync of a FUA write, on either path), every later
 * flush and FUA write fails until the store is reopened ({@link SyncFailure}); reads and plain
 * writes go on.
 *
 * <p>Thin or thick: a sparse file ({@code store.preallocate = false}, the default) is thin when its
 * file system punches holes: UNMAP deallocates (fallocate(2) {@code FALLOC_FL_PUNCH_HOLE}; through
 * the caller's ring when it has one, else on the I/O threads) and EXTENTS reports the holes (the
 * FIEMAP ioctl where the file system has it, so that unwritten extents count as allocated, else
 * lseek(2) {@code SEEK_DATA}/{@code SEEK_HOLE}; always on the I/O threads), each claimed only
 * when the probe at open found it working ({@link Holes}). A preallocated file is thick, fully
 * provisioned in SBC-4's terms (§4.7, logical block provisioning): neither, so every block reads
 * as mapped. A block device can UNMAP when its queue writes zeroes ({@link HoleFile}), on the I/O
 * threads; it has no holes to report. A read-only store never UNMAPs. Without JNA every store is
 * thick.
 *
 * <p>Zeroing ({@link StoreCapability#ZERO}, WRITE SAME of a zero block), thin or thick, where the
 * probe at open found that the file system zeroes a range without writing it (fallocate(2) {@code
 * FALLOC_FL_ZERO_RANGE}: ext4, XFS, not tmpfs), and on every writable block device whose queue
 * writes zeroes (a write-zeroes request): through the caller's ring for a regular file, else on the
 * I/O threads. A file that refuses after all (EOPNOTSUPP) loses ZERO: that WRITE SAME and the later
 * ones write their zeros. The zeroed range stays allocated, but ext4 and XFS report it as a hole
 * ({@link #extent}), which it reads as.
 */
final class FileStore implements BackingStore {
    private static final Logger LOG = LoggerFactory.getLogger(FileStore.class);

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
    /** The calling thread's path, or null when not on a memory file system or off for this LUN. */
    private final InlineIo inline;
    /** Views of the medium for the transport to send from; with {@link #inline} only, else null. */
    private final MappedViews views;
    /** The open file's io_uring side, or null when off for this LUN or unusable here. */
    private final RingIo ring;
    /** The file's hole side when this store UNMAPs or reports extents, else null. */
    private final HoleFile holes;
    /** The file's hole side when this store zeroes ranges, else null. */
    private final HoleFile zeroing;
    private final Set<StoreCapability> capabilities;
    /** {@link #capabilities} without ZERO, once the file refused a zeroing. */
    private final Set<StoreCapability> withoutZero;
    /** True once the file refused a zeroing that the probe at open said it could do. */
    private volatile boolean zeroRefused;
    private boolean released;

    /** @param preallocate {@code store.preallocate}: a thick file, never unmapped */
    FileStore(String lunName, Path path, OpenFiles.Entry entry, long size, boolean readOnly, boolean device,
            boolean preallocate, Executor executor, OpenFiles openFiles, long closeWaitMillis, IoPaths paths,
            Syncs syncs) {
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
        ChannelIo io = new ChannelIo(channel, forces, syncs, syncFailure);
        this.pool = new PoolIo(path, io, executor, inFlight);
        boolean memory = paths.inline() && !device && MemoryFs.holds(entry.realPath);
        this.inline = memory ? new InlineIo(path, io, inFlight) : null;
        this.views = memory && Holes.available() ? new MappedViews(path, channel, size) : null;
        if (memory) {
            LOG.debug("LUN {}: {} is on a memory file system: reads and writes run on the calling thread", lunName,
                    path);
        }
        var file = paths.ring() ? entry.ring(syncs::ringSyncErrno) : null;
        this.ring = file == null ? null : new RingIo(file, inFlight, forces, syncFailure);
        Set<StoreCapability> c = EnumSet.of(StoreCapability.FLUSH, StoreCapability.FUA);
        HoleFile h = preallocate && !device ? null : entry.holes;
        if (h != null && h.canPunch() && !readOnly) {
            c.add(StoreCapability.UNMAP);
        }
        if (h != null && h.canSeek()) {
            c.add(StoreCapability.EXTENTS);
        }
        this.holes = h;
        this.zeroing = entry.holes != null && entry.holes.canZero() && !readOnly ? entry.holes : null;
        if (zeroing != null) {
            c.add(StoreCapability.ZERO);
        }
        this.capabilities = Set.copyOf(c);
        c.remove(StoreCapability.ZERO);
        this.withoutZero = Set.copyOf(c);
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
        return zeroRefused ? withoutZero : capabilities;
    }

    @Override
    public CompletionStage<Void> read(long offset, ByteBuffer dst, Executor completion) {
        IOException bad = check(offset, dst.remaining(), false);
        if (bad != null) {
            return CompletableFuture.failedFuture(bad);
        }
        CompletionStage<Void> s = inline == null ? null : inline.read(offset, dst);
        if (s == null && ring != null) {
            s = ring.read(offset, dst, completion);
        }
        return s != null ? s : pool.read(offset, dst, completion);
    }

    /** A mapped view, on a memory file system only ({@link MappedViews}); else null. */
    @Override
    public ByteBuffer view(long offset, int length) {
        if (views == null || check(offset, length, false) != null) {
            return null;
        }
        return views.view(offset, length);
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
        CompletionStage<Void> s = inline == null ? null : inline.write(offset, src, fua);
        if (s == null && ring != null) {
            s = ring.write(offset, src, fua, completion);
        }
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
        CompletionStage<Void> s = inline == null ? null : inline.flush();
        if (s == null && ring != null) {
            s = ring.flush(completion);
        }
        return s != null ? s : pool.flush(completion);
    }

    /**
     * Deallocates the range; the file system zeroes the partial blocks at its ends (see
     * {@link HoleFile}). Overlapping reads and writes in flight meanwhile see old data, zeros or new
     * data, as SBC-4 allows for overlapping commands; a later write to the range allocates again.
     */
    @Override
    public CompletionStage<Void> unmap(long offset, long length, Executor completion) {
        if (!capabilities.contains(StoreCapability.UNMAP)) {
            return CompletableFuture.failedFuture(new UnsupportedOperationException(path + ": unmap (thick store)"));
        }
        return fallocate(false, offset, length, completion);
    }

    /**
     * Sets the range to zeros that stay allocated, without writing them (see {@link HoleFile}).
     * Overlapping reads and writes in flight meanwhile see old data, zeros or new data, as for
     * {@link #unmap}.
     */
    @Override
    public CompletionStage<Void> zero(long offset, long length, Executor completion) {
        if (zeroing == null || zeroRefused) {
            return CompletableFuture.failedFuture(new UnsupportedOperationException(path + ": zeroing"));
        }
        return fallocate(true, offset, length, completion).whenComplete((v, e) -> {
            Throwable c = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
            if (c instanceof UnsupportedOperationException u && !zeroRefused) {
                zeroRefused = true;
                LOG.info("LUN {}: {} cannot zero a range in place after all ({}); WRITE SAME writes its zeros",
                        lunName, path, u.getMessage());
            }
        });
    }

    /**
     * An unmap or a zeroing the store can do: through the caller's ring for a regular file, else on
     * the I/O threads.
     */
    private CompletionStage<Void> fallocate(boolean zero, long offset, long length, Executor completion) {
        IOException bad = check(offset, length, true);
        if (bad != null) {
            return CompletableFuture.failedFuture(bad);
        }
        if (length == 0) {
            return CompletableFuture.completedFuture(null);
        }
        CompletionStage<Void> s = ring == null || device ? null
                : zero ? ring.zero(offset, length, completion) : ring.unmap(offset, length, completion);
        if (s != null) {
            return s;
        }
        return zero ? pool.zero(offset, length, zeroing, completion) : pool.unmap(offset, length, holes, completion);
    }

    @Override
    public CompletionStage<StoreExtent> extent(long offset, Executor completion) {
        if (!capabilities.contains(StoreCapability.EXTENTS)) {
            return BackingStore.super.extent(offset, completion);
        }
        if (offset < 0 || offset >= size) {
            return CompletableFuture.failedFuture(new IllegalArgumentException(
                    "offset " + offset + " outside a store of " + size + " bytes"));
        }
        IOException bad = check(offset, 0, false);
        if (bad != null) {
            return CompletableFuture.failedFuture(bad);
        }
        return pool.extent(offset, size, holes, completion);
    }

    /**
     * Deallocates {@code [from, size)}, bytes the open just added to a thin file (all zeros), so
     * that a new file is one hole. Called by the opening thread before the store is handed out; a
     * failure only leaves the last block allocated.
     */
    void deallocateAddedTail(long from) {
        if (!capabilities.contains(StoreCapability.UNMAP) || from >= size) {
            return;
        }
        try {
            holes.punch(channel, from, size - from);
        } catch (IOException e) {
            LOG.debug("LUN {}: {}: the new tail stays allocated: {}", lunName, path, e.getMessage());
        }
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

    /** @return how many operations ran on the calling thread (tests, diagnostics) */
    long inlineOps() {
        return inline == null ? 0 : inline.ops();
    }

    /** @return how many windows of the file are mapped for views (tests) */
    int mappedWindows() {
        return views == null ? 0 : views.mapped();
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
        if (views != null) {
            views.close();
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
