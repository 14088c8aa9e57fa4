package org.jstgt.store.file;

import java.io.IOException;
import java.io.SyncFailedException;
import java.nio.channels.ClosedChannelException;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicReference;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A store's failed data sync, kept until the store closes. When writeback of a file's dirty pages
 * fails, Linux reports the error to one fsync and then marks those pages clean ("fsyncgate"): a
 * later fsync succeeds although the data never reached the disk. So, as LIO and PostgreSQL treat
 * it, once a flush or the sync of a FUA write failed, every later flush and FUA write of the store
 * fails too, until the LUN is reopened (reconfigured) and its owner has judged the data. The first
 * failure is logged once, at ERROR, with the LUN and its file. Thread-safe.
 *
 * <p>A sync that succeeds while a concurrent one on the same file fails may still report success
 * when it finishes before the failure is recorded here (microseconds); the kernel gives the error
 * to one of them only.
 */
final class SyncFailure {
    private static final Logger LOG = LoggerFactory.getLogger(SyncFailure.class);

    private final String lunName;
    private final Path path;
    private final AtomicReference<IOException> first = new AtomicReference<>();

    SyncFailure(String lunName, Path path) {
        this.lunName = lunName;
        this.path = path;
    }

    /** @return true once a data sync of the store failed */
    boolean failed() {
        return first.get() != null;
    }

    /** @return the failure to end a flush or FUA write with, or null while no sync failed */
    IOException refusal() {
        IOException f = first.get();
        return f == null ? null
                : new IOException(path + ": a data sync failed earlier (" + f.getMessage()
                        + "); no flush or FUA write succeeds until the LUN is reopened", f);
    }

    /**
     * Records a sync that failed; the first is logged. A channel closed under the call (the store
     * is closing) is no sync failure.
     *
     * @param e how it failed
     * @return {@code e}, to throw
     */
    IOException record(IOException e) {
        if (!(e instanceof ClosedChannelException) && first.compareAndSet(null, e)) {
            LOG.error("LUN {}: {}: a data sync failed ({}); writes since the previous sync may be lost, so every "
                    + "later SYNCHRONIZE CACHE and FUA write of this LUN fails with MEDIUM ERROR until the LUN is "
                    + "reopened", lunName, path, e.toString());
        }
        return e;
    }

    /**
     * After a sync that succeeded: a failure recorded meanwhile (by a concurrent sync of the same
     * file, to which the kernel gave the error) fails this one too.
     */
    void afterSuccess() throws IOException {
        IOException r = refusal();
        if (r != null) {
            throw r;
        }
    }

    /**
     * Watches a flush or FUA write through the ring: a failed sync step
     * ({@link SyncFailedException}) is recorded; a success after a failure recorded meanwhile
     * fails. The returned stage completes on the thread that completes {@code sync}.
     */
    CompletionStage<Void> watch(CompletionStage<Void> sync) {
        CompletableFuture<Void> out = new CompletableFuture<>();
        sync.whenComplete((v, e) -> {
            Throwable c = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
            if (c == null) {
                IOException r = refusal();
                if (r == null) {
                    out.complete(null);
                } else {
                    out.completeExceptionally(r);
                }
                return;
            }
            if (c instanceof SyncFailedException s) {
                record(s);
            }
            out.completeExceptionally(c);
        });
        return out;
    }
}
