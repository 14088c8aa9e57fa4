package org.jstgt.device.disk;

import java.nio.ByteBuffer;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;

import org.jstgt.api.store.BackingStore;
import org.jstgt.api.store.StoreCapability;
import org.jstgt.testkit.RecordingStore;

/** A {@link RecordingStore} whose writes go through {@code hook} first (to hold or inspect them). */
final class WriteHook implements BackingStore {
    /** Stands between the device's write and the store's. */
    @FunctionalInterface
    interface Hook {
        CompletionStage<Void> write(RecordingStore store, long offset, ByteBuffer src, boolean fua, Executor completion);
    }

    private final RecordingStore store;
    private final Hook hook;

    WriteHook(RecordingStore store, Hook hook) {
        this.store = store;
        this.hook = hook;
    }

    @Override
    public long size() {
        return store.size();
    }

    @Override
    public boolean readOnly() {
        return false;
    }

    @Override
    public Set<StoreCapability> capabilities() {
        return store.capabilities();
    }

    @Override
    public CompletionStage<Void> read(long offset, ByteBuffer dst, Executor completion) {
        return store.read(offset, dst, completion);
    }

    @Override
    public CompletionStage<Void> write(long offset, ByteBuffer src, boolean fua, Executor completion) {
        return hook.write(store, offset, src, fua, completion);
    }

    @Override
    public CompletionStage<Void> flush(Executor completion) {
        return store.flush(completion);
    }

    @Override
    public String describe() {
        return "write hook on " + store.describe();
    }

    @Override
    public void close() {
    }
}
