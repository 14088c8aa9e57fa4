package org.jstgt.iscsi;

import java.util.ArrayList;
import java.util.List;

import io.netty.buffer.AbstractByteBufAllocator;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.UnpooledByteBufAllocator;

/** Remembers every buffer the target allocates, so a test can assert that all were released. */
public final class TrackingAllocator extends AbstractByteBufAllocator {
    private final List<ByteBuf> buffers = new ArrayList<>();

    public TrackingAllocator() {
        super(true);
    }

    @Override
    protected synchronized ByteBuf newHeapBuffer(int initialCapacity, int maxCapacity) {
        ByteBuf b = UnpooledByteBufAllocator.DEFAULT.heapBuffer(initialCapacity, maxCapacity);
        buffers.add(b);
        return b;
    }

    @Override
    protected synchronized ByteBuf newDirectBuffer(int initialCapacity, int maxCapacity) {
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
