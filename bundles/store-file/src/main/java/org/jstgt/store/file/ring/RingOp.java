package org.jstgt.store.file.ring;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.util.internal.PlatformDependent;

/**
 * One read, write, sync, hole punch or zeroing in flight on a {@link LoopRing}, in a slot of its
 * table that is reused. The kernel may end a transfer short ({@code io_uring_cqe.res} below the
 * {@code len} asked): the rest is submitted again from where it stopped until all is done; a FUA
 * write then gets a data sync (a failed sync is a {@link java.io.SyncFailedException}). A hole
 * punch or a zeroing (fallocate(2)) is one step, done or failed. A read that meets the end of a
 * file cut short behind the store's back fills the rest with zeros, as a hole reads. Loop thread
 * only.
 *
 * <p>The kernel needs the transfer's memory at a fixed address: a heap buffer of up to {@link
 * #MAX_BOUNCE} bytes (what a device allocates for itself, such as the blocks COMPARE AND WRITE reads
 * to compare) goes through a pooled direct buffer, copied in before a write and out after a read.
 * That copy is the one the JDK makes for a heap buffer on the file I/O threads too, without their
 * hand-off to another thread and back.
 */
final class RingOp {
    /**
     * Largest heap buffer taken through a direct copy; larger ones take the file I/O threads, so
     * that their copy runs on another core while the loop serves the network (as {@code InlineIo}
     * does on tmpfs): EXTENDED COPY's 1 MiB chunks on ext4 made 1.9-2.1 GB/s copied on the loop
     * against 2.5-3.2 GB/s on the file I/O threads.
     */
    static final int MAX_BOUNCE = 256 << 10;

    /** This slot's index, the completion's {@code user_data}. */
    final short tag;
    /** Next free slot of the table, or -1 (kept by {@link LoopRing}). */
    int nextFree = -1;

    private final LoopRing ring;
    private byte opcode;
    private long position;
    private long address;
    private int remaining;
    /** Bytes a fallocate(2) step covers. */
    private long span;
    /** The fallocate(2) step's mode: {@link Sqe#PUNCH_HOLE_KEEP_SIZE} or {@link Sqe#ZERO_RANGE_KEEP_SIZE}. */
    private int fallocMode;
    private ByteBuffer buffer;
    /** The caller's heap buffer behind {@link #bounce}, or null. */
    private ByteBuffer heap;
    /** The pooled direct memory the transfer uses for {@link #heap}, or null. */
    private ByteBuf bounce;
    private boolean fua;
    private boolean synced;
    private RingFile.Done done;
    private CompletableFuture<Void> stage;

    RingOp(LoopRing ring, short tag) {
        this.ring = ring;
        this.tag = tag;
    }

    /**
     * @param opcode {@link Sqe#OP_READ}, {@link Sqe#OP_WRITE} or {@link Sqe#OP_FSYNC}
     * @param buffer position to limit, direct or a heap buffer of up to {@link #MAX_BOUNCE} bytes;
     *     null for a sync
     * @param fua a data sync follows the write
     * @return the stage, or null when the ring refused the submission or no direct memory was left
     *     for a heap buffer (the slot is free again)
     */
    CompletableFuture<Void> start(byte opcode, long position, ByteBuffer buffer, boolean fua, RingFile.Done done) {
        if (buffer != null && !buffer.isDirect()) {
            buffer = bounce(opcode, buffer);
            if (buffer == null) {
                ring.release(this);
                return null;
            }
        }
        this.opcode = opcode;
        this.position = position;
        this.buffer = buffer;
        this.address = buffer == null ? 0 : PlatformDependent.directBufferAddress(buffer) + buffer.position();
        this.remaining = buffer == null ? 0 : buffer.remaining();
        this.span = 0;
        this.fua = fua;
        return launch(done);
    }

    /**
     * Deallocates or zeroes {@code length} bytes at {@code position} ({@link Sqe#OP_FALLOCATE}).
     *
     * @param mode {@link Sqe#PUNCH_HOLE_KEEP_SIZE} or {@link Sqe#ZERO_RANGE_KEEP_SIZE}
     * @return the stage, or null when the ring refused the submission (the slot is free again)
     */
    CompletableFuture<Void> fallocate(int mode, long position, long length, RingFile.Done done) {
        this.opcode = Sqe.OP_FALLOCATE;
        this.fallocMode = mode;
        this.position = position;
        this.buffer = null;
        this.address = 0;
        this.remaining = 0;
        this.span = length;
        this.fua = false;
        return launch(done);
    }

