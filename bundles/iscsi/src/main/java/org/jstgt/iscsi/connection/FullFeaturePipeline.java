package org.jstgt.iscsi.connection;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.util.concurrent.EventExecutor;

import org.jstgt.iscsi.limits.PortalLimits;
import org.jstgt.iscsi.login.Negotiated;
import org.jstgt.iscsi.pdu.PduDecoder;
import org.jstgt.iscsi.pdu.PduEncoder;
import org.jstgt.iscsi.session.Session;

/**
 * A connection's pipeline as it enters the Full Feature Phase: the full feature handler in the
 * login handler's place (first, so that PDUs the old decoder still holds reach it), the idle probe
 * before it, the send buffer water marks of the target, and the decoder and encoder with the
 * digests and MaxRecvDataSegmentLength negotiated (the login response went out without them, RFC
 * 7143 §13.1). A connection that joined a session on another event loop (MC/S) runs its full
 * feature handler and idle probe on the session's loop and hands its PDUs across with
 * {@link SessionHop}; its data is then received by copy, as in-place receive reads the task table.
 */
final class FullFeaturePipeline {
    private FullFeaturePipeline() {
    }

    /**
     * @param ctx the login handler's context
     * @param loginHandler the login handler, replaced
     * @param fullFeature the full feature handler
     * @param connection the connection
     * @param session its session
     * @param limits its portal's limits (idle probing)
     * @param n what the connection's login negotiated (digests, segment lengths)
     */
    static void install(ChannelHandlerContext ctx, ChannelHandler loginHandler, FullFeatureHandler fullFeature,
            Connection connection, Session session, PortalLimits limits, Negotiated n) {
        ChannelPipeline p = ctx.pipeline();
        // Reading stops while more than the target's send.buffer.high waits to be sent (ReadThrottle).
        ctx.channel().config().setWriteBufferWaterMark(session.settings().flow().waterMark());
        EventExecutor sessionLoop = session.loop();
        boolean local = sessionLoop == null || sessionLoop == ctx.executor();
        if (local) {
            p.replace(loginHandler, Connection.HANDLER, fullFeature);
        } else {
            p.remove(loginHandler);
            p.addLast(sessionLoop, Connection.HANDLER, fullFeature);
            SessionHop.install(p, sessionLoop);
            // the PDUs handled on the session's loop carry this connection's MDC too
            p.addBefore(sessionLoop, Connection.HANDLER, MdcHandler.SESSION_NAME, MdcHandler.INSTANCE);
        }
        IdleProbe.install(p, local ? null : sessionLoop, connection, session.window(), limits);
        if (p.get(Connection.DECODER) != null) {
            p.replace(Connection.DECODER, Connection.DECODER, new PduDecoder(n.targetMaxRecvDataSegmentLength(),
                    n.headerDigest(), n.dataDigest()).placement(local ? fullFeature : null));
            p.replace(Connection.ENCODER, Connection.ENCODER, new PduEncoder(n.headerDigest(), n.dataDigest()));
        }
    }
}
