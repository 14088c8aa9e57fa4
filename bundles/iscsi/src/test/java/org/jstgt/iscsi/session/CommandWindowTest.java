package org.jstgt.iscsi.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;

import io.netty.buffer.Unpooled;
import io.netty.util.concurrent.ImmediateEventExecutor;

import org.jstgt.iscsi.pdu.NopOut;
import org.jstgt.iscsi.pdu.Pdu;
import org.junit.jupiter.api.Test;

/** CmdSN ordering across the connections of a session (RFC 7143 §4.2.2.1). */
class CommandWindowTest {

    /** A connection that only has an identity and an executor that runs at once. */
    static ConnectionPort connection(int cid) {
        return (ConnectionPort) Proxy.newProxyInstance(ConnectionPort.class.getClassLoader(),
                new Class<?>[] {ConnectionPort.class}, (proxy, method, args) -> switch (method.getName()) {
                    case "cid" -> cid;
                    case "executor" -> ImmediateEventExecutor.INSTANCE;
                    case "toString" -> "connection " + cid;
                    case "hashCode" -> cid;
                    case "equals" -> proxy == args[0];
                    default -> throw new UnsupportedOperationException(method.getName());
                });
    }

    private static NopOut command(int itt, int cmdSn) {
        return new NopOut(false, 0, itt, -1, cmdSn, 0, Unpooled.buffer(4).writeInt(itt));
    }

    /** Orders a PDU and returns what became due, as "itt@cid", releasing them. */
    private static List<String> order(CommandWindow w, Pdu pdu, ConnectionPort from) {
        int n = w.order(pdu, ((NopOut) pdu).cmdSn(), from);
        List<String> due = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            due.add(w.ready(i).itt() + "@" + w.readyFrom(i).cid());
            w.ready(i).release();
        }
        pdu.release();
        return due;
    }

    @Test
    void commandsFromTwoConnectionsAreDeliveredInCmdSnOrderEachOnItsOwnConnection() {
        ConnectionPort a = connection(1);
        ConnectionPort b = connection(2);
        CommandWindow w = new CommandWindow(10, 8);
        assertEquals(17, w.maxCmdSn());
        NopOut late = command(12, 12);
        assertEquals(List.of(), order(w, late, b));
        assertEquals(1, late.refCnt(), "a queued PDU is retained by the window");
        assertEquals(List.of(), order(w, command(11, 11), a));
        assertTrue(w.isQueued(12));
        assertEquals(List.of("10@1", "11@1", "12@2"), order(w, command(10, 10), a));
        assertEquals(0, late.refCnt(), "released once delivered");
        assertEquals(13, w.expCmdSn());
        assertFalse(w.isQueued(12));
    }

    @Test
    void outsideTheWindowIsDroppedAndTheWindowNeverShrinks() {
        ConnectionPort a = connection(1);
        CommandWindow w = new CommandWindow(1, 2);
        assertEquals(List.of(), order(w, command(9, 9), a));
        assertFalse(w.isQueued(9));
        assertEquals(List.of("1@1"), order(w, command(1, 1), a));
        w.commandStarted();
        w.commandStarted();
        assertEquals(2, w.maxCmdSn(), "no free slot is offered, but MaxCmdSN does not go back");
        w.commandEnded();
        w.commandEnded();
        assertEquals(3, w.maxCmdSn());
    }

    @Test
    void anAbortedQueuedCommandCountsAsReceived() {
        ConnectionPort a = connection(1);
        CommandWindow w = new CommandWindow(1, 8);
        NopOut second = command(2, 2);
        order(w, second, a);
        assertTrue(w.dropQueued(2));
        assertEquals(0, second.refCnt());
        w.skip(3);
        assertEquals(List.of("1@1"), order(w, command(1, 1), a));
        assertEquals(4, w.expCmdSn(), "CmdSN 2 (aborted) and 3 (skipped) count as received");
    }

    @Test
    void aCommandArrivingAfterItsAbortIsDroppedNotStranded() {
        ConnectionPort a = connection(1);
        CommandWindow w = new CommandWindow(1, 8);
        w.skip(3);
        NopOut late = command(3, 3);
        assertEquals(List.of(), order(w, late, a));
        assertEquals(0, late.refCnt(), "not kept by the window");
        assertFalse(w.isQueued(3));
        assertEquals(List.of("1@1"), order(w, command(1, 1), a));
        assertEquals(List.of("2@1"), order(w, command(2, 2), a));
        assertEquals(4, w.expCmdSn());
        assertEquals(List.of("4@1"), order(w, command(4, 4), a));
        assertEquals(0, w.queuedCount());
        assertEquals(0, w.skippedCount());
    }

    @Test
    void anAbortedExpCmdSnDoesNotHoldBackTheCommandsAfterIt() {
        ConnectionPort a = connection(1);
        CommandWindow w = new CommandWindow(1, 8);
        w.skip(1);
        assertEquals(List.of("2@1"), order(w, command(2, 2), a));
        NopOut late = command(1, 1);
        assertEquals(List.of(), order(w, late, a), "CmdSN 1 counts as received already");
        assertEquals(0, late.refCnt());
        assertEquals(3, w.expCmdSn());
        assertEquals(0, w.queuedCount());
        assertEquals(0, w.skippedCount());
    }

    @Test
    void anAbortedExpCmdSnArrivingLateIsDropped() {
        ConnectionPort a = connection(1);
        CommandWindow w = new CommandWindow(1, 8);
        w.skip(1);
        NopOut late = command(1, 1);
        assertEquals(List.of(), order(w, late, a));
        assertEquals(0, late.refCnt());
        assertEquals(2, w.expCmdSn());
        assertEquals(List.of("2@1"), order(w, command(2, 2), a));
        assertEquals(0, w.skippedCount());
    }

    @Test
    void releaseDropsWhatWaits() {
        CommandWindow w = new CommandWindow(1, 8);
        NopOut queued = command(5, 5);
        order(w, queued, connection(1));
        w.release();
        assertEquals(0, queued.refCnt());
        assertFalse(w.isQueued(5));
    }
}
