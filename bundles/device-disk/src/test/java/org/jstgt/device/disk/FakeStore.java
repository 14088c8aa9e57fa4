package org.jstgt.device.disk;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import org.jstgt.api.store.BackingStore;
import org.jstgt.api.store.StoreCapability;

/** A sparse in-memory store (4 KiB pages) that records what it is asked and can fail. */
final class FakeStore implements BackingStore {
    record Call(String op, long offset, int length, boolean fua) {
    }

    final long size;
    final Set<StoreCapability> caps;
    boolean readOnly;
    boolean blocks;
    IOException failWith;
    CompletableFuture<Void> pendingFlush;
    final List<Call> calls = new ArrayList<>();
    final List<String> threads = new ArrayList<>();
    private final Map<Long, byte[]> pages = new HashMap<>();

    FakeStore(long size, StoreCapability... caps) {
        this.size = size;
        this.caps = caps.length == 0 ? EnumSet.noneOf(StoreCapability.class) : EnumSet.of(caps[0], caps);
    }

    @Override
    public long size() {
        return size;
    }

    @Override
    public boolean readOnly() {
        return readOnly;
    }

    @Override
    public Set<StoreCapability> capabilities() {
        return caps;
    }

    @Override
    public boolean blocks() {
        return blocks;
    }

    @Override
    public synchronized CompletionStage<Void> read(long offset, ByteBuffer dst) {
        calls.add(new Call("read", offset, dst.remaining(), false));
        threads.add(Thread.currentThread().getName());
        if (offset < 0 || offset + dst.remaining() > size) {
            throw new IllegalArgumentException("read beyond the store");
        }
        if (failWith != null) {
            return CompletableFuture.failedFuture(failWith);
        }
        long o = offset;
        while (dst.hasRemaining()) {
            byte[] page = pages.get(o >>> 12);
            dst.put(page == null ? 0 : page[(int) (o & 4095)]);
            o++;
        }
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public synchronized CompletionStage<Void> write(long offset, ByteBuffer src, boolean fua) {
        calls.add(new Call("write", offset, src.remaining(), fua));
        threads.add(Thread.currentThread().getName());
        if (offset < 0 || offset + src.remaining() > size) {
            throw new IllegalArgumentException("write beyond the store");
        }
        if (failWith != null) {
            return CompletableFuture.failedFuture(failWith);
        }
        long o = offset;
        while (src.hasRemaining()) {
            pages.computeIfAbsent(o >>> 12, k -> new byte[4096])[(int) (o & 4095)] = src.get();
            o++;
        }
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public synchronized CompletionStage<Void> flush() {
        calls.add(new Call("flush", 0, 0, false));
        if (failWith != null) {
            return CompletableFuture.failedFuture(failWith);
        }
        return pendingFlush != null ? pendingFlush : CompletableFuture.completedFuture(null);
    }

    @Override
    public synchronized CompletionStage<Void> unmap(long offset, long length) {
        calls.add(new Call("unmap", offset, (int) Math.min(length, Integer.MAX_VALUE), false));
        if (!caps.contains(StoreCapability.UNMAP)) {
            return BackingStore.super.unmap(offset, length);
        }
        for (long o = offset; o < offset + length; o++) {
            byte[] page = pages.get(o >>> 12);
            if (page != null) {
                page[(int) (o & 4095)] = 0;
            }
        }
        return CompletableFuture.completedFuture(null);
    }

    synchronized byte get(long offset) {
        byte[] page = pages.get(offset >>> 12);
        return page == null ? 0 : page[(int) (offset & 4095)];
    }

    synchronized List<String> ops() {
        return calls.stream().map(Call::op).toList();
    }

    @Override
    public String describe() {
        return "fake";
    }

    @Override
    public void close() {
    }
}
