package org.jstgt.store.file;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;

import org.jstgt.api.store.StoreExtent;
import org.jstgt.store.file.hole.HoleFile;

/**
 * A store's pool path: its {@link ChannelIo} on the provider's file I/O threads, the stage completed
 * on the caller's executor.
 */
final class PoolIo {
    private final Path path;
    private final ChannelIo io;
    private final Executor executor;
    private final InFlight inFlight;

    PoolIo(Path path, ChannelIo io, Executor executor, InFlight inFlight) {
        this.path = path;
        this.io = io;
        this.executor = executor;
        this.inFlight = inFlight;
    }

    CompletionStage<Void> read(long offset, ByteBuffer dst, Executor completion) {
        return submit(completion, () -> io.read(offset, dst));
    }

    CompletionStage<Void> write(long offset, ByteBuffer src, boolean fua, Executor completion) {
        ByteBuffer in = src.duplicate();
        return submit(completion, () -> io.write(offset, in, fua));
    }

    CompletionStage<Void> flush(Executor completion) {
        return submit(completion, io::force);
    }

    /** Deallocates the range on the I/O threads (the native call's thread rule: {@link HoleFile}). */
    CompletionStage<Void> unmap(long offset, long length, HoleFile holes, Executor completion) {
        return submit(completion, () -> holes.punch(io.channel(), offset, length));
    }

    /** Zeroes the range on the I/O threads (the native call's thread rule: {@link HoleFile}). */
    CompletionStage<Void> zero(long offset, long length, HoleFile holes, Executor completion) {
        return submit(completion, () -> holes.zero(io.channel(), offset, length));
    }

    /** The provisioning run at {@code offset}, looked up on the I/O threads ({@link HoleFile#extent}). */
    CompletionStage<StoreExtent> extent(long offset, long size, HoleFile holes, Executor completion) {
        return call(completion, () -> holes.extent(offset, size));
    }

    @FunctionalInterface
    private interface Io {
        void run() throws IOException;
    }

    @FunctionalInterface
    private interface IoCall<T> {
        T call() throws IOException;
    }

    /** Runs {@code io} on the file I/O threads; the stage completes on the caller's {@code completion}. */
    private CompletionStage<Void> submit(Executor completion, Io io) {
        return call(completion, () -> {
            io.run();
            return null;
        });
    }

    /**
     * As {@link #submit}, for work with a result. An {@link UnsupportedOperationException} (a
     * zeroing the file refused) passes through as it is; other failures become an {@link
     * IOException}.
     */
    private <T> CompletionStage<T> call(Executor completion, IoCall<T> io) {
        if (!inFlight.enter()) {
            return CompletableFuture.failedFuture(new IOException(path + ": store closed"));
        }
        CompletableFuture<T> done = new CompletableFuture<>();
        try {
            executor.execute(() -> {
                Exception failure = null;
                T result = null;
                try {
                    result = io.call();
                } catch (IOException | UnsupportedOperationException e) {
                    failure = e;
                } catch (RuntimeException e) {
                    failure = new IOException(path + ": " + e, e);
                }
                inFlight.exit();
                completeOn(completion, done, result, failure);
            });
        } catch (RejectedExecutionException e) {
            inFlight.exit();
            done.completeExceptionally(new IOException(path + ": file I/O queue full or provider stopped", e));
        }
        return done;
    }

    /**
     * Completes on the caller's executor, as the store contract says; when that executor refuses
     * (its event loop has shut down), here, so that the stage still completes.
     */
    private static <T> void completeOn(Executor completion, CompletableFuture<T> done, T result,
            Exception failure) {
        Runnable r = failure == null ? () -> done.complete(result) : () -> done.completeExceptionally(failure);
        try {
            completion.execute(r);
        } catch (RejectedExecutionException e) {
            r.run();
        }
    }
}
