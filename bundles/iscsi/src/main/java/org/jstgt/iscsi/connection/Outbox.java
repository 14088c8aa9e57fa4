package org.jstgt.iscsi.connection;

import java.util.ArrayList;
import java.util.concurrent.RejectedExecutionException;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.util.ReferenceCountUtil;

/**
 * What a connection that joined a session on another event loop sends (MC/S): PDUs the session's
 * loop queues between two flushes go to the channel's loop as one task, written and flushed there,
 * instead of one cross-thread task per write and another per flush (which costs a wake-up of the
 * other loop each). Order is kept: batches go in sequence, and a close queued after one follows it.
 * Filled on the session's loop; each batch is written on the channel's.
 */
final class Outbox {
    private final ChannelHandlerContext ctx;
    private ArrayList<Object> batch = new ArrayList<>();

    /** @param ctx the full feature handler's context (its outbound neighbours run on the channel's loop) */
    Outbox(ChannelHandlerContext ctx) {
        this.ctx = ctx;
    }

    /**
     * @param msg a PDU to send (ownership passes)
     * @param left run once it was written or dropped; null when nobody waits
     */
    void add(Object msg, Runnable left) {
        batch.add(left == null ? msg : new Tracked(msg, left));
    }

    /** A PDU whose leaving someone waits for. */
    private record Tracked(Object msg, Runnable left) {
    }

    /**
     * @param ctx where the message is written
     * @param left run when the write is done, failed or not
     * @return a promise for that write
     */
    static ChannelPromise then(ChannelHandlerContext ctx, Runnable left) {
        ChannelPromise p = ctx.newPromise();
        p.addListener(f -> left.run());
        return p;
    }

    private static void drop(Object m) {
        if (m instanceof Tracked t) {
            ReferenceCountUtil.release(t.msg());
            t.left().run();
        } else {
            ReferenceCountUtil.release(m);
        }
    }

    /** Hands what was queued to the channel's loop, to be written and flushed there. */
    void flush() {
        if (batch.isEmpty()) {
            return;
        }
        ArrayList<Object> go = batch;
        batch = new ArrayList<>();
        try {
            ctx.channel().eventLoop().execute(() -> {
                for (Object m : go) {
                    if (m instanceof Tracked t) {
                        ctx.write(t.msg(), then(ctx, t.left()));
                    } else {
                        ctx.write(m, ctx.voidPromise());
                    }
                }
                ctx.flush();
            });
        } catch (RejectedExecutionException e) {
            go.forEach(Outbox::drop); // the channel's loop is gone, and the connection with it
        }
    }

    /** The connection is gone: what was not handed over is released. */
    void discard() {
        batch.forEach(Outbox::drop);
        batch.clear();
    }
}
