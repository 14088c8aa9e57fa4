package org.jstgt.store.file;

import java.nio.ByteBuffer;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicLong;

import org.jstgt.store.file.ring.RingFile;

/**
 * A store's ring path: the call goes to the open file's {@link RingFile}, counted in flight until
 * the ring reports it done. Each method returns null when the ring cannot take the call (the pool
 * path then does it).
 */
final class RingIo {
    private final RingFile ring;
    private final InFlight inFlight;
    private final AtomicLong forces;
    private final SyncFailure failure;
    private final AtomicLong ops = new AtomicLong();
    private final RingFile.Done done = this::finished;

    /**
     * @param forces counts the data syncs
     * @param failure the store's failed sync: a sync step that fails here is recorded
     */
    RingIo(RingFile ring, InFlight inFlight, AtomicLong forces, SyncFailure failure) {
        this.ring = ring;
        this.inFlight = inFlight;
        this.forces = forces;
        this.failure = failure;
    }

    CompletionStage<Void> read(long offset, ByteBuffer dst, Executor completion) {
        if (!inFlight.enter()) {
            return null;
        }
        CompletionStage<Void> s = ring.read(offset, dst, completion, done);
        return s != null ? s : notTaken();
    }

    CompletionStage<Void> write(long offset, ByteBuffer src, boolean fua, Executor completion) {
        if (!inFlight.enter()) {
            return null;
        }
        CompletionStage<Void> s = ring.write(offset, src, fua, completion, done);
        return s == null ? notTaken() : fua ? failure.watch(s) : s;
    }

    CompletionStage<Void> flush(Executor completion) {
        if (!inFlight.enter()) {
            return null;
        }
        CompletionStage<Void> s = ring.sync(completion, done);
        return s == null ? notTaken() : failure.watch(s);
    }

    CompletionStage<Void> unmap(long offset, long length, Executor completion) {
        if (!inFlight.enter()) {
            return null;
        }
        CompletionStage<Void> s = ring.punch(offset, length, completion, done);
        return s != null ? s : notTaken();
    }

    CompletionStage<Void> zero(long offset, long length, Executor completion) {
        if (!inFlight.enter()) {
            return null;
        }
        CompletionStage<Void> s = ring.zero(offset, length, completion, done);
        return s != null ? s : notTaken();
    }

    /** @return how many operations went through the ring */
    long ops() {
        return ops.get();
    }

    private CompletionStage<Void> notTaken() {
        inFlight.exit();
        return null;
    }

    private void finished(boolean forced) {
        ops.incrementAndGet();
        if (forced) {
            forces.incrementAndGet();
        }
        inFlight.exit();
    }
}
