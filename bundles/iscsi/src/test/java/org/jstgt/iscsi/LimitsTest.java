package org.jstgt.iscsi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.netty.buffer.Unpooled;

import org.jstgt.iscsi.limits.PortalLimits;
import org.jstgt.iscsi.pdu.Bhs;
import org.jstgt.iscsi.pdu.LoginRequest;
import org.jstgt.iscsi.pdu.LoginResponse;
import org.jstgt.iscsi.pdu.NopIn;
import org.jstgt.iscsi.pdu.NopOut;
import org.jstgt.iscsi.pdu.Pdu;
import org.jstgt.iscsi.pdu.Reject;
import org.jstgt.iscsi.pdu.RejectReason;
import org.jstgt.iscsi.pdu.TextRequest;
import org.jstgt.iscsi.pdu.TextResponse;
import org.jstgt.testkit.FakeScsiTarget;
import org.junit.jupiter.api.Test;

/** The per-connection limits of a portal and the per-target session limit, over an EmbeddedChannel. */
class LimitsTest {

    private final FakeScsiTarget disk = new FakeScsiTarget(Wire.TARGET);

    private static PortalLimits limits(String... kv) {
        Map<String, String> m = new java.util.HashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put(kv[i], kv[i + 1]);
        }
        return PortalLimits.from(m, "etc/jstgt.portal-main.cfg");
    }

    private static void advance(Wire w, int seconds) {
        w.target.advanceTimeBy(seconds, TimeUnit.SECONDS);
        w.target.runPendingTasks();
    }

    private static byte[] filler(int n) {
        byte[] b = new byte[n];
        java.util.Arrays.fill(b, (byte) 'a');
        return b;
    }

    @Test
    void aLoginNotCompletedWithinLoginTimeoutIsClosed() {
        try (Wire w = new Wire(Wire.fabric(disk), limits("login.timeout", "5"))) {
            advance(w, 4);
            assertTrue(w.target.isOpen(), "silent for 4 s of 5");
            advance(w, 1);
            assertFalse(w.target.isOpen(), "a connection that sends nothing is closed at login.timeout");
        }
    }

    @Test
    void theDefaultLoginTimeoutIsFifteenSeconds() {
        try (Wire w = new Wire(Wire.fabric(disk))) {
            w.loginStep(false, 1, 0, "InitiatorName=" + Wire.INITIATOR, "TargetName=" + Wire.TARGET).release();
            advance(w, 14);
            assertTrue(w.target.isOpen());
            advance(w, 1);
            assertFalse(w.target.isOpen(), "a login still negotiating after 15 s is closed");
        }
    }

    @Test
    void loginTextOverTextMaxIsOutOfResources() {
        try (Wire w = new Wire(Wire.fabric(disk), limits("text.max", "8192"))) {
            byte[] head = ("InitiatorName=" + Wire.INITIATOR + "\0X-a=").getBytes();
            w.send(new LoginRequest(false, true, 1, 0, 0, 0, Wire.ISID, 0, 1, 1, 1, 0,
                    Unpooled.wrappedBuffer(head, filler(6000 - head.length))));
            LoginResponse partial = w.one(LoginResponse.class);
            assertEquals(0, partial.status(), "6000 bytes of 8192");
            partial.release();
            w.send(new LoginRequest(false, true, 1, 0, 0, 0, Wire.ISID, 0, 1, 1, 1, 0,
                    Unpooled.wrappedBuffer(filler(6000))));
            LoginResponse r = w.one(LoginResponse.class);
            assertEquals(0x0302, r.status(), "RFC 7143 §11.13.5 out of resources");
            r.release();
            assertFalse(w.target.isOpen());
        }
    }

    @Test
    void aLoginPduOverTheLoginSegmentLimitIsAnsweredWithInitiatorError() {
        try (Wire w = new Wire(Wire.fabric(disk))) {
            byte[] head = ("InitiatorName=" + Wire.INITIATOR + "\0X-a=").getBytes();
            w.send(new LoginRequest(true, false, 1, 3, 0, 0, Wire.ISID, 0, 7, 1, 1, 0,
                    Unpooled.wrappedBuffer(head, filler(9000 - head.length))));
            LoginResponse r = w.one(LoginResponse.class);
            assertEquals(0x0200, r.status(), "RFC 7143 §13.12: 8192 bytes at most during login");
            assertEquals(7, r.itt());
            assertEquals(Wire.ISID, r.isid());
            r.release();
            assertFalse(w.target.isOpen());
        }
    }

    @Test
    void textRequestOverTextMaxIsRejected() {
        try (Wire w = new Wire(Wire.fabric(disk), limits("text.max", "8192"))) {
            w.loginNormal();
            w.send(new TextRequest(true, false, true, 0, 0x21, Bhs.NO_TAG, w.cmdSn, w.expStatSn,
                    Unpooled.wrappedBuffer(filler(6000))));
            TextResponse partial = w.one(TextResponse.class);
            assertNotEquals(Bhs.NO_TAG, partial.ttt());
            partial.release();
            w.send(new TextRequest(true, false, true, 0, 0x21, partial.ttt(), w.cmdSn, w.expStatSn,
                    Unpooled.wrappedBuffer(filler(6000))));
            Reject r = w.one(Reject.class);
            assertEquals(RejectReason.PROTOCOL_ERROR, r.reason());
            r.release();
            assertTrue(w.target.isOpen(), "the session goes on");
            w.send(new TextRequest(true, true, false, 0, 0x22, Bhs.NO_TAG, w.cmdSn, w.expStatSn,
                    Wire.text("X-foo=1")));
            TextResponse next = w.one(TextResponse.class);
            assertEquals("NotUnderstood", Wire.keys(next.data()).get("X-foo"), "a new exchange starts afresh");
            next.release();
        }
    }

    @Test
    void idleConnectionsArePingedAndDroppedWhenTheyDoNotAnswer() {
        try (Wire w = new Wire(Wire.fabric(disk), limits("nop.interval", "5", "nop.timeout", "10"))) {
            w.loginNormal();
            advance(w, 4);
            assertTrue(w.receive().isEmpty(), "not idle for 5 s yet");
            w.send(new NopOut(true, 0, 0x55, Bhs.NO_TAG, w.cmdSn, w.expStatSn, Unpooled.EMPTY_BUFFER));
            NopIn echo = w.one(NopIn.class);
            w.expStatSn = echo.statSn() + 1;
            echo.release();
            advance(w, 4);
            assertTrue(w.receive().isEmpty(), "a PDU received 4 s ago: not idle");
            advance(w, 1);
            NopIn ping = w.one(NopIn.class);
            assertEquals(Bhs.NO_TAG, ping.itt(), "RFC 7143 §11.19: ITT 0xffffffff");
            assertNotEquals(Bhs.NO_TAG, ping.ttt(), "a Target Transfer Tag asks for an answer");
            assertEquals(0, ping.lun());
            assertEquals(w.expStatSn, ping.statSn(), "the next StatSN");
            assertEquals(w.cmdSn, ping.expCmdSn());
            assertEquals(w.cmdSn + 127, ping.maxCmdSn());
            assertEquals(0, ping.data().readableBytes());
            ping.release();
            // The initiator's answer (RFC 7143 §11.18): immediate, ITT 0xffffffff, the tag echoed.
            advance(w, 9);
            w.send(new NopOut(true, 0, Bhs.NO_TAG, ping.ttt(), w.cmdSn, w.expStatSn, Unpooled.EMPTY_BUFFER));
            assertTrue(w.receive().isEmpty(), "the answer wants no reply");
            w.send(new NopOut(true, 0, 0x56, Bhs.NO_TAG, w.cmdSn, w.expStatSn, Unpooled.EMPTY_BUFFER));
            NopIn after = w.one(NopIn.class);
            assertEquals(ping.statSn(), after.statSn(), "the ping did not advance StatSN");
            w.expStatSn = after.statSn() + 1;
            after.release();
            advance(w, 2);
            assertTrue(w.target.isOpen(), "answered: kept past nop.timeout of the first ping");
            advance(w, 3);
            NopIn second = w.one(NopIn.class);
            assertNotEquals(ping.ttt(), second.ttt(), "a new tag per ping");
            second.release();
            advance(w, 9);
            assertTrue(w.target.isOpen());
            assertEquals(1, w.fabric.sessionInfos().size());
            advance(w, 1);
            assertFalse(w.target.isOpen(), "no answer within nop.timeout: connection dropped");
            assertEquals(List.of(), w.fabric.sessionInfos(), "its session ended (ErrorRecoveryLevel 0)");
        }
    }

    @Test
    void nopIntervalZeroSendsNoPings() {
        try (Wire w = new Wire(Wire.fabric(disk), limits("nop.interval", "0"))) {
            w.loginNormal();
            advance(w, 3600);
            List<Pdu> none = w.receive();
            assertTrue(none.isEmpty(), none::toString);
            assertTrue(w.target.isOpen());
        }
    }

    @Test
    void sessionsOverSessionsMaxAreOutOfResources() {
        disk.properties().put("sessions.max", "1");
        org.jstgt.iscsi.connection.Fabric fabric = Wire.fabric(disk);
        try (Wire first = new Wire(fabric); Wire second = new Wire(fabric); Wire again = new Wire(fabric);
                Wire third = new Wire(fabric)) {
            first.loginNormal();
            LoginResponse r = second.loginStep(true, 1, 3, "InitiatorName=iqn.2026-11.org.example:host2",
                    "TargetName=" + Wire.TARGET);
            assertEquals(0x0302, r.status(), "RFC 7143 §11.13.5 out of resources");
            r.release();
            assertFalse(second.target.isOpen());
            again.loginNormal();
            assertEquals(1, fabric.sessionInfos().size(), "reinstating the same session is not a new one");
            again.target.close();
            LoginResponse ok = third.loginStep(true, 1, 3, "InitiatorName=iqn.2026-11.org.example:host2",
                    "TargetName=" + Wire.TARGET);
            assertEquals(0, ok.status(), "the place of the closed session is free");
            ok.release();
        }
    }
}
