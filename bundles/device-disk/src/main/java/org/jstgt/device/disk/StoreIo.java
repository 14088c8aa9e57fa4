package org.jstgt.device.disk;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Supplier;

import org.jstgt.api.scsi.ScsiException;
import org.jstgt.api.scsi.SenseReason;
import org.jstgt.api.store.BackingStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Calls a store without blocking the caller: stores that say they block run on the provider's
 * worker pool. Media errors ({@link IOException}) become MEDIUM ERROR sense and are logged.
 */
final class StoreIo {
    private static final Logger LOG = LoggerFactory.getLogger(StoreIo.class);

    private final BackingStore store;
    private final Executor workers;
    private final String lun;

    /**
     * @param store the store
     * @param workers where calls to a blocking store run
     * @param lun LUN name for the log
     */
    StoreIo(BackingStore store, Executor workers, String lun) {
        this.store = store;
        this.workers = store.blocks() ? workers : null;
        this.lun = lun;
    }

    CompletionStage<Void> read(long offset, ByteBuffer dst, Executor completion) {
        return media(call(() -> store.read(offset, dst, completion)), SenseReason.UNRECOVERED_READ_ERROR, "read", offset,
                dst.remaining());
    }

    CompletionStage<Void> write(long offset, ByteBuffer src, boolean fua, Executor completion) {
        return media(call(() -> store.write(offset, src, fua, completion)), SenseReason.WRITE_ERROR, "write", offset,
                src.remaining());
    }

    CompletionStage<Void> unmap(long offset, long length, Executor completion) {
        return media(call(() -> store.unmap(offset, length, completion)), SenseReason.WRITE_ERROR, "unmap", offset, length);
    }

    CompletionStage<Void> flush(Executor completion) {
        return media(call(() -> store.flush(completion)), SenseReason.WRITE_ERROR, "flush", 0, 0);
    }

    private CompletionStage<Void> call(Supplier<CompletionStage<Void>> op) {
        if (workers == null) {
            try {
                return op.get();
            } catch (RuntimeException e) {
                return CompletableFuture.failedFuture(e);
            }
        }
        try {
            return CompletableFuture.supplyAsync(op, workers).thenCompose(s -> s);
        } catch (RejectedExecutionException e) {
            // the provider is shutting down
            return CompletableFuture.failedFuture(
                    new ScsiException(SenseReason.LOGICAL_UNIT_NOT_READY_CAUSE_NOT_REPORTABLE, "device stopping"));
        }
    }

    /** SBC-4 §4.18.1: an unrecoverable medium failure is MEDIUM ERROR with the read or write ASC. */
    private CompletionStage<Void> media(CompletionStage<Void> s, SenseReason reason, String what, long offset,
            long length) {
        return s.handle((v, err) -> {
            if (err == null) {
                return CompletableFuture.<Void>completedFuture(null);
            }
            Throwable c = unwrap(err);
            if (c instanceof IOException io) {
                LOG.error("LUN {}: {} of {} bytes at offset {} on {} failed: {}", lun, what, length, offset,
                        store.describe(), io.toString());
                return CompletableFuture.<Void>failedFuture(new ScsiException(reason, io.toString()));
            }
            return CompletableFuture.<Void>failedFuture(c);
        }).thenCompose(f -> f);
    }

    static Throwable unwrap(Throwable t) {
        Throwable c = t;
        while ((c instanceof CompletionException || c instanceof ExecutionException) && c.getCause() != null) {
            c = c.getCause();
        }
        return c;
    }
}
