package org.jstgt.scsi.core;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

import org.jstgt.api.scsi.DeviceProvider;
import org.jstgt.api.scsi.LogicalUnit;
import org.jstgt.api.store.BackingStore;
import org.jstgt.api.store.BackingStoreProvider;
import org.jstgt.scsi.config.LunConfig;

/**
 * One incarnation of a LUN: the unit a device provider built on a store a store provider opened.
 * Counts the commands running on it so that it is closed only when they are done.
 */
final class UnitHandle {
    final LunConfig config;
    final LogicalUnit unit;
    /** Null when the LUN names no store. */
    final BackingStore store;
    final DeviceProvider deviceProvider;
    final BackingStoreProvider storeProvider;
    private final AtomicInteger inFlight = new AtomicInteger();
    private final CompletableFuture<Void> drained = new CompletableFuture<>();
    private volatile boolean closing;

    UnitHandle(LunConfig config, LogicalUnit unit, BackingStore store, DeviceProvider deviceProvider,
            BackingStoreProvider storeProvider) {
        this.config = config;
        this.unit = unit;
        this.store = store;
        this.deviceProvider = deviceProvider;
        this.storeProvider = storeProvider;
    }

    /** @return true when admitted (pair with {@link #release()}); false once closing began */
    boolean tryAcquire() {
        inFlight.incrementAndGet();
        if (closing) {
            release();
            return false;
        }
        return true;
    }

    void release() {
        if (inFlight.decrementAndGet() == 0 && closing) {
            drained.complete(null);
        }
    }

    /** @return completes when no admitted command remains; no new one is admitted */
    CompletableFuture<Void> beginClose() {
        closing = true;
        if (inFlight.get() == 0) {
            drained.complete(null);
        }
        return drained;
    }

    int inFlight() {
        return inFlight.get();
    }

    long capacity() {
        try {
            return unit.capacityBytes();
        } catch (RuntimeException e) {
            return store == null ? 0 : store.size();
        }
    }
}
