package org.jstgt.store.file.ring;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.IntSupplier;

import io.netty.channel.IoEvent;
import io.netty.channel.IoEventLoop;
import io.netty.channel.IoRegistration;
import io.netty.channel.uring.IoUringIoEvent;
import io.netty.channel.uring.IoUringIoHandle;
import io.netty.channel.uring.IoUringIoOps;
import io.netty.util.concurrent.Future;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The file on one io_uring event loop: its registration with the loop's ring and the table of
 * operations in flight there, which a completion's {@code user_data} indexes. Registered by the
 * loop's own thread on first use, touched only by it, unregistered when the file closes or the loop
 * shuts down.
 */
final class LoopRing implements IoUringIoHandle {
    private static final Logger LOG = LoggerFactory.getLogger(LoopRing.class);

    /** Operations in flight per file and loop: slot indices fit in the 16-bit {@code user_data}. */
    static final int MAX_OPS = Short.MAX_VALUE + 1;
    /** The {@code user_data} of the descriptor's openat, outside the slot indices. */
    private static final short OPEN_TAG = -1;

    private final IoEventLoop loop;
    private final RingDescriptor descriptor;
    /** The file's loops, which this one leaves when its loop shuts down. */
    private final ConcurrentMap<Executor, LoopRing> loops;
    private final IntSupplier syncErrno;
    private IoRegistration registration;
    private RingOp[] ops = new RingOp[16];
    private int free = -1;
    private int used;

    private LoopRing(IoEventLoop loop, RingDescriptor descriptor, ConcurrentMap<Executor, LoopRing> loops,
            IntSupplier syncErrno) {
        this.loop = loop;
        this.descriptor = descriptor;
        this.loops = loops;
        this.syncErrno = syncErrno;
    }

    /**
     * Registers the file with {@code loop}'s ring and adds it to {@code loops}. Call on the loop.
     *
     * @param syncErrno see {@link Rings#create}
     *
     * @return the registered ring, or null when the loop refuses (not io_uring, shutting down) or
     *     the file closed meanwhile
     */
    static LoopRing register(IoEventLoop loop, RingDescriptor descriptor, ConcurrentMap<Executor, LoopRing> loops,
            IntSupplier syncErrno) {
        if (!loop.isCompatible(LoopRing.class)) {
            return null;
        }
        LoopRing ring = new LoopRing(loop, descriptor, loops, syncErrno);
        Future<IoRegistration> f = loop.register(ring);
        if (!f.isSuccess()) {
            // registering from the loop itself completes at once; anything else is a refusal
            if (f.isDone()) {
                LOG.debug("{}: io_uring registration refused: {}", descriptor.path(), f.cause());
            }
            return null;
        }
        ring.registration = f.getNow();
        loops.put(loop, ring);
        // after the put: either this sees the close, or the close sees this ring
        if (descriptor.isClosed()) {
            loops.remove(loop, ring);
            ring.registration.cancel();
            return null;
        }
        return ring;
    }

    /** Submits the descriptor's openat when it is the first to be asked for. */
    void openDescriptor() {
        IoUringIoOps openat = descriptor.open(OPEN_TAG);
        if (openat != null && !submit(openat)) {
            descriptor.notSubmitted();
        }
    }

    /**
     * Starts an operation; see {@link RingOp#start}.
     *
     * @return its stage, or null when the table is full or the ring refused it
     */
    CompletableFuture<Void> start(byte opcode, long position, ByteBuffer buffer, boolean fua, RingFile.Done done) {
        RingOp op = slot();
        return op == null ? null : op.start(opcode, position, buffer, fua, done);
    }

    /**
     * Starts a hole punch or a zeroing; see {@link RingOp#fallocate}.
     *
     * @return its stage, or null when the table is full or the ring refused it
     */
    CompletableFuture<Void> fallocate(int mode, long position, long length, RingFile.Done done) {
        RingOp op = slot();
        return op == null ? null : op.fallocate(mode, position, length, done);
    }

    boolean submit(IoUringIoOps sqe) {
        return registration.submit(sqe) != 0;
    }

    int fd() {
        return descriptor.fd();
    }

    Path path() {
        return descriptor.path();
    }

    /**
     * @param res a data sync's {@code io_uring_cqe.res}
     * @return it, or minus the errno the store's seam reports in place of a success
     */
    int syncResult(int res) {
        int injected = res < 0 ? 0 : syncErrno.getAsInt();
        return injected > 0 ? -injected : res;
    }

    @Override
    public void handle(IoRegistration reg, IoEvent event) {
        IoUringIoEvent e = (IoUringIoEvent) event;
        if (e.data() == OPEN_TAG) {
            descriptor.opened(e.res());
            return;
        }
        int i = e.data() & 0xFFFF;
        RingOp op = i < used ? ops[i] : null;
        if (op == null || op.idle()) {
            LOG.warn("{}: io_uring completion for unknown operation {}", descriptor.path(), i);
            return;
        }
        op.completed(e.opcode(), e.res());
    }

    /**
     * Unregisters from the loop (any thread: the file closes). A loop that has terminated took its
     * registrations with it and refuses the cancel task; nothing is left to undo then.
     */
    void cancel() {
        try {
            registration.cancel();
        } catch (RejectedExecutionException e) {
            LOG.debug("{}: the event loop ended before the file closed", descriptor.path());
        }
    }

    @Override
    public void close() {
        // the loop is shutting down: later calls from it take the thread pool
        loops.remove(loop, this);
        registration.cancel();
    }

    private RingOp slot() {
        if (free >= 0) {
            RingOp op = ops[free];
            free = op.nextFree;
            op.nextFree = -1;
            return op;
        }
        if (used == ops.length) {
            if (used == MAX_OPS) {
                return null;
            }
            ops = Arrays.copyOf(ops, Math.min(MAX_OPS, used * 2));
        }
        RingOp op = new RingOp(this, (short) used);
        ops[used++] = op;
        return op;
    }

    /** Frees the slot of a finished (or never submitted) operation. */
    void release(RingOp op) {
        op.clear();
        op.nextFree = free;
        free = op.tag & 0xFFFF;
    }
}