    /**
     * @return direct memory for the transfer of {@code src}'s bytes (holding them for a write), or
     *     null when none is left
     */
    private ByteBuffer bounce(byte op, ByteBuffer src) {
        int n = src.remaining();
        ByteBuf b;
        try {
            b = PooledByteBufAllocator.DEFAULT.directBuffer(n, n);
        } catch (OutOfMemoryError e) {
            return null; // Netty's direct memory limit: the file I/O threads do it instead
        }
        ByteBuffer direct = b.nioBuffer(0, n);
        if (op == Sqe.OP_WRITE) {
            direct.put(0, src, src.position(), n);
        }
        heap = src;
        bounce = b;
        return direct;
    }

    private CompletableFuture<Void> launch(RingFile.Done done) {
        this.synced = false;
        this.done = done;
        CompletableFuture<Void> s = new CompletableFuture<>();
        stage = s;
        if (!submitNext()) {
            ring.release(this);
            return null;
        }
        return s;
    }

    /** @return true while no operation holds this slot */
    boolean idle() {
        return stage == null;
    }

    /**
     * One step ended: account for it, then submit the next step or finish.
     *
     * @param cqeOpcode the opcode of the step that ended
     * @param res its {@code io_uring_cqe.res}: bytes moved, 0, or minus an errno
     */
    void completed(byte cqeOpcode, int res) {
        if (cqeOpcode == Sqe.OP_FALLOCATE) {
            if (res >= 0) {
                end(null);
                return;
            }
            boolean zeroing = fallocMode == Sqe.ZERO_RANGE_KEEP_SIZE;
            String what = ring.path() + (zeroing ? ": zeroing of " : ": unmap of ") + span + " bytes at offset "
                    + position;
            // EOPNOTSUPP of a zeroing: this file cannot, though the probe's could (an ext3 file
            // without extents on ext4)
            end(zeroing && res == -Errno.EOPNOTSUPP
                    ? new UnsupportedOperationException(what + ": " + Errno.describe(-res))
                    : Errno.failed(what, -res));
            return;
        }
        if (cqeOpcode == Sqe.OP_FSYNC) {
            res = ring.syncResult(res);
        }
        if (res < 0) {
            end(cqeOpcode == Sqe.OP_FSYNC ? Errno.syncFailed(ring.path() + ": data sync", -res)
                    : Errno.failed(ring.path() + ": " + (opcode == Sqe.OP_READ ? "read" : "write") + " at offset "
                            + position, -res));
            return;
        }
        if (cqeOpcode == Sqe.OP_FSYNC) {
            synced = true;
            remaining = 0;
            fua = false;
        } else if (res == 0) {
            if (opcode != Sqe.OP_READ) {
                end(new IOException(ring.path() + ": write at offset " + position + " wrote nothing"));
                return;
            }
            zeroRest();
        } else {
            position += res;
            address += res;
            remaining -= res;
        }
        if (remaining > 0 || fua) {
            if (!submitNext()) {
                end(new IOException(ring.path() + ": io_uring closed during the operation"));
            }
            return;
        }
        end(null);
    }

    /** Submits the next step: the (rest of the) transfer, or the sync after it. */
    private boolean submitNext() {
        int fd = ring.fd();
        if (fd < 0) {
            return false;
        }
        if (opcode == Sqe.OP_FALLOCATE) {
            return ring.submit(Sqe.fallocate(fd, position, span, fallocMode, tag));
        }
        if (opcode == Sqe.OP_FSYNC || (remaining == 0 && fua)) {
            return ring.submit(Sqe.fdatasync(fd, tag));
        }
        return ring.submit(Sqe.transfer(opcode, fd, position, address, remaining, tag));
    }

    private void zeroRest() {
        int from = (int) (address - PlatformDependent.directBufferAddress(buffer));
        int end = from + remaining;
        for (int p = from; p < end; p++) {
            buffer.put(p, (byte) 0);
        }
        remaining = 0;
    }

    /** Frees the slot, then tells the store and completes the stage; {@code failure} null for success. */
    private void end(Exception failure) {
        RingFile.Done d = done;
        CompletableFuture<Void> s = stage;
        boolean forced = failure == null && synced;
        if (failure == null && heap != null && opcode == Sqe.OP_READ) {
            heap.put(heap.position(), buffer, 0, heap.remaining());
        }
        ring.release(this);
        d.finished(forced);
        if (failure == null) {
            s.complete(null);
        } else {
            s.completeExceptionally(failure);
        }
    }

    /** Drops the references to the finished operation. */
    void clear() {
        if (bounce != null) {
            bounce.release();
            bounce = null;
        }
        heap = null;
        buffer = null;
        done = null;
        stage = null;
    }
}
