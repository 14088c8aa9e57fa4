package org.jstgt.store.file;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicLong;

import org.jstgt.api.store.StoreExtent;
import org.jstgt.store.file.hole.HoleFile;

/**
 * A store's pool path: positional {@link FileChannel} I/O on the provider's file I/O threads, the
 * stage completed there. Positional reads and writes on one channel are safe from many threads at
 * once.
 */
final class PoolIo {
    private static final byte[] ZEROS = new byte[8192];

    private final Path path;
    private final FileChannel channel;
    private final Executor executor;
    private final InFlight inFlight;
    private final AtomicLong forces;
    private final Syncs syncs;
    private final SyncFailure failure;

    /**
     * @param forces counts the data syncs
     * @param syncs how data is synced
     * @param failure the store's failed sync, recorded and honoured here
     */
    PoolIo(Path path, FileChannel channel, Executor executor, InFlight inFlight, AtomicLong forces, Syncs syncs,
            SyncFailure failure) {
        this.path = path;
        this.channel = channel;
        this.executor = executor;
        this.inFlight = inFlight;
        this.forces = forces;
        this.syncs = syncs;
        this.failure = failure;
    }

    CompletionStage<Void> read(long offset, ByteBuffer dst, Executor completion) {
        return submit(completion, () -> {
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

    CompletionStage<Void> write(long offset, ByteBuffer src, boolean fua, Executor completion) {
        ByteBuffer in = src.duplicate();
        return submit(completion, () -> {
            long pos = offset;
            while (in.hasRemaining()) {
                pos += channel.write(in, pos);
            }
            if (fua) {
                force();
            }
        });
    }

    CompletionStage<Void> flush(Executor completion) {
        return submit(completion, this::force);
    }

    /** Deallocates the range on the I/O threads (the native call's thread rule: {@link HoleFile}). */
    CompletionStage<Void> unmap(long offset, long length, HoleFile holes, Executor completion) {
        return submit(completion, () -> holes.punch(channel, offset, length));
    }

    /** The provisioning run at {@code offset}, looked up on the I/O threads ({@link HoleFile#extent}). */
    CompletionStage<StoreExtent> extent(long offset, long size, HoleFile holes, Executor completion) {
        return call(completion, () -> holes.extent(offset, size));
    }

    /** A data sync: a failure is recorded (and fails every later one); see {@link SyncFailure}. */
    private void force() throws IOException {
        try {
            syncs.data(channel);
        } catch (IOException e) {
            throw failure.record(e);
        }
        failure.afterSuccess();
        forces.incrementAndGet();
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

    /** As {@link #submit}, for work with a result. */
    private <T> CompletionStage<T> call(Executor completion, IoCall<T> io) {
        if (!inFlight.enter()) {
            return CompletableFuture.failedFuture(new IOException(path + ": store closed"));
        }
        CompletableFuture<T> done = new CompletableFuture<>();
        try {
            executor.execute(() -> {
                IOException failure = null;
                T result = null;
                try {
                    result = io.call();
                } catch (IOException | RuntimeException e) {
                    failure = e instanceof IOException io2 ? io2 : new IOException(path + ": " + e, e);
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
            IOException failure) {
        Runnable r = failure == null ? () -> done.complete(result) : () -> done.completeExceptionally(failure);
        try {
            completion.execute(r);
        } catch (RejectedExecutionException e) {
            r.run();
        }
    }
}
