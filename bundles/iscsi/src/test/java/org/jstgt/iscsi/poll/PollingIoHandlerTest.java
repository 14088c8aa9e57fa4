package org.jstgt.iscsi.poll;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

import io.netty.channel.IoHandle;
import io.netty.channel.IoHandler;
import io.netty.channel.IoHandlerContext;
import io.netty.channel.IoRegistration;

import org.junit.jupiter.api.Test;

/**
 * The event loop polls (runs its I/O handler without blocking) within the window after I/O, and
 * blocks as the transport would otherwise: when idle, when the window passed without I/O, when
 * the loop has work anyway, and always with a window of 0.
 */
class PollingIoHandlerTest {
    /** A transport's handler: answers each turn with the next scripted event count, records whether it could block. */
    private static final class Scripted implements IoHandler {
        final Deque<Integer> events = new ArrayDeque<>();
        final List<Boolean> blocked = new ArrayList<>();
        int wakeups;

        @Override
        public int run(IoHandlerContext context) {
            blocked.add(context.canBlock());
            assertEquals(7, context.delayNanos(0), "the loop's own timing is passed on");
            return events.isEmpty() ? 0 : events.poll();
        }

        @Override
        public IoRegistration register(IoHandle handle) {
            return null;
        }

        @Override
        public void wakeup() {
            wakeups++;
        }

        @Override
        public boolean isCompatible(Class<? extends IoHandle> handleType) {
            return true;
        }
    }

    private static IoHandlerContext loop(boolean canBlock) {
        return new IoHandlerContext() {
            @Override
            public boolean canBlock() {
                return canBlock;
            }

            @Override
            public long delayNanos(long currentTimeNanos) {
                return 7;
            }

            @Override
            public long deadlineNanos() {
                return 7;
            }
        };
    }

    private final Scripted transport = new Scripted();
    private final long[] now = {1_000_000};
    private final PollWindow window = new PollWindow(50, 1);
    private final PollingIoHandler handler = new PollingIoHandler(transport, window, () -> now[0]);

    @Test
    void pollsWithinTheWindowAfterIoThenSleeps() {
        handler.run(loop(true)); // idle: blocks
        transport.events.add(1);
        assertEquals(1, handler.run(loop(true))); // an event arrives (the turn blocked for it)
        now[0] += 20_000;
        handler.run(loop(true)); // 20 us later: within the window, polls
        now[0] += 20_000;
        transport.events.add(2);
        assertEquals(2, handler.run(loop(true))); // the next command, caught by polling; the window starts over
        now[0] += 45_000;
        handler.run(loop(true)); // 45 us after it: still polling
        now[0] += 10_000;
        handler.run(loop(true)); // 55 us: the window passed, blocks
        handler.run(loop(true)); // and stays blocking until I/O
        assertEquals(List.of(true, true, false, false, false, true, true), transport.blocked);
    }

    @Test
    void noPollingWhileCommandsOfTheLoopWorkOnOtherThreads() {
        transport.events.add(1);
        handler.run(loop(true)); // I/O: the window opens
        DeviceWork.started(); // a command goes on in io_uring's workers or the I/O threads
        DeviceWork.started();
        try {
            now[0] += 10_000;
            transport.events.add(1);
            handler.run(loop(true)); // within the window, but their completions need a processor: blocks
            DeviceWork.ended(); // the first completed (an io_uring completion: I/O)
            transport.events.add(1);
            handler.run(loop(true)); // one still away: blocks
            assertEquals(1, DeviceWork.pending());
            DeviceWork.ended();
            now[0] += 10_000;
            handler.run(loop(true)); // none away, within the window of the last I/O: polls
            assertEquals(List.of(true, true, true, false), transport.blocked);
            DeviceWork.ended(); // one end too many is no debt
            assertEquals(0, DeviceWork.pending());
        } finally {
            while (DeviceWork.pending() > 0) {
                DeviceWork.ended();
            }
        }
    }

    @Test
    void aLoopWithWorkIsNeverMadeToBlock() {
        transport.events.add(1);
        handler.run(loop(true));
        handler.run(loop(false));
        assertEquals(List.of(true, false), transport.blocked);
    }

