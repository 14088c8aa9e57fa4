package org.jstgt.iscsi.poll;

import java.util.function.LongSupplier;

import io.netty.channel.IoHandle;
import io.netty.channel.IoHandler;
import io.netty.channel.IoHandlerContext;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.IoRegistration;
import io.netty.util.concurrent.ThreadAwareExecutor;

/**
 * An event loop's I/O handler (io_uring, epoll or NIO) that keeps polling, without sleeping, for
 * the {@link PollWindow} after its last I/O event, and sleeps as before once the window has
 * passed without one.
 *
 * <p>Why: at queue depth 1 an initiator sends its next command a few tens of microseconds after
 * the last answer. A loop that went to sleep in between pays a sleep and a wake-up per command,
 * which on a virtual machine (an inter-processor interrupt, a halted virtual CPU) costs more than
 * the command itself; measured here, 4 KiB reads at queue depth 1 ran at 12-13k IOPS sleeping and
 * at 30k+ when the CPUs were kept awake. The price is CPU while a connection is active and at
 * most one window of it after the last event; an idle target sleeps. Busy loops are not affected:
 * they always have an event within the window. At most half the processors' worth of loops poll
 * at once ({@link PollWindow#tryPoll}), none while more loops than that had I/O in the last
 * millisecond ({@link PollWindow#quiet}), none while writes it started work on other threads
 * ({@link DeviceWork}), and a loop that finds nothing yields to whatever else is runnable on its
 * processor. Both keep polling loops from taking the CPU that initiators on the
 * same machine and loops with work need (measured here on 2 cores: without them, 4 sessions of
 * QD32 writes fell from 195k to 43k IOPS; with the permit alone, four libiscsi sessions of QD32
 * reads still fell from about 90k to 36-63k).
 */
public final class PollingIoHandler implements IoHandler {
    private final IoHandler delegate;
    private final PollWindow window;
    private final NonBlocking nonBlocking = new NonBlocking();
    private final LongSupplier clock;
    /** {@link System#nanoTime()} of the last turn that handled I/O. */
    private long lastActive;
    private boolean active;
    /** This loop holds one of the window's polling permits. */
    private boolean holding;
    /** This loop's index in the window's record of loops' I/O. */
    private final int index;

    PollingIoHandler(IoHandler delegate, PollWindow window) {
        this(delegate, window, System::nanoTime);
    }

    /** @param clock nanoseconds, as {@link System#nanoTime()} */
    PollingIoHandler(IoHandler delegate, PollWindow window, LongSupplier clock) {
        this.delegate = delegate;
        this.window = window;
        this.clock = clock;
        this.index = window.register();
    }

    /**
     * @param delegate the transport's own factory
     * @param window the polling window, read on every turn
     * @return a factory of handlers that poll for {@code window} after I/O
     */
    public static IoHandlerFactory factory(IoHandlerFactory delegate, PollWindow window) {
        return new IoHandlerFactory() {
            @Override
            public IoHandler newHandler(ThreadAwareExecutor executor) {
                return new PollingIoHandler(delegate.newHandler(executor), window);
            }

            @Override
            public boolean isChangingThreadSupported() {
                return delegate.isChangingThreadSupported();
            }
        };
    }

    @Override
    public int run(IoHandlerContext context) {
        long spin = window.nanos();
        boolean candidate = spin > 0 && active && index >= 0 && context.canBlock() && DeviceWork.pending() == 0;
        long now = candidate ? clock.getAsLong() : 0;
        boolean polling = candidate && now - lastActive < spin && window.quiet(now)
                && (holding || (holding = window.tryPoll()));
        if (!polling && holding && context.canBlock()) {
            release(); // about to block: another loop may poll
        }
        int handled;
        if (polling) {
            nonBlocking.context = context;
            handled = delegate.run(nonBlocking);
        } else {
            handled = delegate.run(context);
        }
        if (handled > 0) {
            active = true;
            if (spin > 0 && index >= 0) {
                lastActive = clock.getAsLong();
                window.io(index, lastActive);
            }
        } else if (polling) {
            Thread.yield(); // whoever else is runnable here (a client, another loop) goes first
        } else {
            active = false;
        }
        return handled;
    }

    private void release() {
        holding = false;
        window.donePolling();
    }

    @Override
    public void initialize() {
        delegate.initialize();
    }

    @Override
    public void prepareToDestroy() {
        if (holding) {
            release();
        }
        delegate.prepareToDestroy();
    }

    @Override
    public void destroy() {
        window.unregister(index);
        delegate.destroy();
    }

    @Override
    public IoRegistration register(IoHandle handle) throws Exception {
        return delegate.register(handle);
    }

    @Override
    public void wakeup() {
        delegate.wakeup();
    }

    @Override
    public boolean isCompatible(Class<? extends IoHandle> handleType) {
        return delegate.isCompatible(handleType);
    }

    /** The loop's context, but never blocking: the handler polls and returns. */
    private static final class NonBlocking implements IoHandlerContext {
        IoHandlerContext context;

        @Override
        public boolean canBlock() {
            return false;
        }

        @Override
        public long delayNanos(long currentTimeNanos) {
            return context.delayNanos(currentTimeNanos);
        }

        @Override
        public long deadlineNanos() {
            return context.deadlineNanos();
        }

        @Override
        public void reportActiveIoTime(long activeNanos) {
            context.reportActiveIoTime(activeNanos);
        }

        @Override
        public boolean shouldReportActiveIoTime() {
            return context.shouldReportActiveIoTime();
        }
    }
}
