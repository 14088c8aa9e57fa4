package org.jstgt.testkit;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;

import org.jstgt.api.store.BackingStore;
import org.jstgt.api.store.StoreCapability;

/**
 * An in-memory {@link BackingStore} for device tests: sparse (4 KiB pages, so a test can model a
 * store of terabytes), recording every call with its thread, and able to fail or hold back work.
 *
 * <p>Read and write complete inline. A call whose range leaves the store throws
 * {@link IllegalArgumentException}: the {@code BackingStore} contract puts range checks on the
 * caller, so a device that gets there has a bug the test should see. After {@link #close()} every
 * call fails with an {@link IOException}, as a store whose file was closed under it would.
 */
public final class RecordingStore implements BackingStore {

    /**
     * One call to the store.
     *
     * @param op {@code read}, {@code write}, {@code flush}, {@code unmap} or {@code zero}
     * @param offset byte offset (0 for flush)
     * @param length byte count (0 for flush; unmap and zero lengths are capped at {@code
     *     Integer.MAX_VALUE})
     * @param fua the write's force unit access flag (false for other calls)
     */
    public record Call(String op, long offset, int length, boolean fua) {
    }

    private static final int PAGE_SHIFT = 12;
    private static final int PAGE_SIZE = 1 << PAGE_SHIFT;

    private final long size;
    private final Set<StoreCapability> capabilities;
    private final List<Call> calls = new ArrayList<>();
    private final List<String> threads = new ArrayList<>();
    private final Map<Long, byte[]> pages = new HashMap<>();
    private volatile boolean readOnly;
    private volatile boolean blocks;
    private volatile boolean views;
    private volatile boolean refuseZero;
    private IOException failWith;
    private CompletableFuture<Void> pendingFlush;
    private boolean closed;

    /**
     * @param size size in bytes, not negative
     * @param capabilities what the store declares beyond read and write; {@link StoreCapability#UNMAP}
     *     also makes {@link #unmap(long, long)} work
     */
    public RecordingStore(long size, StoreCapability... capabilities) {
        if (size < 0) {
            throw new IllegalArgumentException("negative size " + size);
        }
        this.size = size;
        this.capabilities = capabilities.length == 0 ? EnumSet.noneOf(StoreCapability.class)
                : EnumSet.of(capabilities[0], capabilities);
    }

    /**
     * @param readOnly what {@link #readOnly()} reports (the store itself still accepts writes, so a
     *     test sees whether the device honours the flag)
     * @return this store
     */
    public RecordingStore readOnly(boolean readOnly) {
        this.readOnly = readOnly;
        return this;
    }

    /**
     * @param blocks what {@link #blocks()} reports
     * @return this store
     */
    public RecordingStore blocking(boolean blocks) {
        this.blocks = blocks;
        return this;
    }

    /**
     * @param failure when not null, read, write and flush complete exceptionally with it (after being
     *     recorded); null to succeed again
     * @return this store
     */
    public synchronized RecordingStore failWith(IOException failure) {
        this.failWith = failure;
        return this;
    }

    /**
     * @param pending when not null, flush returns this stage, which the test completes; null to
     *     complete flushes at once
     * @return this store
     */
    public synchronized RecordingStore holdFlushes(CompletableFuture<Void> pending) {
        this.pendingFlush = pending;
        return this;
    }

    /** @return a copy of the calls so far, oldest first */
    public synchronized List<Call> calls() {
        return List.copyOf(calls);
    }

    /** @return the operation names of {@link #calls()} */
    public synchronized List<String> ops() {
        return calls.stream().map(Call::op).toList();
    }

    /** @return the names of the threads that called read and write, oldest first */
    public synchronized List<String> threads() {
        return List.copyOf(threads);
    }

    /**
     * @param offset byte offset
     * @return the byte stored there (0 when never written)
     */
    public synchronized byte get(long offset) {
        byte[] page = pages.get(offset >>> PAGE_SHIFT);
        return page == null ? 0 : page[(int) (offset & (PAGE_SIZE - 1))];
    }

    /** @return true once {@link #close()} was called */
    public synchronized boolean isClosed() {
        return closed;
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
        return capabilities;
    }

    @Override
    public boolean blocks() {
        return blocks;
    }

    /**
     * @param on when true, {@link #view} answers (with a copy, recorded as a {@code view} call)
     * @return this
     */
    public RecordingStore views(boolean on) {
        views = on;
        return this;
    }

    /**
     * When {@link #views(boolean)} is on: a read-only buffer of the bytes as they are now, recorded
     * as a {@code view} call. A copy, not live as a real store's view: a test checks which path the
     * device takes, not the store's. Else null, as the default.
     */
    @Override
    public synchronized ByteBuffer view(long offset, int length) {
        if (!views) {
            return null;
        }
        calls.add(new Call("view", offset, length, false));
        threads.add(Thread.currentThread().getName());
        checkRange("view", offset, length);
        byte[] b = new byte[length];
        for (int i = 0; i < length; i++) {
            b[i] = get(offset + i);
        }
        return ByteBuffer.wrap(b).asReadOnlyBuffer();
    }