    @Test
    void aWindowOfZeroNeverPolls() {
        window.set(0);
        transport.events.addAll(List.of(1, 1, 1));
        for (int i = 0; i < 4; i++) {
            handler.run(loop(true));
        }
        assertEquals(List.of(true, true, true, true), transport.blocked);
    }

    @Test
    void theWindowChangesWhileTheLoopRuns() {
        transport.events.add(1);
        handler.run(loop(true));
        now[0] += 80_000;
        handler.run(loop(true)); // 80 us > 50: blocks
        window.set(100);
        transport.events.add(1);
        handler.run(loop(true));
        now[0] += 80_000;
        handler.run(loop(true)); // 80 us < 100: polls
        assertEquals(List.of(true, true, true, false), transport.blocked);
    }

    @Test
    void everythingElseIsTheTransports() throws Exception {
        handler.wakeup();
        assertEquals(1, transport.wakeups);
        assertSame(null, handler.register(null));
        assertTrue(handler.isCompatible(IoHandle.class));
        var factory = PollingIoHandler.factory(executor -> transport, window);
        assertFalse(factory.isChangingThreadSupported());
        assertTrue(factory.newHandler(null) instanceof PollingIoHandler);
    }

    @Test
    void atMostTheWindowsNumberOfLoopsPollAtOnceAndABlockingOneLetsAnotherPoll() {
        PollWindow two = new PollWindow(50, 2);
        Scripted a = new Scripted();
        Scripted b = new Scripted();
        Scripted c = new Scripted();
        PollingIoHandler first = new PollingIoHandler(a, two, () -> now[0]);
        PollingIoHandler second = new PollingIoHandler(b, two, () -> now[0]);
        PollingIoHandler third = new PollingIoHandler(c, two, () -> now[0]);
        // two busy loops: both may poll, each takes one of the two permits
        a.events.add(1);
        b.events.add(1);
        first.run(loop(true));
        second.run(loop(true));
        first.run(loop(true));
        second.run(loop(true));
        assertEquals(2, two.pollers());
        assertEquals(List.of(true, false), a.blocked);
        assertEquals(List.of(true, false), b.blocked);
        // a third loop gets I/O: more loops are busy than may poll, so none polls; each gives its permit back
        c.events.add(1);
        third.run(loop(true));
        first.run(loop(true));
        second.run(loop(true));
        third.run(loop(true));
        assertEquals(List.of(true, false, true), a.blocked);
        assertEquals(List.of(true, false, true), b.blocked);
        assertEquals(List.of(true, true), c.blocked);
        assertEquals(0, two.pollers());
        // a millisecond later only the third has I/O again: it polls
        now[0] += 2_000_000;
        c.events.add(1);
        third.run(loop(true));
        third.run(loop(true));
        assertEquals(List.of(true, true, true, false), c.blocked);
        assertEquals(1, two.pollers());
        third.prepareToDestroy(); // a loop shutting down gives its permit back
        assertEquals(0, two.pollers());
    }

    @Test
    void aLoopThatEndsFreesItsPlaceForTheNext() {
        PollWindow w = new PollWindow(50, 1);
        for (int i = 0; i < 1000; i++) { // a fabric restarted again and again with the same settings
            PollingIoHandler h = new PollingIoHandler(new Scripted(), w, () -> now[0]);
            h.destroy();
        }
        assertEquals(0, w.register(), "the places of ended loops are taken again");
    }

    @Test
    void thePermitsBoundThePollersEvenWhenFewLoopsAreBusy() {
        PollWindow one = new PollWindow(50, 1);
        assertTrue(one.tryPoll());
        assertFalse(one.tryPoll(), "one permit");
        one.donePolling();
        assertTrue(one.tryPoll());
    }

    @Test
    void theWindowIsBounded() {
        assertThrows(IllegalArgumentException.class, () -> new PollWindow(-1));
        assertThrows(IllegalArgumentException.class, () -> new PollWindow(PollWindow.MAX_MICROS + 1));
        assertEquals(50_000, new PollWindow(50).nanos());
    }
}
