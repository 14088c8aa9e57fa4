package org.jstgt.iscsi.task;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import io.netty.buffer.ByteBuf;
import io.netty.util.concurrent.DefaultThreadFactory;

import org.jstgt.iscsi.TrackingAllocator;
import org.jstgt.testkit.Await;
import org.junit.jupiter.api.Test;

class LargeBuffersTest {

    /** Runs {@code body} on a Netty-style thread (as event loops are) and waits for it and its exit. */
    private static void onIoThread(Runnable body) throws Exception {
        CompletableFuture<Void> done = new CompletableFuture<>();
        Thread t = new DefaultThreadFactory("large-buffers-test").newThread(() -> {
            try {
                body.run();
                done.complete(null);
            } catch (Throwable e) {
                done.completeExceptionally(e);
            }
        });
        t.start();
        done.get(30, TimeUnit.SECONDS);
        t.join(30_000);
    }

    @Test
    void buffersAreReusedOnceEverySliceIsReleasedAndFreedWhenTheThreadEnds() throws Exception {
        TrackingAllocator alloc = new TrackingAllocator();
        List<ByteBuf> fromOtherThread = new ArrayList<>();
        onIoThread(() -> {
            ByteBuf a = LargeBuffers.directBuffer(alloc, 1 << 20);
            assertEquals(1 << 20, a.capacity());
            assertEquals(0, a.writerIndex());
            long address = a.memoryAddress();
            ByteBuf held = a.retainedSlice(0, 4096);
            a.release();
            ByteBuf b = LargeBuffers.directBuffer(alloc, 1 << 20);
            assertNotEquals(address, b.memoryAddress(), "not reused while a slice of it is still out");
            held.release();
            ByteBuf c = LargeBuffers.directBuffer(alloc, 1000 * 1000);
            assertEquals(address, c.memoryAddress(), "reused once free, for any length of its class");
            assertEquals(1000 * 1000, c.capacity());
            assertEquals(2, alloc.allocated());
            // Released on another thread: still free for this one afterwards.
            fromOtherThread.add(b);
            c.release();
            assertEquals(2L << 20, LargeBuffers.heldByThisThread());
        });
        assertEquals(1, alloc.unreleased().size(), "the buffer still out keeps its memory after the thread ends");
        fromOtherThread.get(0).release();
        assertEquals(List.of(), alloc.unreleased(), "everything freed once the last slice goes");
    }

    @Test
    void allThreadsTogetherKeepAtMostTheTotalBudget() throws Exception {
        TrackingAllocator alloc = new TrackingAllocator();
        // event loops of earlier tests free their buffers as they end
        Await.until(Duration.ofSeconds(10), "the I/O threads of earlier tests to end",
                () -> LargeBuffers.heldByAllThreads() == 0);
        long before = LargeBuffers.totalBudget(2L << 20);
        CountDownLatch filled = new CountDownLatch(1);
        CountDownLatch done = new CountDownLatch(1);
        CompletableFuture<Void> first = CompletableFuture.runAsync(() -> {
            try {
                onIoThread(() -> {
                    LargeBuffers.directBuffer(alloc, 1 << 20).release();
                    ByteBuf held = LargeBuffers.directBuffer(alloc, 1 << 20);
                    LargeBuffers.directBuffer(alloc, 1 << 20).release();
                    held.release();
                    assertEquals(2L << 20, LargeBuffers.heldByThisThread());
                    filled.countDown();
                    try {
                        assertTrue(done.await(30, TimeUnit.SECONDS));
                    } catch (InterruptedException e) {
                        throw new AssertionError(e);
                    }
                });
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        });
        try {
            assertTrue(filled.await(30, TimeUnit.SECONDS));
            onIoThread(() -> {
                ByteBuf b = LargeBuffers.directBuffer(alloc, 1 << 20);
                assertEquals(0, LargeBuffers.heldByThisThread(), "the other thread keeps the whole total");
                b.release();
            });
            done.countDown();
            first.get(30, TimeUnit.SECONDS);
            onIoThread(() -> {
                LargeBuffers.directBuffer(alloc, 1 << 20).release();
                assertEquals(1L << 20, LargeBuffers.heldByThisThread(), "freed with the thread that kept it");
            });
        } finally {
            done.countDown();
            LargeBuffers.totalBudget(before);
        }
        assertEquals(List.of(), alloc.unreleased());
    }

    @Test
    void aSizeClassKeepsAtMostPerClassBuffers() throws Exception {
        TrackingAllocator alloc = new TrackingAllocator();
        onIoThread(() -> {
            List<ByteBuf> many = new ArrayList<>();
            for (int i = 0; i < LargeBuffers.PER_CLASS + 5; i++) {
                many.add(LargeBuffers.directBuffer(alloc, LargeBuffers.MIN));
            }
            assertEquals((long) LargeBuffers.PER_CLASS * LargeBuffers.MIN, LargeBuffers.heldByThisThread());
            many.forEach(ByteBuf::release);
        });
        assertEquals(List.of(), alloc.unreleased());
    }

    @Test
    void smallOversizeAndOverBudgetRequestsAndOtherThreadsGoToTheAllocator() throws Exception {
        TrackingAllocator alloc = new TrackingAllocator();
        onIoThread(() -> {
            ByteBuf small = LargeBuffers.directBuffer(alloc, LargeBuffers.MIN - 1);
            ByteBuf huge = LargeBuffers.directBuffer(alloc, LargeBuffers.MAX + 1);
            assertEquals(0, LargeBuffers.heldByThisThread());
            List<ByteBuf> out = new ArrayList<>();
            int n = (int) (LargeBuffers.BUDGET / LargeBuffers.MAX);
            for (int i = 0; i < n + 2; i++) {
                out.add(LargeBuffers.directBuffer(alloc, LargeBuffers.MAX));
            }
            assertEquals(LargeBuffers.BUDGET, LargeBuffers.heldByThisThread(), "never more than the budget");
            out.forEach(ByteBuf::release);

            small.release();
            huge.release();
        });
        assertEquals(List.of(), alloc.unreleased());
        ByteBuf plain = LargeBuffers.directBuffer(alloc, 1 << 20);
        assertTrue(alloc.unreleased().contains(plain), "a plain thread gets a plain buffer");
        plain.release();
    }
}
