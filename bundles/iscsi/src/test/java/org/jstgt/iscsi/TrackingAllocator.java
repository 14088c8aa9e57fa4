package org.jstgt.iscsi;

import java.util.ArrayList;
import java.util.List;

import io.netty.buffer.AbstractByteBufAllocator;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.UnpooledByteBufAllocator;

/** Remembers every buffer the target allocates, so a test can assert that all were released. */
public final class TrackingAllocator extends AbstractByteBufAllocator {
    private final List<ByteBuf> buffers = new ArrayList<>();
    private int failFrom = Integer.MAX_VALUE;

    public TrackingAllocator() {
        super(true);
    }

    @Override
    protected synchronized ByteBuf newHeapBuffer(int initialCapacity, int maxCapacity) {
        ByteBuf b = UnpooledByteBufAllocator.DEFAULT.heapBuffer(initialCapacity, maxCapacity);
        buffers.add(b);
        return b;
    }

    /**
     * Direct buffers of {@code capacity} bytes or more fail from now on as Netty's pool fails when
     * direct memory is exhausted (an {@link OutOfMemoryError}); {@link Integer#MAX_VALUE} lifts it.
     *
     * @param capacity the smallest failing request
     */
    public synchronized void failFrom(int capacity) {
        failFrom = capacity;
    }

    @Override
    protected synchronized ByteBuf newDirectBuffer(int initialCapacity, int maxCapacity) {
        if (initialCapacity >= failFrom) {
            throw new OutOfMemoryError("failed to allocate " + initialCapacity + " byte(s) of direct memory (test limit)");
        }
        ByteBuf b = UnpooledByteBufAllocator.DEFAULT.directBuffer(initialCapacity, maxCapacity);
        buffers.add(b);
        return b;
    }

    @Override
    public boolean isDirectBufferPooled() {
        return false;
    }

    /** @return buffers still referenced */
    public synchronized List<ByteBuf> unreleased() {
        List<ByteBuf> l = new ArrayList<>();
        for (ByteBuf b : buffers) {
            if (b.refCnt() > 0) {
                l.add(b);
            }
        }
        return l;
    }

    /** @return how many buffers of at least {@code capacity} bytes were allocated */
    public synchronized long atLeast(int capacity) {
        return buffers.stream().filter(b -> b.capacity() >= capacity).count();
    }

    public synchronized int allocated() {
        return buffers.size();
    }
}
