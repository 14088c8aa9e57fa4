package org.jstgt.device.changer;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Runs a changer's mechanism operations one at a time, in submission order, whoever submits them
 * (the initiators' commands, the shell): each starts on the workers once the one before has
 * ended, however it ended. An operation may end later than it returns (a drive's load or unload).
 */
final class Serial {
    /** One operation. */
    @FunctionalInterface
    interface Operation<T> {
        CompletionStage<T> run() throws Exception;
    }

    private final Executor workers;
    private CompletableFuture<Void> tail = CompletableFuture.completedFuture(null);

    Serial(Executor workers) {
        this.workers = workers;
    }

    /** @return where operations run, and may continue after an asynchronous step */
    Executor workers() {
        return workers;
    }

    /**
     * @param op the operation
     * @return completes as the operation does (on whatever thread ends it)
     */
    synchronized <T> CompletableFuture<T> submit(Operation<T> op) {
        CompletableFuture<T> result = tail.thenComposeAsync(v -> {
            try {
                return op.run();
            } catch (Exception e) {
                return CompletableFuture.failedFuture(e);
            }
        }, workers);
        tail = result.handle((r, e) -> null);
        return result;
    }

    /**
     * Waits, bounded, for the operations submitted so far.
     *
     * @param millis the bound
     * @return true when they all ended
     */
    boolean drain(long millis) {
        CompletableFuture<Void> t;
        synchronized (this) {
            t = tail;
        }
        try {
            t.get(millis, TimeUnit.MILLISECONDS);
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } catch (ExecutionException | TimeoutException e) {
            return false;
        }
    }
}