    @Override
    public synchronized CompletionStage<Void> read(long offset, ByteBuffer dst, Executor completion) {
        calls.add(new Call("read", offset, dst.remaining(), false));
        threads.add(Thread.currentThread().getName());
        checkRange("read", offset, dst.remaining());
        CompletableFuture<Void> failed = failure();
        if (failed != null) {
            return failed;
        }
        long o = offset;
        while (dst.hasRemaining()) {
            dst.put(get(o++));
        }
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public synchronized CompletionStage<Void> write(long offset, ByteBuffer src, boolean fua, Executor completion) {
        calls.add(new Call("write", offset, src.remaining(), fua));
        threads.add(Thread.currentThread().getName());
        checkRange("write", offset, src.remaining());
        CompletableFuture<Void> failed = failure();
        if (failed != null) {
            return failed;
        }
        long o = offset;
        while (src.hasRemaining()) {
            pages.computeIfAbsent(o >>> PAGE_SHIFT, k -> new byte[PAGE_SIZE])[(int) (o & (PAGE_SIZE - 1))] = src.get();
            o++;
        }
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public synchronized CompletionStage<Void> flush(Executor completion) {
        calls.add(new Call("flush", 0, 0, false));
        CompletableFuture<Void> failed = failure();
        if (failed != null) {
            return failed;
        }
        // a held flush completes later: on the caller's executor, as the store contract says
        return pendingFlush != null ? pendingFlush.thenApplyAsync(v -> v, completion)
                : CompletableFuture.completedFuture(null);
    }

    @Override
    public synchronized CompletionStage<Void> unmap(long offset, long length, Executor completion) {
        calls.add(new Call("unmap", offset, (int) Math.min(length, Integer.MAX_VALUE), false));
        if (!capabilities.contains(StoreCapability.UNMAP)) {
            return BackingStore.super.unmap(offset, length, completion);
        }
        checkRange("unmap", offset, length);
        CompletableFuture<Void> failed = failure();
        if (failed != null) {
            return failed;
        }
        clear(offset, length);
        return CompletableFuture.completedFuture(null);
    }

    /**
     * @param refuse make {@link #zero} fail with {@link UnsupportedOperationException} even with
     *     {@link StoreCapability#ZERO}, as a store whose file turns out unable to zero
     * @return this store
     */
    public RecordingStore refuseZero(boolean refuse) {
        this.refuseZero = refuse;
        return this;
    }

    /**
     * Records the call; with {@link StoreCapability#ZERO} sets the range to zeros (or fails as
     * {@link #failWith} or {@link #refuseZero} say), else fails as the {@link BackingStore} default
     * does.
     */
    @Override
    public synchronized CompletionStage<Void> zero(long offset, long length, Executor completion) {
        calls.add(new Call("zero", offset, (int) Math.min(length, Integer.MAX_VALUE), false));
        if (!capabilities.contains(StoreCapability.ZERO)) {
            return BackingStore.super.zero(offset, length, completion);
        }
        checkRange("zero", offset, length);
        if (refuseZero) {
            return CompletableFuture.failedFuture(new UnsupportedOperationException("zeroing refused"));
        }
        CompletableFuture<Void> failed = failure();
        if (failed == null) {
            clear(offset, length);
        }
        return failed != null ? failed : CompletableFuture.completedFuture(null);
    }

    /** Sets {@code length} bytes at {@code offset} to zero, a page at a time. */
    private void clear(long offset, long length) {
        long end = offset + length;
        for (long o = offset; o < end; o = (o | (PAGE_SIZE - 1)) + 1) {
            byte[] page = pages.get(o >>> PAGE_SHIFT);
            if (page != null) {
                int from = (int) (o & (PAGE_SIZE - 1));
                Arrays.fill(page, from, (int) Math.min(PAGE_SIZE, from + end - o), (byte) 0);
            }
        }
    }

    @Override
    public String describe() {
        return "recording";
    }

    @Override
    public synchronized void close() {
        closed = true;
    }

    private void checkRange(String op, long offset, long length) {
        if (offset < 0 || length < 0 || offset + length > size) {
            throw new IllegalArgumentException(op + " of " + length + " bytes at " + offset
                    + " leaves the store of " + size + " bytes");
        }
    }

    private CompletableFuture<Void> failure() {
        if (closed) {
            return CompletableFuture.failedFuture(new IOException("closed"));
        }
        return failWith != null ? CompletableFuture.failedFuture(failWith) : null;
    }
}
