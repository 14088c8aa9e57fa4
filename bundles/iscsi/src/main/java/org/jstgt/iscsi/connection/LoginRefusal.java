package org.jstgt.iscsi.connection;

import java.util.concurrent.TimeUnit;

import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.DuplexChannel;
import io.netty.util.ReferenceCountUtil;

import org.jstgt.iscsi.limits.Permit;
import org.jstgt.iscsi.pdu.LoginRequest;
import org.jstgt.iscsi.pdu.LoginResponse;
import org.jstgt.iscsi.pdu.PduDecoder;
import org.jstgt.iscsi.pdu.PduEncoder;

/**
 * A connection refused by its portal's limits: the first Login Request is answered with the
 * refusal status (RFC 7143 §11.13.5; the numbering fields are not valid with a non-zero class),
 * then the connection closes (§11.13.5: both sides close after a failed login). A peer that sends
 * no Login Request within the login timeout is closed without an answer. Every inbound message is
 * released here.
 */
public final class LoginRefusal extends ChannelInboundHandlerAdapter {
    private final int status;
    private final int timeoutSeconds;
    private boolean answered;

    private LoginRefusal(int status, int timeoutSeconds) {
        this.status = status;
        this.timeoutSeconds = timeoutSeconds;
    }

    /**
     * Sets up a refused connection: answered when the permit says so, else closed at once.
     *
     * @param channel the accepted channel
     * @param permit its refused permit
     * @param timeoutSeconds how long to wait for the Login Request
     */
    public static void install(Channel channel, Permit permit, int timeoutSeconds) {
        if (!permit.answer()) {
            channel.close();
            return;
        }
        channel.pipeline().addLast(Connection.DECODER, PduDecoder.forLogin())
                .addLast(Connection.ENCODER, new PduEncoder(false, false))
                .addLast(Connection.HANDLER, new LoginRefusal(permit.status(), timeoutSeconds));
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        ctx.executor().schedule(() -> {
            if (!answered) {
                ctx.close();
            }
        }, timeoutSeconds, TimeUnit.SECONDS);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        try {
            if (answered) {
                return;
            }
            answered = true;
            if (!(msg instanceof LoginRequest req)) {
                ctx.close();
                return;
            }
            LoginResponse r = new LoginResponse(false, false, req.csg(), 0, 0, 0, req.isid(), 0, req.itt(), 0,
                    req.cmdSn(), req.cmdSn(), status >> 8, status & 0xff, Unpooled.EMPTY_BUFFER);
            Channel ch = ctx.channel();
            ctx.writeAndFlush(r).addListener(f -> {
                // A FIN after the response, not a reset that could discard it; input is dropped
                // until the initiator closes, at most Connection.LINGER_SECONDS.
                if (f.isSuccess() && ch instanceof DuplexChannel d) {
                    d.shutdownOutput();
                } else {
                    ch.close();
                }
            });
            ch.eventLoop().schedule(() -> ch.close(), Connection.LINGER_SECONDS, TimeUnit.SECONDS);
        } finally {
            ReferenceCountUtil.release(msg);
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ctx.close();
    }
}
