package org.jstgt.device.disk;

import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;

/**
 * Moves one segment's bytes from a source unit to a destination unit in chunks of at most
 * {@link #CHUNK} bytes, at most {@link #IN_FLIGHT} chunks at a time, each read whole into a buffer
 * of its own before it is written through {@link DiskUnit#copyWrite}. Memory is bounded by
 * {@code IN_FLIGHT * CHUNK} per copy, and buffers are reused from chunk to chunk.
 *
 * <p>When source and destination ranges overlap on the same unit, one chunk moves at a time, from
 * the end when the destination lies above the source and from the start otherwise, so that every
 * source byte is read before a write reaches it (the result equals a copy through a buffer of the
 * whole segment, as SPC-4 §6.4.6.1 implies). Nothing blocks: each step runs when the store's stage
 * completes, on the task's executor. The first failure stops the pump from starting further chunks;
 * the returned stage fails with it once the chunks already started are done.
 */
final class XcopyPump {
    /** Largest chunk, in bytes (a multiple of every block size up to 1 MiB). */
    static final int CHUNK = 1 << 20;
    /** Chunks moving at once when the ranges do not overlap. */
    static final int IN_FLIGHT = 2;

    private final DiskUnit source;
    private final DiskUnit destination;
    private final long sourceOffset;
    private final long destinationOffset;
    private final long bytes;
    private final int chunk;
    private final int parallel;
    /** Moving from the end towards the start (an overlap with the destination above the source). */
    private final boolean backwards;
    private final Executor executor;
    private final CompletableFuture<Void> done = new CompletableFuture<>();
    private final ArrayDeque<ByteBuffer> buffers = new ArrayDeque<>();

    // guarded by this
    private long nextChunk;
    private int running;
    private Throwable failure;
    private boolean pumping;

    private XcopyPump(DiskUnit source, long sourceLba, DiskUnit destination, long destinationLba, long bytes,
            Executor executor) {
        this.source = source;
        this.destination = destination;
        this.sourceOffset = sourceLba * source.blockSize();
        this.destinationOffset = destinationLba * destination.blockSize();
        this.bytes = bytes;
        this.executor = executor;
        int largest = Math.max(source.blockSize(), destination.blockSize());
        this.chunk = (int) Math.min(bytes, Math.max(largest, CHUNK - CHUNK % largest));
        boolean overlap = source == destination && sourceOffset < destinationOffset + bytes
                && destinationOffset < sourceOffset + bytes;
        this.parallel = overlap ? 1 : IN_FLIGHT;
        this.backwards = overlap && destinationOffset > sourceOffset;
    }

    /**
     * Copies {@code bytes} bytes (a whole number of blocks of both units, inside both units).
     *
     * @param source the unit read
     * @param sourceLba its first block
     * @param destination the unit written (may be {@code source})
     * @param destinationLba its first block
     * @param bytes the byte count; 0 copies nothing
     * @param executor the task's executor, where the stores complete
     * @return completes when every byte is written, or with the first failure
     */
    static CompletionStage<Void> copy(DiskUnit source, long sourceLba, DiskUnit destination, long destinationLba,
            long bytes, Executor executor) {
        if (bytes == 0) {
            return CompletableFuture.completedFuture(null);
        }
        XcopyPump p = new XcopyPump(source, sourceLba, destination, destinationLba, bytes, executor);
        p.pump();
        return p.done;
    }

    private long chunks() {
        return (bytes + chunk - 1) / chunk;
    }

    /**
     * Starts chunks while fewer than {@link #parallel} move and any remain; completes the copy when
     * none moves and none remains (or one failed). Re-entrant calls (a store that completes at once)
     * only mark that another round is due, so the stack stays flat.
     */
    private void pump() {
        synchronized (this) {
            if (pumping) {
                return;
            }
            pumping = true;
        }
        while (true) {
            long index;
            ByteBuffer buffer;
            Throwable failed;
            synchronized (this) {
                if (failure == null && running < parallel && nextChunk < chunks()) {
                    index = nextChunk++;
                    running++;
                    failed = null;
                    buffer = buffers.isEmpty() ? ByteBuffer.allocate(chunk) : buffers.pop();
                } else {
                    pumping = false;
                    if (running > 0) {
                        return;
                    }
                    failed = failure;
                    index = -1;
                    buffer = null;
                }
            }
            if (index < 0) {
                // outside the lock: the caller's next stage runs from here
                if (failed == null) {
                    done.complete(null);
                } else {
                    done.completeExceptionally(failed);
                }
                return;
            }
            move(index, buffer);
        }
    }

    /** Reads chunk {@code index} (counted in the direction of the copy) and writes it. */
    private void move(long index, ByteBuffer buffer) {
        long first = backwards ? Math.max(0, bytes - (index + 1) * chunk) : index * chunk;
        long end = backwards ? bytes - index * chunk : Math.min(bytes, first + chunk);
        int length = (int) (end - first);
        buffer.clear().limit(length);
        CompletionStage<Void> step;
        try {
            step = source.io().read(sourceOffset + first, buffer, executor).thenCompose(v -> {
                // the store leaves the position undefined (BackingStore#read)
                buffer.limit(length).position(0);
                return destination.copyWrite((destinationOffset + first) / destination.blockSize(), buffer,
                        executor);
            });
        } catch (RuntimeException e) {
            step = CompletableFuture.failedFuture(e);
        }
        step.whenComplete((v, e) -> {
            synchronized (this) {
                running--;
                buffers.push(buffer);
                if (e != null && failure == null) {
                    failure = e;
                }
            }
            pump();
        });
    }
}
