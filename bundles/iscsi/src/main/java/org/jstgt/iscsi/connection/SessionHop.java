package org.jstgt.iscsi.connection;

import java.util.ArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.EventExecutor;

/**
 * Carries the PDUs of a connection that joined a session on another event loop (MC/S, RFC 7143
 * §6.3.1) to the session's loop, and bounds them. Such a connection reads and decodes on the loop
 * its channel was accepted on, while the session's state (command window, tasks, StatSN of every
 * connection) is confined to the loop of the session's first connection, where the handlers from
 * the idle probe on run. The PDUs of one socket read go across together, as one task. Without a
 * bound a peer that sends faster than the session's loop handles would queue them without limit:
 * reading stops (autoRead off) while more than {@link #LIMIT} PDUs are on their way, and resumes, on
 * the channel's loop, once half have arrived. The {@link org.jstgt.iscsi.flow.ReadThrottle} shares
 * autoRead: each turns it back off when its own condition still holds.
 *
 * <p>The entry sits on the channel's loop after the read throttle, the exit first on the
 * session's loop.
 */
public final class SessionHop {
    /** Pipeline names. */
    static final String ENTRY = "session-hop-entry";
    static final String EXIT = "session-hop-exit";
    /** PDUs in flight between the loops before reading stops. */
    public static final int LIMIT = 256;

    private final AtomicInteger inFlight = new AtomicInteger();
    /** Reading stopped for the bound; written on the channel's loop only. */
    private volatile boolean stopped;
    private final AtomicBoolean resumeQueued = new AtomicBoolean();

    private SessionHop() {
    }

    /**
     * Puts the two ends in place, before the connection's handler.
     *
     * @param p the pipeline
     * @param session the session's event loop
     */
    static void install(ChannelPipeline p, EventExecutor session) {
        SessionHop hop = new SessionHop();
        p.addBefore(Connection.HANDLER, ENTRY, hop.new Entry());
        p.addBefore(session, Connection.HANDLER, EXIT, hop.new Exit());
    }

    /**
     * @param p a connection's pipeline
     * @return PDUs on their way to the session's loop, -1 when the connection runs on it (tests)
     */
    public static int inFlight(ChannelPipeline p) {
        return p.get(ENTRY) instanceof Entry e ? e.hop().inFlight.get() : -1;
    }

    /** The PDUs of one socket read, carried across in one task. */
    private record Batch(ArrayList<Object> pdus) {
    }

    private final class Entry extends ChannelInboundHandlerAdapter {
        private ArrayList<Object> pending = new ArrayList<>();

        SessionHop hop() {
            return SessionHop.this;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            // checked on every read: the read throttle may have turned reading back on meanwhile
            if (inFlight.incrementAndGet() > LIMIT) {
                stopped = true;
                if (ctx.channel().config().isAutoRead()) {
                    ctx.channel().config().setAutoRead(false);
                }
            }
            pending.add(msg);
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            send(ctx);
            ctx.fireChannelReadComplete();
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            send(ctx);
            ctx.fireChannelInactive();
        }

        private void send(ChannelHandlerContext ctx) {
            if (!pending.isEmpty()) {
                Batch b = new Batch(pending);
                pending = new ArrayList<>();
                ctx.fireChannelRead(b);
            }
        }

        @Override
        public void handlerRemoved(ChannelHandlerContext ctx) {
            pending.forEach(ReferenceCountUtil::release);
            pending.clear();
        }
    }

    private final class Exit extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (!(msg instanceof Batch b)) {
                ctx.fireChannelRead(msg);
                return;
            }
            for (Object m : b.pdus()) {
                arrived(ctx);
                ctx.fireChannelRead(m);
            }
        }

        private void arrived(ChannelHandlerContext ctx) {
            if (inFlight.decrementAndGet() <= LIMIT / 2 && stopped && !resumeQueued.getAndSet(true)) {
                // decided on the channel's loop, where reading is stopped: never interleaved with a stop
                Channel ch = ctx.channel();
                ch.eventLoop().execute(() -> resume(ch));
            }
        }
    }

    private void resume(Channel ch) {
        resumeQueued.set(false);
        if (stopped && inFlight.get() <= LIMIT / 2) {
            stopped = false;
            // a channel the peer does not read stays stopped: the read throttle resumes it
            if (ch.isActive() && ch.isWritable()) {
                ch.config().setAutoRead(true);
            }
        }
    }
}
