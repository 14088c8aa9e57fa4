package org.jstgt.store.file;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.LongAdder;

/**
 * A store's inline path, for a file on a memory file system ({@link MemoryFs}): reads, writes and
 * syncs of up to {@link #MAX_BYTES} run on the calling thread and their stage is complete when the
 * call returns, as the store contract allows for work that is trivially fast. A copy of a few pages
 * costs less than any hand-off: io_uring would give each one to a kernel worker thread, the pool to
 * one of its own, each with a wake-up there and another back.
 *
 * <p>Declines (null) what it should not do on the caller: a larger transfer, which would hold up the
 * caller's other connections, and any call from a thread that has been interrupted, since an
 * interrupt during channel I/O closes the channel for every LUN on the file.
 */
final class InlineIo {
    /**
     * Largest transfer copied on the caller. Larger ones go to io_uring's workers or the file I/O
     * threads, so that their copy runs on another core while the caller serves the network: with 1
     * MiB inline, WRITE SAME of zeros over 1 MiB made 5.7k commands/s and 1 MiB writes 1.6-1.9k; with
     * 256 KiB, 7.3-8.6k and 2.5-2.7k.
     */
    static final int MAX_BYTES = 256 << 10;

    private final Path path;
    private final ChannelIo io;
    private final InFlight inFlight;
    private final LongAdder ops = new LongAdder();

    InlineIo(Path path, ChannelIo io, InFlight inFlight) {
        this.path = path;
        this.io = io;
        this.inFlight = inFlight;
    }

    /** @return the completed stage, or null when declined (the caller takes another path) */
    CompletionStage<Void> read(long offset, ByteBuffer dst) {
        if (dst.remaining() > MAX_BYTES || Thread.currentThread().isInterrupted()) {
            return null;
        }
        return run(() -> io.read(offset, dst));
    }

    /** @return the completed stage, or null when declined */
    CompletionStage<Void> write(long offset, ByteBuffer src, boolean fua) {
        if (src.remaining() > MAX_BYTES || Thread.currentThread().isInterrupted()) {
            return null;
        }
        ByteBuffer in = src.duplicate();
        return run(() -> io.write(offset, in, fua));
    }

    /** A data sync (on tmpfs and ramfs there is nothing to write back); null when declined. */
    CompletionStage<Void> flush() {
        if (Thread.currentThread().isInterrupted()) {
            return null;
        }
        return run(io::force);
    }

    /** @return how many operations ran inline (tests, diagnostics) */
    long ops() {
        return ops.sum();
    }

    @FunctionalInterface
    private interface Io {
        void run() throws IOException;
    }

    private CompletionStage<Void> run(Io work) {
        if (!inFlight.enter()) {
            return CompletableFuture.failedFuture(new IOException(path + ": store closed"));
        }
        try {
            work.run();
            ops.increment();
            return CompletableFuture.completedFuture(null);
        } catch (IOException e) {
            return CompletableFuture.failedFuture(e);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(new IOException(path + ": " + e, e));
        } finally {
            inFlight.exit();
        }
    }
}
