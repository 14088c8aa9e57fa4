package org.jstgt.device.disk;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;

import org.jstgt.api.store.BackingStore;
import org.jstgt.api.store.StoreCapability;
import org.jstgt.api.store.StoreExtent;

/**
 * A small in-memory store for the guard's tests: reads and writes can be held until the test
 * releases them (or completed on another executor), each write is recorded, and a write or unmap
 * that starts while an overlapping one is still running is counted as a collision (what the
 * unit's range guard must prevent). Extents come from a list of holes the test sets.
 */
final class HeldStore implements BackingStore {
    private final byte[] bytes;
    private final Set<StoreCapability> caps;
    private final List<long[]> running = new ArrayList<>();
    private final List<String> log = new ArrayList<>();
    private final List<Runnable> held = new ArrayList<>();
    private final List<long[]> holes = new ArrayList<>();
    private boolean holdReads;
    private boolean holdWrites;
    private Executor later;
    private int collisions;
    private int maxRunning;
    private long maxExtent = Long.MAX_VALUE;

    HeldStore(int size, StoreCapability... caps) {
        this.bytes = new byte[size];
        this.caps = caps.length == 0 ? EnumSet.noneOf(StoreCapability.class) : EnumSet.of(caps[0], caps);
    }

    synchronized HeldStore holdReads(boolean hold) {
        holdReads = hold;
        return this;
    }

    synchronized HeldStore holdWrites(boolean hold) {
        holdWrites = hold;
        return this;
    }

    /** @param executor completes every write there, after the call returned */
    synchronized HeldStore completeOn(Executor executor) {
        later = executor;
        return this;
    }

    /** A hole (deallocated bytes) that {@link #extent} reports. */
    synchronized HeldStore hole(long offset, long length) {
        holes.add(new long[] {offset, offset + length});
        return this;
    }

    /** @param bytes the longest run {@link #extent} reports (a store may stop early) */
    synchronized HeldStore maxExtent(long bytes) {
        maxExtent = bytes;
        return this;
    }

    /** Runs every held call, oldest first. */
    void release() {
        List<Runnable> now;
        synchronized (this) {
            now = List.copyOf(held);
            held.clear();
        }
        now.forEach(Runnable::run);
    }

    synchronized int heldCount() {
        return held.size();
    }

    synchronized List<String> log() {
        return List.copyOf(log);
    }

    synchronized int collisions() {
        return collisions;
    }

    /** @return the most writes that ran at the same time */
    synchronized int maxRunning() {
        return maxRunning;
    }

    synchronized byte get(int offset) {
        return bytes[offset];
    }

    @Override
    public long size() {
        return bytes.length;
    }

    @Override
    public boolean readOnly() {
        return false;
    }

    @Override
    public Set<StoreCapability> capabilities() {
        return caps;
    }

    @Override
    public synchronized CompletionStage<Void> read(long offset, ByteBuffer dst, Executor completion) {
        log.add("read " + offset);
        CompletableFuture<Void> done = new CompletableFuture<>();
        Runnable r = () -> {
            synchronized (this) {
                dst.put(bytes, (int) offset, dst.remaining());
            }
            done.complete(null);
        };
        if (holdReads) {
            held.add(r);
        } else {
            r.run();
        }
        return done;
    }

    @Override
    public CompletionStage<Void> write(long offset, ByteBuffer src, boolean fua, Executor completion) {
        ByteBuffer data = src.duplicate();
        return change("write", offset, data.remaining(), () -> data.get(bytes, (int) offset, data.remaining()));
    }

    @Override
    public CompletionStage<Void> unmap(long offset, long length, Executor completion) {
        return change("unmap", offset, length, () -> java.util.Arrays.fill(bytes, (int) offset, (int) (offset + length),
                (byte) 0));
    }

    private synchronized CompletionStage<Void> change(String op, long offset, long length, Runnable apply) {
        long[] range = {offset, offset + length};
        for (long[] r : running) {
            if (r[0] < range[1] && range[0] < r[1]) {
                collisions++;
            }
        }
        running.add(range);
        maxRunning = Math.max(maxRunning, running.size());
        log.add(op + " " + offset);
        CompletableFuture<Void> done = new CompletableFuture<>();
        Runnable r = () -> {
            synchronized (this) {
                apply.run();
                running.remove(range);
            }
            done.complete(null);
        };
        if (holdWrites) {
            held.add(r);
        } else if (later != null) {
            later.execute(r);
        } else {
            r.run();
        }
        return done;
    }

    @Override
    public CompletionStage<Void> flush(Executor completion) {
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public synchronized CompletionStage<StoreExtent> extent(long offset, Executor completion) {
        log.add("extent " + offset);
        long next = bytes.length;
        StoreExtent found = null;
        for (long[] h : holes) {
            if (h[0] <= offset && offset < h[1]) {
                found = new StoreExtent(offset, Math.min(maxExtent, h[1] - offset), false);
            } else if (h[0] > offset) {
                next = Math.min(next, h[0]);
            }
        }
        StoreExtent e = found != null ? found : new StoreExtent(offset, Math.min(maxExtent, next - offset), true);
        return later == null ? CompletableFuture.completedFuture(e) : CompletableFuture.supplyAsync(() -> e, later);
    }

    @Override
    public String describe() {
        return "held";
    }

    @Override
    public void close() {
        // nothing to release
    }
}
