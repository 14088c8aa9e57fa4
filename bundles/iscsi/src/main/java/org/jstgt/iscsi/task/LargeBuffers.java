package org.jstgt.iscsi.task;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.util.concurrent.FastThreadLocal;
import io.netty.util.concurrent.FastThreadLocalThread;
import io.netty.util.internal.PlatformDependent;

import org.jstgt.iscsi.flow.ByteBudget;

/**
 * Reuses the large direct buffers of big transfers (Data-In and Data-Out of 64 KiB to 16 MiB) on
 * each I/O thread.
 *
 * <p>Netty's pooled allocator destroys a chunk (4 MiB) as soon as its last buffer is freed, so a
 * steady stream of 1 MiB transfers kept allocating fresh chunks, which the JDK zeroes and the
 * kernel faults in: 3-11% of the target's CPU in profiles of 1 MiB reads and writes. Here each
 * event-loop thread keeps up to {@link #BUDGET} bytes of buffers ({@link #PER_CLASS} at most per
 * power-of-two class, so finding a free one is a short scan) and hands
 * out slices of them; a buffer is free again once the thread's own reference is the only one left
 * (every slice released, on whatever thread). Requests outside the classes, beyond the budget, or
 * from other threads go to the allocator as before. The buffers are released when the thread ends
 * (the transport shuts its event loops down when the bundle stops). All threads together keep at
 * most a quarter of the direct memory limit (-XX:MaxDirectMemorySize), so that on a machine with
 * many cores (two event loops per core) the caches cannot take the memory the sessions need.
 */
final class LargeBuffers {
    /** Smallest transfer served from the pool. */
    static final int MIN = 64 * 1024;
    /** Largest transfer served from the pool. */
    static final int MAX = 16 * 1024 * 1024;
    /** Bytes of buffers one I/O thread keeps at most. */
    static final long BUDGET = 32L * 1024 * 1024;
    /** Buffers one I/O thread keeps per size class at most (bounds the search for a free one). */
    static final int PER_CLASS = 32;

    /** Bytes of buffers all I/O threads together keep at most. */
    private static volatile ByteBudget total =
            new ByteBudget(Math.max(BUDGET, PlatformDependent.maxDirectMemory() / 4));

    private static final int MIN_SHIFT = Integer.numberOfTrailingZeros(MIN);
    private static final int MAX_SHIFT = Integer.numberOfTrailingZeros(MAX);

    private static final FastThreadLocal<LargeBuffers> LOCAL = new FastThreadLocal<>() {
        @Override
        protected LargeBuffers initialValue() {
            return new LargeBuffers();
        }

        @Override
        protected void onRemoval(LargeBuffers pool) {
            pool.releaseAll();
        }
    };

    private final List<List<ByteBuf>> classes = new ArrayList<>();
    private long held;

    private LargeBuffers() {
        for (int s = MIN_SHIFT; s <= MAX_SHIFT; s++) {
            classes.add(new ArrayList<>());
        }
    }

    /**
     * @param alloc the channel's allocator (for new buffers and for anything not pooled here)
     * @param length bytes wanted
     * @return a direct buffer of exactly {@code length} bytes capacity, readerIndex = writerIndex = 0
     */
    static ByteBuf directBuffer(ByteBufAllocator alloc, int length) {
        if (length < MIN || length > MAX || !(Thread.currentThread() instanceof FastThreadLocalThread)) {
            return alloc.directBuffer(length, length);
        }
        return LOCAL.get().take(alloc, length);
    }

    /**
     * For tests, while no thread keeps buffers: changes what all threads together keep at most.
     *
     * @param bytes the new total
     * @return the total before
     */
    static long totalBudget(long bytes) {
        long before = total.max();
        total = new ByteBudget(bytes);
        return before;
    }

    /** @return bytes all threads' pools hold (for tests) */
    static long heldByAllThreads() {
        return total.used();
    }

    /** @return bytes this thread's pool holds (for tests) */
    static long heldByThisThread() {
        return LOCAL.isSet() ? LOCAL.get().held : 0;
    }

    private ByteBuf take(ByteBufAllocator alloc, int length) {
        int shift = 32 - Integer.numberOfLeadingZeros(length - 1);
        List<ByteBuf> list = classes.get(shift - MIN_SHIFT);
        for (Iterator<ByteBuf> it = list.iterator(); it.hasNext();) {
            ByteBuf b = it.next();
            int refs = b.refCnt();
            if (refs == 1) {
                // Only this thread creates references, so a count of 1 cannot rise behind our back.
                return b.retainedSlice(0, length).clear();
            }
            if (refs == 0) {
                // Released once too often elsewhere: forget it rather than hand out freed memory.
                it.remove();
                held -= b.capacity();
                total.give(b.capacity());
            }
        }
        int size = 1 << shift;
        if (held + size > BUDGET || list.size() >= PER_CLASS || !total.tryTake(size)) {
            return alloc.directBuffer(length, length);
        }
        ByteBuf b;
        try {
            b = alloc.directBuffer(size, size);
        } catch (OutOfMemoryError e) {
            total.give(size);
            throw e;
        }
        list.add(b);
        held += size;
        return b.retainedSlice(0, length).clear();
    }

    private void releaseAll() {
        for (List<ByteBuf> list : classes) {
            for (ByteBuf b : list) {
                if (b.refCnt() > 0) {
                    b.release();
                }
            }
            list.clear();
        }
        total.give(held);
        held = 0;
    }
}
