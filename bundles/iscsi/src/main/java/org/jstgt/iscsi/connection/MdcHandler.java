package org.jstgt.iscsi.connection;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;

import org.jstgt.iscsi.log.SessionMdc;

/**
 * First in every connection's pipeline: enters the connection's {@link SessionMdc} around each
 * inbound event that can log (bytes read, and so every PDU decoded and handled from them; the
 * channel going inactive, after which its values leave the thread; user events; errors), so that
 * every line logged while the connection's PDUs are handled names its target, initiator, ISID,
 * TSIH and portal. The end of a read and writability changes log nothing of their own and are
 * passed on as they are (entering is cheap, not free). A connection that joined a session on
 * another event loop has a second one on
 * the session's loop, where its PDUs are handled ({@link FullFeaturePipeline}). One instance serves
 * every channel.
 */
@ChannelHandler.Sharable
final class MdcHandler extends ChannelInboundHandlerAdapter {
    /** Pipeline name. */
    static final String NAME = "mdc";
    /** Pipeline name of the one on the session's loop, before the full feature handler of a joined connection. */
    static final String SESSION_NAME = "mdc-session";
    static final MdcHandler INSTANCE = new MdcHandler();

    private MdcHandler() {
    }

    private static SessionMdc.Scope enter(ChannelHandlerContext ctx) {
        Connection c = Connection.of(ctx.channel());
        return SessionMdc.enter(c == null ? null : c.mdc());
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        try (SessionMdc.Scope s = enter(ctx)) {
            ctx.fireChannelRead(msg);
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        Connection c = Connection.of(ctx.channel());
        SessionMdc.Context context = c == null ? null : c.mdc();
        try (SessionMdc.Scope s = SessionMdc.enter(context)) {
            ctx.fireChannelInactive();
        }
        SessionMdc.leave(context);
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        try (SessionMdc.Scope s = enter(ctx)) {
            ctx.fireUserEventTriggered(evt);
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        try (SessionMdc.Scope s = enter(ctx)) {
            ctx.fireExceptionCaught(cause);
        }
    }
}
