package org.jstgt.device.disk;

import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.function.BiConsumer;

import org.jstgt.api.store.StoreCapability;
import org.jstgt.scsi.spc.StoreCalls;

/**
 * Writes one block's data to every block of a range (WRITE SAME, SBC-4 §5.48) in bounded memory
 * and with bounded concurrency: one buffer of at most {@link #MAX_BUFFER} bytes, filled once with
 * the block repeated, is written again and again, one store write at a time, until the range is
 * covered. A block of zeros, the usual case (zeroing a disk, NDOB), needs no buffer of its own: its
 * writes all come from one direct buffer of zeros shared by every fill, which the store only reads
 * and can hand to the kernel as it is. A store that can {@linkplain StoreCapability#ZERO zero} a
 * range is asked to instead, with no data at all, in calls of up to 64 MiB; where it refuses (its
 * file cannot after all), the zeros are written. A store that completes at once is driven by a
 * loop, not by nested callbacks, so a long range does not deepen the stack.
 */
final class BlockFill implements BiConsumer<Void, Throwable> {
    /** The most memory one fill holds: 1 MiB. */
    static final int MAX_BUFFER = 1 << 20;
    /**
     * The most one zeroing call of the store covers: 64 MiB, so that a long range does not hold a
     * file I/O thread (or a device) in one call for long.
     */
    static final long MAX_ZERO = 64L << 20;
    /** {@link #MAX_BUFFER} zeros; never written, each fill takes duplicates. */
    private static final ByteBuffer ZEROS = ByteBuffer.allocateDirect(MAX_BUFFER);

    private final StoreCalls io;
    private final Executor loop;
    private final ByteBuffer pattern;
    private final long end;
    private final CompletableFuture<Void> done = new CompletableFuture<>();
    private long next;

    private BlockFill(StoreCalls io, ByteBuffer pattern, long offset, long end, Executor loop) {
        this.io = io;
        this.pattern = pattern;
        this.next = offset;
        this.end = end;
        this.loop = loop;
    }

    /**
     * @param io the store
     * @param block one block of data (position to limit, {@code blockSize} bytes)
     * @param offset byte offset of the first block
     * @param bytes bytes to write, a multiple of the block size
     * @param loop where the store completes
     * @return completes when every block is written, or with the first failure (later blocks
     *     then stay as they were)
     */
    static CompletionStage<Void> write(StoreCalls io, ByteBuffer block, long offset, long bytes, Executor loop) {
        if (io.store().capabilities().contains(StoreCapability.ZERO) && zeros(block)) {
            return zero(io, block, offset, offset + bytes, loop);
        }
        return fill(io, block, offset, bytes, loop);
    }

    /**
     * Zeroes {@code [at, end)} one call of at most {@link #MAX_ZERO} bytes after another; when the
     * store refuses (its file cannot after all), writes the zeros of the rest.
     */
    private static CompletionStage<Void> zero(StoreCalls io, ByteBuffer block, long at, long end, Executor loop) {
        if (at >= end) {
            return CompletableFuture.completedFuture(null);
        }
        long n = Math.min(MAX_ZERO, end - at);
        return io.zero(at, n, loop).thenApply(v -> true)
                .exceptionallyCompose(e -> StoreCalls.unwrap(e) instanceof UnsupportedOperationException
                        ? CompletableFuture.completedFuture(false) : CompletableFuture.failedFuture(e))
                .thenCompose(zeroed -> zeroed ? zero(io, block, at + n, end, loop)
                        : fill(io, block, at, end - at, loop));
    }

    /** {@link #write} by writing the block's data, the pattern buffer again and again. */
    private static CompletionStage<Void> fill(StoreCalls io, ByteBuffer block, long offset, long bytes,
            Executor loop) {
        int blockSize = block.remaining();
        int blocks = (int) Math.min(bytes, MAX_BUFFER - MAX_BUFFER % blockSize) / blockSize;
        ByteBuffer pattern;
        if (zeros(block)) {
            pattern = ZEROS.duplicate().limit(blocks * blockSize);
        } else {
            pattern = ByteBuffer.allocate(blocks * blockSize);
            for (int i = 0; i < blocks; i++) {
                pattern.put(block.duplicate());
            }
            pattern.flip();
        }
        BlockFill f = new BlockFill(io, pattern, offset, offset + bytes, loop);
        f.pump();
        return f.done;
    }

    /** @return true when every byte of {@code block} (position to limit) is zero */
    static boolean zeros(ByteBuffer block) {
        return block.remaining() <= MAX_BUFFER && block.mismatch(ZEROS.duplicate().limit(block.remaining())) == -1;
    }

    /** Issues writes while they complete at once; leaves the rest to the completion of a pending one. */
    private void pump() {
        while (next < end) {
            ByteBuffer chunk = pattern.duplicate();
            chunk.limit((int) Math.min(chunk.capacity(), end - next));
            long at = next;
            next += chunk.remaining();
            CompletableFuture<Void> w = io.write(at, chunk, false, loop).toCompletableFuture();
            if (!w.isDone() || w.isCompletedExceptionally()) {
                w.whenComplete(this);
                return;
            }
        }
        done.complete(null);
    }

    @Override
    public void accept(Void v, Throwable failure) {
        if (failure != null) {
            done.completeExceptionally(failure);
        } else {
            pump();
        }
    }
}
