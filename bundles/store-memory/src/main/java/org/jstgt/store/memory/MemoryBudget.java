package org.jstgt.store.memory;

import java.util.concurrent.atomic.AtomicLong;

/**
 * The heap every memory LUN of the target may fill together. Its chunks live on the Java heap the
 * whole target shares (sessions, Karaf, the shell): a store allowed to fill it would leave the JVM
 * in back-to-back full collections, and an allocation elsewhere could then fail with
 * OutOfMemoryError and break something that has nothing to do with the LUN. So the stores take
 * their chunks from this budget, which leaves {@link #reserve} of the heap to the rest, and a write
 * that needs a chunk past it is out of space (SPACE ALLOCATION FAILED WRITE PROTECT) at once.
 * Thread-safe.
 */
class MemoryBudget { // not final: a test holds a writer inside tryTake
    /** The least heap left to the rest of the target. */
    static final long MIN_RESERVE = 256L << 20;
    /** The smallest G1 region, where arrays pack worst. */
    static final int REGION = 1 << 20;
    /**
     * Half the smallest G1 region: an array this large or larger is a humongous object, which
     * takes whole regions of its own; a chunk of exactly a region's size takes two.
     */
    static final int HUMONGOUS = REGION / 2;
    /** A byte array's header, rounded up (16 bytes on a 64-bit JVM). */
    static final int HEADER = 16;

    private final long limit;
    private final AtomicLong used = new AtomicLong();
    /** The sizes of the open stores, for the warning that they cannot all be filled. */
    private final AtomicLong promised = new AtomicLong();

    /** @param limit bytes the stores may hold together, at least 0 */
    MemoryBudget(long limit) {
        if (limit < 0) {
            throw new IllegalArgumentException("negative limit " + limit);
        }
        this.limit = limit;
    }

    /** @return a budget without a limit (tests, and a JVM without a heap limit) */
    static MemoryBudget unlimited() {
        return new MemoryBudget(Long.MAX_VALUE);
    }

    /**
     * @param maxHeap {@link Runtime#maxMemory()}
     * @return the budget of a heap of that size: all of it but {@link #reserve}
     */
    static MemoryBudget forHeap(long maxHeap) {
        return maxHeap == Long.MAX_VALUE ? unlimited() : new MemoryBudget(Math.max(0, maxHeap - reserve(maxHeap)));
    }

    /** @return what is left to the rest of the target: a quarter of the heap, at least {@link #MIN_RESERVE} */
    static long reserve(long maxHeap) {
        return Math.max(MIN_RESERVE, maxHeap / 4);
    }

    /**
     * @param length an array's length in bytes
     * @return the heap it is charged, as it packs in regions of 1 MiB (larger regions pack better):
     *     from {@link #HUMONGOUS} on twice its length (a humongous array of n bytes and its header
     *     fill 2n bytes of regions at worst); below, its share of a region holding as many as fit
     *     (three chunks of 256 KiB fill a region, 1.33 times what they hold; fifteen of 64 KiB, 1.07)
     */
    static long footprint(long length) {
        if (length >= HUMONGOUS) {
            return 2 * length;
        }
        long perRegion = REGION / (length + HEADER);
        return (REGION + perRegion - 1) / perRegion;
    }

    /**
     * @param bytes a chunk about to be allocated
     * @return true when it fits (it is then counted), false when the budget is used up
     */
    boolean tryTake(long bytes) {
        long u;
        do {
            u = used.get();
            if (bytes > limit - u) {
                return false;
            }
        } while (!used.compareAndSet(u, u + bytes));
        return true;
    }

    /** @param bytes a chunk freed, or one taken but not used */
    void give(long bytes) {
        used.addAndGet(-bytes);
    }

    /**
     * @param size an open store's size
     * @return the sizes of the open stores with it
     */
    long promise(long size) {
        return promised.addAndGet(size);
    }

    /** @param size a closed store's size */
    void forget(long size) {
        promised.addAndGet(-size);
    }

    long limit() {
        return limit;
    }

    long promised() {
        return promised.get();
    }

    long used() {
        return used.get();
    }
}
