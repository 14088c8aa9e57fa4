package org.jstgt.iscsi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import org.jstgt.iscsi.connection.Fabric;
import org.jstgt.iscsi.login.LoginStatus;
import org.jstgt.iscsi.pdu.AsyncMessage;
import org.jstgt.iscsi.pdu.LoginResponse;
import org.jstgt.iscsi.pdu.Pdu;
import org.jstgt.testkit.FakeScsiTarget;
import org.junit.jupiter.api.Test;

/**
 * The fabric side of target access: a target whose file is invalid takes no login (0x0301), and
 * a session its target no longer admits is asked to log out and closed after the grace time,
 * while the other sessions see nothing.
 */
class AccessTest {
    private static final String OTHER = "iqn.2026-11.org.example:host2";

    private final FakeScsiTarget disk = new FakeScsiTarget(Wire.TARGET);
    private final Fabric fabric = Wire.fabric(disk);

    private static LoginResponse login(Wire w, String initiator) {
        return w.loginStep(true, 1, 3, "InitiatorName=" + initiator, "TargetName=" + Wire.TARGET,
                "SessionType=Normal");
    }

    private static void loggedIn(Wire w, String initiator) {
        LoginResponse r = login(w, initiator);
        r.release();
        assertEquals(LoginStatus.SUCCESS, r.status(), "login of " + initiator);
        w.receive().forEach(Pdu::release);
    }

    @Test
    void aTargetWithAnInvalidFileRefusesLoginsWithARetryableStatus() {
        disk.available(false);
        try (Wire w = new Wire(fabric)) {
            LoginResponse r = login(w, Wire.INITIATOR);
            r.release();
            // RFC 7143 §11.13.5: class 3 (target error), "service unavailable": the initiator retries
            assertEquals(LoginStatus.SERVICE_UNAVAILABLE, r.status());
            assertFalse(w.target.isOpen());
            assertTrue(disk.nexuses().isEmpty());
        }
        disk.available(true);
        try (Wire w = new Wire(fabric)) {
            LoginResponse r = login(w, Wire.INITIATOR);
            r.release();
            assertEquals(LoginStatus.SUCCESS, r.status(), "fixed: logins are taken again");
        }
    }

    @Test
    void aSessionNoLongerAdmittedIsAskedToLogOutThenClosedWhileOthersStay() {
        try (Wire revoked = new Wire(fabric); Wire kept = new Wire(fabric)) {
            loggedIn(revoked, Wire.INITIATOR);
            loggedIn(kept, OTHER);
            assertEquals(2, fabric.sessionInfos().size());

            disk.allowOnly(Set.of(OTHER));

            AsyncMessage ask = revoked.one(AsyncMessage.class);
            assertEquals(AsyncMessage.EVENT_LOGOUT_REQUESTED, ask.asyncEvent());
            assertEquals(2, ask.parameter3(), "seconds to log out");
            ask.release();
            assertEquals(List.of(), kept.receive(), "an admitted session sees nothing");
            assertTrue(revoked.target.isOpen(), "the initiator has its grace time");

            revoked.target.advanceTimeBy(2, TimeUnit.SECONDS);
            revoked.target.runPendingTasks();
            assertFalse(revoked.target.isOpen(), "closed when the grace time is up");
            assertTrue(kept.target.isOpen());
            assertEquals(1, fabric.sessionInfos().size());
            assertEquals(OTHER, fabric.sessionInfos().get(0).initiatorName());
            assertTrue(disk.nexuses().get(0).closed(), "the revoked session's nexus is closed");
            assertFalse(disk.nexuses().get(1).closed());

            // a later change does not ask again
            disk.allowOnly(Set.of(OTHER));
            assertEquals(List.of(), kept.receive());
        }
    }

    @Test
    void theGraceTimeIsTheTargetsRevokeLogoutSecondsAndZeroClosesAtOnce() {
        disk.properties().put("revoke.logout.seconds", "0");
        try (Wire w = new Wire(fabric)) {
            loggedIn(w, Wire.INITIATOR);
            disk.allowOnly(Set.of(OTHER));
            w.target.runPendingTasks();
            assertFalse(w.target.isOpen(), "closed at once");
            assertTrue(fabric.sessionInfos().isEmpty());
        }
        disk.allowAll();
        disk.properties().put("revoke.logout.seconds", "an hour");
        try (Wire w = new Wire(fabric)) {
            loggedIn(w, Wire.INITIATOR);
            disk.allowOnly(Set.of(OTHER));
            AsyncMessage ask = w.one(AsyncMessage.class);
            assertEquals(2, ask.parameter3(), "a bad value: the default");
            ask.release();
        }
    }

    @Test
    void aChangeThatStillAdmitsTheSessionLeavesItAlone() {
        try (Wire w = new Wire(fabric)) {
            loggedIn(w, Wire.INITIATOR);
            disk.allowOnly(Set.of(Wire.INITIATOR, OTHER));
            disk.available(false);
            assertEquals(List.of(), w.receive(), "still admitted: no logout request");
            w.target.advanceTimeBy(5, TimeUnit.SECONDS);
            w.target.runPendingTasks();
            assertTrue(w.target.isOpen());
        }
    }
}
