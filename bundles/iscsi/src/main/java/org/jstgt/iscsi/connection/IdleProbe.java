package org.jstgt.iscsi.connection;

import java.util.concurrent.TimeUnit;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.EventExecutorGroup;
import io.netty.util.concurrent.ScheduledFuture;

import org.jstgt.iscsi.log.SessionMdc;
import org.jstgt.iscsi.limits.PortalLimits;
import org.jstgt.iscsi.pdu.Bhs;
import org.jstgt.iscsi.pdu.NopIn;
import org.jstgt.iscsi.pdu.NopOut;
import org.jstgt.iscsi.recovery.Retention;
import org.jstgt.iscsi.session.CommandWindow;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Pings a Full Feature connection that has sent no PDU for {@code nop.interval} seconds with a
 * NOP-In (RFC 7143 §11.19: ITT 0xffffffff, a Target Transfer Tag of ours, LUN 0, StatSN the next
 * one but not advanced, current ExpCmdSN/MaxCmdSN), which the initiator must answer with a NOP-Out
 * echoing the tag (§11.18). An answer not received within {@code nop.timeout} seconds drops the
 * connection: a connection loss, after which the session ends (ErrorRecoveryLevel 0). Sits in the
 * pipeline before the full feature handler, sees every PDU received, consumes the answer to its
 * ping and passes everything else on. Runs on the session's event loop, like the full feature handler.
 */
final class IdleProbe extends ChannelInboundHandlerAdapter {
    private static final Logger LOG = LoggerFactory.getLogger(IdleProbe.class);
    /** Pipeline name. */
    static final String NAME = "idle-probe";

    private final Connection connection;
    private final CommandWindow window;
    private final long intervalNanos;
    private final long timeoutNanos;
    private ChannelHandlerContext ctx;
    private ScheduledFuture<?> timer;
    private long lastRead;
    /** The tag of the ping awaiting its answer, valid while {@link #waiting}. */
    private int ttt;
    private boolean waiting;
    private long sentAt;

    IdleProbe(Connection connection, CommandWindow window, long intervalNanos, long timeoutNanos) {
        this.connection = connection;
        this.window = window;
        this.intervalNanos = intervalNanos;
        this.timeoutNanos = timeoutNanos;
    }

    /**
     * Adds a probe before the connection's handler when the portal's limits ask for one.
     *
     * @param session the session's event loop when the connection's own differs (a connection
     *     that joined a session runs its session work there), else null
     */
    static void install(ChannelPipeline p, EventExecutorGroup session, Connection connection, CommandWindow window,
            PortalLimits limits) {
        if (limits.probing()) {
            p.addBefore(session, Connection.HANDLER, NAME, new IdleProbe(connection, window,
                    TimeUnit.SECONDS.toNanos(limits.nopInterval()), TimeUnit.SECONDS.toNanos(limits.nopTimeout())));
        }
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        lastRead = now();
        schedule(intervalNanos);
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        cancel();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        cancel();
        ctx.fireChannelInactive();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        lastRead = now();
        if (waiting && msg instanceof NopOut nop && nop.itt() == Bhs.NO_TAG && nop.ttt() == ttt) {
            waiting = false;
            Retention retention = connection.retention();
            if (retention != null) {
                retention.acknowledge(nop.expStatSn()); // the answer acknowledges too (RFC 7143 §4.2.2.2)
            }
            ReferenceCountUtil.release(msg);
            schedule(intervalNanos);
            return;
        }
        ctx.fireChannelRead(msg);
    }

    private void check() {
        try (SessionMdc.Scope s = SessionMdc.enter(connection.mdc())) {
            probe();
        }
    }

    private void probe() {
        timer = null;
        if (!ctx.channel().isActive() || !connection.fullFeature()) {
            return;
        }
        long now = now();
        if (waiting) {
            long left = sentAt + timeoutNanos - now;
            if (left > 0) {
                schedule(left);
                return;
            }
            LOG.info("{}: no answer to a NOP-In within {} s (nop.timeout); closing the connection",
                    connection.remoteDescription(), TimeUnit.NANOSECONDS.toSeconds(timeoutNanos));
            ctx.channel().close();
            return;
        }
        long idle = now - lastRead;
        if (idle < intervalNanos) {
            schedule(intervalNanos - idle);
            return;
        }
        ttt = connection.newTargetTransferTag();
        waiting = true;
        sentAt = now;
        connection.send(new NopIn(0, Bhs.NO_TAG, ttt, connection.statSn(), window.expCmdSn(), window.maxCmdSn(),
                Unpooled.EMPTY_BUFFER));
        connection.flush();
        schedule(timeoutNanos);
    }

    private void schedule(long nanos) {
        cancel();
        timer = ctx.executor().schedule(this::check, nanos, TimeUnit.NANOSECONDS);
    }

    private void cancel() {
        if (timer != null) {
            timer.cancel(false);
            timer = null;
        }
    }

    private long now() {
        return ctx.executor().ticker().nanoTime();
    }
}
