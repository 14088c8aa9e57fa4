package org.jstgt.scsi.spc;

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
import org.jstgt.api.store.NoSpaceException;
import org.jstgt.api.store.StoreExtent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A device's calls to one {@link BackingStore}, with the store's failures turned into sense. Used
 * by every device that keeps its data in a store (disk, the image behind a DVD, a tape cartridge).
 *
 * <ul>
 * <li>A store that says it {@linkplain BackingStore#blocks() blocks} is called from the device's
 * worker pool, never from the caller's thread (the fabric's event loop); a pool that refuses the
 * call (the device bundle is stopping) is NOT READY, LOGICAL UNIT NOT READY, CAUSE NOT REPORTABLE
 * (SPC-4 §4.5.6, 04h/00h).</li>
 * <li>A media error ({@link IOException}) is MEDIUM ERROR with UNRECOVERED READ ERROR (11h/00h) for
 * a read and WRITE ERROR (0Ch/00h) for a write, flush, unmap or zeroing (SBC-4 §4.18.1), logged
 * once with the LUN, the operation, its offset and length and the store.</li>
 * <li>A write, unmap or zeroing that the store has no space for ({@link NoSpaceException}: its file
 * system or quota is full) is DATA PROTECT, SPACE ALLOCATION FAILED WRITE PROTECT (27h/07h, SBC-4
 * §4.7.3), not a media error: initiators then report the LUN out of space (ESXi pauses the virtual
 * machine, Linux returns ENOSPC), and the write may be retried once space is freed.</li>
 * <li>Any other failure passes through unchanged (the core reports it as HARDWARE ERROR).</li>
 * </ul>
 * Immutable; safe for concurrent use.
 */
public final class StoreCalls {
    private static final Logger LOG = LoggerFactory.getLogger(StoreCalls.class);

    private final BackingStore store;
    private final Executor workers;
    private final String lun;

    /**
     * @param store the store
     * @param workers where calls to a blocking store run (unused for a store that does not block)
     * @param lun LUN name for the log
     */
    public StoreCalls(BackingStore store, Executor workers, String lun) {
        this.store = store;
        this.workers = store.blocks() ? workers : null;
        this.lun = lun;
    }

    /** @return the store */
    public BackingStore store() {
        return store;
    }

    /** {@link BackingStore#read}; an {@link IOException} is UNRECOVERED READ ERROR. */
    public CompletionStage<Void> read(long offset, ByteBuffer dst, Executor completion) {
        return media(call(() -> store.read(offset, dst, completion), completion), SenseReason.UNRECOVERED_READ_ERROR,
                false, "read", offset, dst.remaining());
    }

    /**
     * {@link BackingStore#view}: a live view of the medium, or null when the store has none for the
     * range, or blocks (it is asked on the caller's thread): the caller reads instead.
     */
    public ByteBuffer view(long offset, int length) {
        return workers != null ? null : store.view(offset, length);
    }

    /** {@link BackingStore#write}; an {@link IOException} is WRITE ERROR. */
    public CompletionStage<Void> write(long offset, ByteBuffer src, boolean fua, Executor completion) {
        return media(call(() -> store.write(offset, src, fua, completion), completion), SenseReason.WRITE_ERROR, true,
                "write", offset, src.remaining());
    }

    /** {@link BackingStore#unmap}; an {@link IOException} is WRITE ERROR. */
    public CompletionStage<Void> unmap(long offset, long length, Executor completion) {
        return media(call(() -> store.unmap(offset, length, completion), completion), SenseReason.WRITE_ERROR, true,
                "unmap", offset, length);
    }

    /**
     * {@link BackingStore#zero}; an {@link IOException} is WRITE ERROR, and an {@link
     * UnsupportedOperationException} passes through for the caller to write zeros instead.
     */
    public CompletionStage<Void> zero(long offset, long length, Executor completion) {
        return media(call(() -> store.zero(offset, length, completion), completion), SenseReason.WRITE_ERROR, true,
                "zeroing", offset, length);
    }

    /** {@link BackingStore#extent}; an {@link IOException} is UNRECOVERED READ ERROR. */
    public CompletionStage<StoreExtent> extent(long offset, Executor completion) {
        return media(call(() -> store.extent(offset, completion), completion), SenseReason.UNRECOVERED_READ_ERROR,
                false, "extent query", offset, 0);
    }

    /** {@link BackingStore#flush}; an {@link IOException} is WRITE ERROR. */
    public CompletionStage<Void> flush(Executor completion) {
        return media(call(() -> store.flush(completion), completion), SenseReason.WRITE_ERROR, false, "flush", 0, 0);
    }

    /**
     * Calls the store: inline when it does not block, else on the workers; a blocking store's
     * stage then completes on the caller's {@code completion} too (the store contract), even when
     * it was already complete on the worker.
     */
    private <T> CompletionStage<T> call(Supplier<CompletionStage<T>> op, Executor completion) {
        if (workers == null) {
            try {
                return op.get();
            } catch (RuntimeException e) {
                return CompletableFuture.failedFuture(e);
            }
        }
        try {
            return CompletableFuture.supplyAsync(op, workers).thenCompose(s -> s).whenCompleteAsync((v, e) -> {
            }, completion);
        } catch (RejectedExecutionException e) {
            // the device bundle is stopping
            return CompletableFuture.failedFuture(
                    new ScsiException(SenseReason.LOGICAL_UNIT_NOT_READY_CAUSE_NOT_REPORTABLE, "device stopping"));
        }
    }

    /**
     * @param allocates the call may need new space (a write, unmap or zeroing): running out of it is
     *     SPACE ALLOCATION FAILED WRITE PROTECT rather than {@code reason}
     */
    private <T> CompletionStage<T> media(CompletionStage<T> s, SenseReason reason, boolean allocates, String what,
            long offset, long length) {
        return s.exceptionallyCompose(err -> {
            Throwable c = unwrap(err);
            if (c instanceof NoSpaceException full && allocates) {
                LOG.error("LUN {}: {} of {} bytes at offset {} on {}: no space left ({}); initiators get SPACE "
                        + "ALLOCATION FAILED WRITE PROTECT until space is freed", lun, what, length, offset,
                        store.describe(), full.getMessage());
                return CompletableFuture.failedFuture(
                        new ScsiException(SenseReason.SPACE_ALLOCATION_FAILED_WRITE_PROTECT, full.toString()));
            }
            if (c instanceof IOException io) {
                LOG.error("LUN {}: {} of {} bytes at offset {} on {} failed: {}", lun, what, length, offset,
                        store.describe(), io.toString());
                return CompletableFuture.failedFuture(new ScsiException(reason, io.toString()));
            }
            return CompletableFuture.failedFuture(c);
        });
    }

    /**
     * @param t a failure as a completion stage reports it
     * @return the cause inside any {@link CompletionException} or {@link ExecutionException} wrappers
     */
    public static Throwable unwrap(Throwable t) {
        Throwable c = t;
        while ((c instanceof CompletionException || c instanceof ExecutionException) && c.getCause() != null) {
            c = c.getCause();
        }
        return c;
    }
}
