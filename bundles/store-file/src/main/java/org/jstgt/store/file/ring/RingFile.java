package org.jstgt.store.file.ring;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.Executor;
import java.util.function.IntSupplier;

import io.netty.channel.IoEventLoop;
import io.netty.channel.uring.IoUring;

/**
 * A file's reads, writes, syncs, hole punches and zeroings submitted to the io_uring of the event
 * loop the caller runs on, so they complete on that same thread: no hand-off to an I/O thread and
 * back. The kernel still runs an operation that would block (a page-cache miss, every fallocate)
 * on its own workers, so the loop never waits for the disk.
 *
 * <p>Until the file's ring descriptor is open ({@link RingDescriptor}), and whenever the caller is
 * no io_uring loop or the buffer is a heap buffer over {@link RingOp#MAX_BOUNCE} bytes or read-only,
 * {@code read}/{@code write}/{@code sync}/{@code punch}/{@code zero} return null and the caller uses
 * its thread pool (a smaller heap buffer is copied through direct memory, {@link RingOp}). Each loop
 * has its own {@link LoopRing}.
 *
 * <p>Created only through {@link Rings}, after the Netty io_uring classes were found to load.
 */
public final class RingFile {
    private final RingDescriptor descriptor;
    private final ConcurrentMap<Executor, LoopRing> loops = new ConcurrentHashMap<>();
    private final IntSupplier syncErrno;

    RingFile(Path path, Object fileKey, boolean readOnly, IntSupplier syncErrno) {
        descriptor = new RingDescriptor(path, fileKey, readOnly);
        this.syncErrno = syncErrno;
    }

    /** @return true when the io_uring native transport loads on this machine */
    static boolean available() {
        return IoUring.isAvailable();
    }

    /** Called once per operation, on the loop, before its stage completes. */
    @FunctionalInterface
    public interface Done {
        /** @param forced the data reached stable storage (a data sync ran) */
        void finished(boolean forced);
    }

    /**
     * Reads into {@code dst} (position to limit) at {@code offset}; bytes beyond the end of a file
     * cut short behind our back read as zeros.
     *
     * @param caller the executor the caller named for completion: the ring serves the call only
     *     when it is an io_uring event loop and the call runs on it
     * @param done called once when the operation ends (either way), before the stage completes
     * @return the stage, completed on the caller's loop, or null when the caller must do the read itself
     */
    public CompletableFuture<Void> read(long offset, ByteBuffer dst, Executor caller, Done done) {
        LoopRing r = ready(dst, caller);
        return r == null ? null : r.start(Sqe.OP_READ, offset, dst, false, done);
    }

    /** Like {@link #read}, for a write; {@code fua} adds a data sync before completion. */
    public CompletableFuture<Void> write(long offset, ByteBuffer src, boolean fua, Executor caller, Done done) {
        LoopRing r = ready(src, caller);
        return r == null ? null : r.start(Sqe.OP_WRITE, offset, src, fua, done);
    }

    /**
     * A data sync through the ring, or null when the caller must do it. A sync that fails (here or
     * after a FUA write) fails the stage with {@link java.io.SyncFailedException}.
     */
    public CompletableFuture<Void> sync(Executor caller, Done done) {
        LoopRing r = ready(null, caller);
        return r == null ? null : r.start(Sqe.OP_FSYNC, 0, null, true, done);
    }

    /**
     * Deallocates {@code length} bytes at {@code offset} through the ring ({@code IORING_OP_FALLOCATE}
     * with {@code FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE}), or returns null when the caller must do
     * it. For regular files only: a block device wants the range aligned to its logical blocks.
     */
    public CompletableFuture<Void> punch(long offset, long length, Executor caller, Done done) {
        LoopRing r = ready(null, caller);
        return r == null ? null : r.fallocate(Sqe.PUNCH_HOLE_KEEP_SIZE, offset, length, done);
    }

    /**
     * Sets {@code length} bytes at {@code offset} to zeros through the ring ({@code
     * IORING_OP_FALLOCATE} with {@code FALLOC_FL_ZERO_RANGE | FALLOC_FL_KEEP_SIZE}: the range stays
     * allocated), or returns null when the caller must do it. For regular files only, as {@link
     * #punch}.
     */
    public CompletableFuture<Void> zero(long offset, long length, Executor caller, Done done) {
        LoopRing r = ready(null, caller);
        return r == null ? null : r.fallocate(Sqe.ZERO_RANGE_KEEP_SIZE, offset, length, done);
    }

    /**
     * Unregisters from every loop and closes the ring's descriptor. Call only when the file itself
     * is closed (its lock released): closing any descriptor of a file drops the process's POSIX
     * locks on it. Its stores' operations have drained by then; one still in flight keeps the file
     * open in the kernel until it ends, but may fail.
     */
    public void close() {
        descriptor.close();
        for (LoopRing r : loops.values()) {
            r.cancel();
        }
        loops.clear();
    }

    /** @return the caller's ring when this call can take it; the first call opens the descriptor */
    private LoopRing ready(ByteBuffer buffer, Executor caller) {
        if (buffer != null && !buffer.isDirect() && (buffer.remaining() > RingOp.MAX_BOUNCE || buffer.isReadOnly())
                || !descriptor.usable()) {
            return null;
        }
        LoopRing r = ringFor(caller);
        if (r == null || descriptor.isOpen()) {
            return r;
        }
        r.openDescriptor();
        return null;
    }

    /**
     * @return the file's ring on {@code caller} when it is an io_uring event loop and this thread is
     *     that loop (registered on first use), else null
     */
    private LoopRing ringFor(Executor caller) {
        if (!(caller instanceof IoEventLoop loop) || !loop.inEventLoop()) {
            return null;
        }
        LoopRing r = loops.get(loop);
        return r != null ? r : LoopRing.register(loop, descriptor, loops, syncErrno);
    }
}
