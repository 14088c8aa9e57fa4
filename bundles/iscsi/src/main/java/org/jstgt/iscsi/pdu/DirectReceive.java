package org.jstgt.iscsi.pdu;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.ChannelConfig;
import io.netty.channel.MaxMessagesRecvByteBufAllocator;
import io.netty.channel.RecvByteBufAllocator;
import io.netty.util.UncheckedBooleanSupplier;

/**
 * The receive buffer policy of one connection: normally the delegate's (adaptive sizes), but
 * while the {@link PduDecoder} is in the middle of a large data segment whose destination is known,
 * the next socket read goes straight into that destination, so the kernel copies the data to where
 * the command needs it and Java copies nothing.
 *
 * <p>One instance per channel (it holds the channel's current destination); used only on the
 * channel's event loop. The read is bounded to the bytes still missing from the segment, so the
 * next PDU's header always lands in an ordinary buffer.
 */
public final class DirectReceive implements MaxMessagesRecvByteBufAllocator {

    /** A destination shorter than this is not worth a read of its own. */
    static final int MIN_DIRECT = 4096;

    private final MaxMessagesRecvByteBufAllocator delegate;
    private ByteBuf destination;
    private int length;
    private long directReads;
    private long directBytes;

    /** @param delegate the policy for ordinary reads (e.g. {@code AdaptiveRecvByteBufAllocator}) */
    public DirectReceive(MaxMessagesRecvByteBufAllocator delegate) {
        this.delegate = delegate;
    }

    /**
     * Directs the next read to {@code destination}'s bytes [writerIndex, writerIndex + length).
     *
     * @param destination the segment being assembled (not retained here)
     * @param length bytes still missing
     */
    void offer(ByteBuf destination, int length) {
        if (length < MIN_DIRECT) {
            clear();
            return;
        }
        this.destination = destination;
        this.length = length;
    }

    /** Back to ordinary reads. */
    void clear() {
        destination = null;
        length = 0;
    }

    /** @return socket reads that went straight into a command's buffer */
    public long directReads() {
        return directReads;
    }

    /** @return bytes those reads delivered (at most what was offered) */
    public long directBytes() {
        return directBytes;
    }

    /**
     * @param config a channel's configuration
     * @return its DirectReceive, or null when it uses another policy
     */
    static DirectReceive of(ChannelConfig config) {
        return config.getRecvByteBufAllocator() instanceof DirectReceive d ? d : null;
    }

    @Override
    public Handle newHandle() {
        return new DirectHandle((ExtendedHandle) delegate.newHandle());
    }

    @Override
    public int maxMessagesPerRead() {
        return delegate.maxMessagesPerRead();
    }

    @Override
    public MaxMessagesRecvByteBufAllocator maxMessagesPerRead(int maxMessagesPerRead) {
        delegate.maxMessagesPerRead(maxMessagesPerRead);
        return this;
    }

    private final class DirectHandle implements ExtendedHandle {
        private final ExtendedHandle handle;
        private boolean lastDirect;

        DirectHandle(ExtendedHandle handle) {
            this.handle = handle;
        }

        @Override
        public ByteBuf allocate(ByteBufAllocator alloc) {
            ByteBuf d = destination;
            if (d != null && d.refCnt() > 0 && d.writableBytes() >= length) {
                lastDirect = true;
                directReads++;
                return d.retainedSlice(d.writerIndex(), length).writerIndex(0);
            }
            lastDirect = false;
            return handle.allocate(alloc);
        }

        @Override
        public int guess() {
            return handle.guess();
        }

        @Override
        public void reset(ChannelConfig config) {
            handle.reset(config);
        }

        @Override
        public void incMessagesRead(int numMessages) {
            handle.incMessagesRead(numMessages);
        }

        @Override
        public void lastBytesRead(int bytes) {
            if (lastDirect && bytes > 0) {
                directBytes += bytes;
            }
            handle.lastBytesRead(bytes);
        }

        @Override
        public int lastBytesRead() {
            return handle.lastBytesRead();
        }

        @Override
        public void attemptedBytesRead(int bytes) {
            handle.attemptedBytesRead(bytes);
        }

        @Override
        public int attemptedBytesRead() {
            return handle.attemptedBytesRead();
        }

        @Override
        public boolean continueReading() {
            return handle.continueReading();
        }

        @Override
        public boolean continueReading(UncheckedBooleanSupplier maybeMoreDataSupplier) {
            return handle.continueReading(maybeMoreDataSupplier);
        }

        @Override
        public void readComplete() {
            handle.readComplete();
        }
    }
}
