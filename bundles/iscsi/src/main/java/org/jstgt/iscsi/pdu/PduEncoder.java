package org.jstgt.iscsi.pdu;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;

/**
 * Writes PDUs with optional digests. The data segment is passed on as is (for Data-In a retained
 * slice of the device's buffer), never copied. Flushing is the writer's business: handlers write
 * a burst and flush once.
 */
public final class PduEncoder extends ChannelOutboundHandlerAdapter {
    private final boolean headerDigest;
    private final boolean dataDigest;

    /**
     * @param headerDigest add CRC32C header digests
     * @param dataDigest add CRC32C data digests
     */
    public PduEncoder(boolean headerDigest, boolean dataDigest) {
        this.headerDigest = headerDigest;
        this.dataDigest = dataDigest;
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        if (msg instanceof Pdu pdu) {
            ctx.write(PduCodec.encode(pdu, ctx.alloc(), headerDigest, dataDigest), promise);
        } else {
            ctx.write(msg, promise);
        }
    }
}
