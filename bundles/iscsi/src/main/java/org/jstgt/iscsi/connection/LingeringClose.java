package org.jstgt.iscsi.connection;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.DuplexChannel;
import io.netty.util.ReferenceCountUtil;

/**
 * Closes a connection without a reset (every connection given up for what the initiator sent, or
 * after a logout, comes through here): the session side ends now, the output is shut down (a FIN
 * after our last PDU), and whatever the initiator still sends is read and discarded until it
 * closes too (a timer set by the caller closes it at the latest {@link Connection#LINGER_SECONDS}
 * later). Closing a socket with unread input, or receiving data after closing it, makes the kernel
 * answer with RST: the initiator may then lose the Reject or response just sent (unread data is
 * discarded on reset), and its next write fails with EPIPE; libiscsi, which leaves SIGPIPE at its
 * default, dies of that.
 */
final class LingeringClose {
    private LingeringClose() {
    }

    /**
     * @param ch the channel, whose last PDUs were flushed
     * @param lost what ends the connection's part in its session (run before the input is drained)
     */
    static void start(Channel ch, Runnable lost) {
        if (!(ch instanceof DuplexChannel duplex) || !ch.isActive()) {
            ch.close();
            return;
        }
        lost.run();
        if (ch.pipeline().get(Connection.DECODER) != null) {
            ch.pipeline().replace(Connection.DECODER, Connection.DECODER, new Discard());
        }
        duplex.shutdownOutput();
        // A shut down output leaves the channel unwritable for good: the read throttle would never
        // read again (and holds nothing worth handling now). Reading goes on until the initiator closes.
        if (ch.pipeline().get(Connection.THROTTLE) != null) {
            ch.pipeline().remove(Connection.THROTTLE);
        }
        ch.config().setAutoRead(true);
    }

    /** Input after the connection was given up: read and dropped. */
    private static final class Discard extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ReferenceCountUtil.release(msg);
        }
    }
}
