package org.jstgt.iscsi.flow;

import java.util.ArrayDeque;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;

/**
 * Stops reading a connection whose peer does not read our answers. When the bytes queued for
 * sending pass the channel's high water mark ({@code send.buffer.high}) the channel becomes
 * unwritable: reading stops (autoRead off), and PDUs the decoder still produces from bytes already
 * read (the rest of the current socket read) are held here, in order, instead of being handled.
 * Once the queue drains below the low water mark the held PDUs are handled and reading resumes.
 * What one connection queues for sending is thus bounded by the high water mark plus the answers of
 * commands already admitted (the command window) and of one socket read's PDUs.
 *
 * <p>Sits between the PDU decoder and the login / full feature handler. On the channel's event
 * loop only. While the channel is writable a PDU costs one writability check.
 */
public final class ReadThrottle extends ChannelInboundHandlerAdapter {
    private final ArrayDeque<Object> held = new ArrayDeque<>();
    private ChannelHandlerContext ctx;
    private boolean resumeQueued;
    private long stops;
    private final Runnable resume = this::resume;

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!held.isEmpty() || !ctx.channel().isWritable()) {
            held.add(msg);
            stop();
            return;
        }
        ctx.fireChannelRead(msg);
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (ctx.channel().isWritable()) {
            // Not from inside this event: it may come in the middle of a flush of ours.
            if (!resumeQueued) {
                resumeQueued = true;
                ctx.executor().execute(resume);
            }
        } else {
            stop();
        }
        ctx.fireChannelWritabilityChanged();
    }

    private void stop() {
        if (ctx.channel().config().isAutoRead()) {
            stops++;
            ctx.channel().config().setAutoRead(false);
        }
    }

    private void resume() {
        resumeQueued = false;
        if (!ctx.channel().isActive()) {
            return;
        }
        boolean any = false;
        while (!held.isEmpty() && ctx.channel().isWritable()) {
            any = true;
            ctx.fireChannelRead(held.poll());
        }
        if (any) {
            // what the held PDUs produced leaves now, as after a socket read
            ctx.fireChannelReadComplete();
        }
        if (held.isEmpty() && ctx.channel().isWritable()) {
            ctx.channel().config().setAutoRead(true);
        }
    }

    /** @return how often reading was stopped (for tests and statistics) */
    public long stops() {
        return stops;
    }

    /** @return PDUs held until the peer reads (for tests) */
    public int held() {
        return held.size();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        releaseHeld();
        ctx.fireChannelInactive();
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        releaseHeld();
    }

    private void releaseHeld() {
        Object m;
        while ((m = held.poll()) != null) {
            ReferenceCountUtil.release(m);
        }
    }
}
