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
 * next PDU's header always lands in an ordinary buffer. After a large segment, when nothing else
 * is buffered, the next read is bounded to one header as well: large transfers come in runs, and
 * this keeps the following segment out of an ordinary read, so that it too goes straight in.
 */
public final class DirectReceive implements MaxMessagesRecvByteBufAllocator {

    /** A destination shorter than this is not worth a read of its own. */
    public static final int MIN_DIRECT = 4096;

    private final MaxMessagesRecvByteBufAllocator delegate;
    private ByteBuf destination;
    private int length;
    /** When positive, the next ordinary read is limited to this many bytes (a PDU header). */
    private int bounded;
    private long directReads;
    private long directBytes;

    /** @param delegate the policy for ordinary reads (e.g. {@code AdaptiveRecvByteBufAllocator}) */
    public DirectReceive(MaxMessagesRecvByteBufAllocator delegate) {
        this.delegate = delegate;
    }

    /**
     * Directs the next read to {@code destination}'s bytes [writerIndex, writerIndex + length); when
     * fewer than {@link #MIN_DIRECT} bytes are missing, bounds the next ordinary read to the rest of
     * the PDU instead ({@code length + trailer}), so that it does not take the next PDU's header.
     *
     * @param destination the segment being assembled (not retained here)
     * @param length bytes of the segment still missing
     * @param trailer padding and data digest bytes that follow the segment
     */
    void offer(ByteBuf destination, int length, int trailer) {
        if (length < MIN_DIRECT) {
            clear();
            bound(length + trailer);
            return;
        }
        this.destination = destination;
        this.length = length;
        bounded = 0;
    }

    /**
     * Limits the next ordinary read to {@code bytes}: the rest of a PDU header or trailer next to a
     * large segment, so that the segment itself is not swallowed by an ordinary read and copied.
     *
     * @param bytes bytes the decoder needs next; nothing happens when not positive
     */
    void bound(int bytes) {
        if (destination == null && bytes > 0) {
            bounded = bytes;
        }
    }

    /** Back to ordinary reads. */
    void clear() {
        destination = null;
        length = 0;
        bounded = 0;
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
            int limit = bounded;
            if (limit > 0) {
                bounded = 0;
                return alloc.directBuffer(limit, limit);
            }
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
