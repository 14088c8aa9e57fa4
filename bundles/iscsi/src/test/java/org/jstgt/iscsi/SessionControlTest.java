package org.jstgt.iscsi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.TimeUnit;

import org.jstgt.api.mgmt.ConnectionInfo;
import org.jstgt.api.mgmt.IoStats;
import org.jstgt.api.mgmt.SessionDetail;
import org.jstgt.iscsi.admin.SessionControl;
import org.jstgt.iscsi.connection.Fabric;
import org.jstgt.iscsi.pdu.AsyncMessage;
import org.jstgt.iscsi.pdu.LoginResponse;
import org.jstgt.iscsi.pdu.LogoutRequest;
import org.jstgt.iscsi.pdu.LogoutResponse;
import org.jstgt.iscsi.pdu.Pdu;
import org.jstgt.testkit.FakeScsiTarget;
import org.junit.jupiter.api.Test;

/**
 * An administrator's view of a live session ({@code iscsi:session-info}) and its logout on request
 * ({@code iscsi:session-logout}): AsyncEvent 1 with the seconds to log out, a normal logout ends
 * the session, an initiator that ignores it loses its connections when the time is up.
 */
class SessionControlTest {
    private final FakeScsiTarget disk = new FakeScsiTarget(Wire.TARGET);
    private final Fabric fabric = Wire.fabric(disk);
    private final SessionControl control = new SessionControl(fabric.sessions());

    @Test
    void aSessionInDetailHasItsConnectionsWindowAndErrorRecoveryLevel() {
        try (Wire w = new Wire(fabric)) {
            LoginResponse r = w.loginNormal("HeaderDigest=CRC32C,None", "MaxRecvDataSegmentLength=65536");
            w.switchDigests(true, false);
            SessionDetail d = control.detail(r.tsih()).orElseThrow();
            assertEquals(r.tsih(), d.session().tsih());
            assertEquals(Wire.INITIATOR, d.session().initiatorName());
            assertEquals(Wire.TARGET, d.session().targetName());
            assertEquals(1, d.connections().size());
            ConnectionInfo c = d.connections().get(0);
            assertEquals(1, c.cid());
            assertEquals("127.0.0.1:3260", c.local());
            assertEquals("127.0.0.2:40000", c.remote());
            assertEquals("FULL_FEATURE", c.state());
            assertEquals("CRC32C", c.headerDigest());
            assertEquals("None", c.dataDigest());
            assertEquals(65536, c.maxSendDataSegmentLength(), "what the initiator declared");
            assertEquals(Integer.parseInt(d.session().negotiated().stream()
                    .filter(s -> s.startsWith("MaxRecvDataSegmentLength(target)=")).findFirst().orElseThrow()
                    .split("=")[1]), c.maxRecvDataSegmentLength());
            assertEquals(w.expStatSn, c.statSn(), "the next StatSN is the one the initiator expects");
            assertEquals(r.expCmdSn(), d.expCmdSn());
            assertEquals(r.maxCmdSn(), d.maxCmdSn());
            assertEquals(0, d.errorRecoveryLevel());
            assertEquals(IoStats.EMPTY, d.stats());
        }
    }

    @Test
    void anUnknownTsihHasNoDetailAndNoLogout() {
        assertTrue(control.detail(77).isEmpty());
        assertFalse(control.logout(77));
    }

    @Test
    void anInitiatorThatLogsOutWhenAskedEndsItsSessionNormally() {
        try (Wire w = new Wire(fabric)) {
            LoginResponse r = w.loginNormal();
            assertTrue(control.logout(r.tsih()));
            AsyncMessage ask = w.one(AsyncMessage.class);
            assertEquals(AsyncMessage.EVENT_LOGOUT_REQUESTED, ask.asyncEvent());
            assertEquals(SessionControl.LOGOUT_SECONDS, ask.parameter3(), "seconds to log out (RFC 7143 §11.9.1)");
            assertEquals(w.expStatSn, ask.statSn());
            w.expStatSn = ask.statSn() + 1;
            ask.release();

            w.send(new LogoutRequest(true, LogoutRequest.CLOSE_SESSION, 0x77, 1, w.cmdSn, w.expStatSn));
            LogoutResponse out = w.one(LogoutResponse.class);
            assertEquals(LogoutResponse.SUCCESS, out.response());
            assertFalse(w.target.isOpen());
            assertTrue(fabric.sessionInfos().isEmpty());
            assertTrue(disk.lastNexus().closed());
            assertTrue(control.detail(r.tsih()).isEmpty());

            w.target.advanceTimeBy(SessionControl.LOGOUT_SECONDS, TimeUnit.SECONDS);
            w.target.runPendingTasks();
            assertEquals(List.of(), w.receive(), "nothing more once it logged out");
        }
    }

    @Test
    void anInitiatorThatIgnoresTheRequestIsClosedWhenItsTimeIsUp() {
        FakeScsiTarget other = new FakeScsiTarget("iqn.2026-11.org.jstgt:other");
        Fabric f = Wire.fabric(disk, other);
        SessionControl c = new SessionControl(f.sessions());
        try (Wire w = new Wire(f); Wire kept = new Wire(f)) {
            LoginResponse r = w.loginNormal();
            LoginResponse k = kept.loginStep(true, 1, 3, "InitiatorName=" + Wire.INITIATOR,
                    "TargetName=iqn.2026-11.org.jstgt:other", "SessionType=Normal");
            k.release();
            assertTrue(c.logout(r.tsih()));
            w.one(AsyncMessage.class).release();
            assertEquals(List.of(), kept.receive(), "another session sees nothing");

            w.target.advanceTimeBy(SessionControl.LOGOUT_SECONDS - 1, TimeUnit.SECONDS);
            w.target.runPendingTasks();
            assertTrue(w.target.isOpen(), "the initiator has its time");
            w.target.advanceTimeBy(1, TimeUnit.SECONDS);
            w.target.runPendingTasks();
            assertFalse(w.target.isOpen(), "closed when its time is up");
            assertEquals(List.of(k.tsih()), f.sessionInfos().stream().map(s -> s.tsih()).toList());
            assertTrue(disk.lastNexus().closed(), "the session's nexus is closed");
            assertTrue(kept.target.isOpen());
        }
    }

    @Test
    void aDiscoverySessionIsClosedAtOnce() {
        try (Wire w = new Wire(fabric)) {
            LoginResponse r = w.loginStep(true, 1, 3, "InitiatorName=" + Wire.INITIATOR, "SessionType=Discovery");
            r.release();
            assertTrue(control.logout(r.tsih()));
            w.target.runPendingTasks();
            assertEquals(List.of(), w.receive().stream().peek(Pdu::release).toList(), "no Asynchronous Message");
            assertFalse(w.target.isOpen());
            assertTrue(fabric.sessionInfos().isEmpty());
        }
    }
}
