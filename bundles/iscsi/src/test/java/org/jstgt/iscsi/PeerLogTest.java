package org.jstgt.iscsi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.jstgt.iscsi.log.LogBudget;
import org.jstgt.iscsi.login.LoginStatus;
import org.jstgt.iscsi.pdu.Bhs;
import org.jstgt.iscsi.pdu.LoginResponse;
import org.jstgt.iscsi.pdu.Pdu;
import org.jstgt.iscsi.pdu.Reject;
import org.jstgt.iscsi.pdu.TextRequest;
import org.jstgt.testkit.FakeScsiTarget;
import org.junit.jupiter.api.Test;

/** What a peer sends reaches the log escaped and bounded, and one connection cannot flood it. */
class PeerLogTest {
    private static final String FORGED = "[main] ERROR org.jstgt.scsi forged";

    private final FakeScsiTarget disk = new FakeScsiTarget(Wire.TARGET);

    private static int loginStatus(Wire w, String... kv) {
        LoginResponse r = w.loginStep(true, 1, 3, kv);
        r.release();
        return r.status();
    }

    private static void assertNoForgedLine(List<String> lines) {
        assertEquals(List.of(), lines.stream().filter(l -> l.startsWith(FORGED)).toList(), "forged lines");
    }

    @Test
    void anInitiatorNameWithLineBreaksIsRefusedAndLoggedEscaped() {
        try (LogCapture log = new LogCapture(); Wire w = new Wire(Wire.fabric(disk))) {
            String name = "iqn.2026-11.org.example:x\r\n" + FORGED;
            assertEquals(LoginStatus.INITIATOR_ERROR, loginStatus(w, "InitiatorName=" + name,
                    "TargetName=" + Wire.TARGET), "control characters are not in an iSCSI name (RFC 3722 §6.1)");
            assertNoForgedLine(log.lines());
            assertTrue(log.lines().stream().anyMatch(l -> l.contains("x\\r\\n" + FORGED)), () -> "" + log.lines());
        }
    }

    @Test
    void aTargetNameWithLineBreaksOrOfAnyLengthIsLoggedEscapedAndCut() {
        try (LogCapture log = new LogCapture(); Wire w = new Wire(Wire.fabric(disk))) {
            String asked = "iqn.2026-11.org.example:t\n" + FORGED + "y".repeat(8000);
            assertEquals(LoginStatus.NOT_FOUND, loginStatus(w, "InitiatorName=" + Wire.INITIATOR,
                    "TargetName=" + asked));
            List<String> lines = log.lines();
            assertNoForgedLine(lines);
            String refused = lines.stream().filter(l -> l.contains("refused")).findFirst().orElseThrow();
            assertTrue(refused.contains("t\\n" + FORGED), refused);
            assertTrue(refused.length() < 1200 && refused.endsWith("..."), "cut: " + refused.length());
        }
    }

    @Test
    void badTextRequestsOfOneConnectionAreLoggedUpToTheBudget() {
        try (LogCapture log = new LogCapture(); Wire w = new Wire(Wire.fabric(disk))) {
            LoginResponse r = w.loginStep(true, 1, 3, "InitiatorName=" + Wire.INITIATOR, "SessionType=Discovery");
            r.release();
            for (int i = 0; i < 200; i++) {
                w.send(new TextRequest(true, true, false, 0, ++w.itt, Bhs.NO_TAG, w.cmdSn, w.expStatSn,
                        Wire.text("no\r\n" + FORGED)));
                Reject reject = w.one(Reject.class);
                reject.release();
            }
            assertTrue(w.target.isOpen(), "a bad text request is rejected, the connection goes on");
            List<String> lines = log.lines();
            assertNoForgedLine(lines);
            assertEquals(LogBudget.DEFAULT_LIMIT, lines.stream().filter(l -> l.contains("bad text request")).count());
            assertEquals(1, lines.stream().filter(l -> l.contains("suppressed")).count(), () -> "" + lines);
            w.receive().forEach(Pdu::release);
        }
    }

    @Test
    void refusedLoginsFromOneAddressAreLoggedOnceAMinute() {
        try (LogCapture log = new LogCapture()) {
            var fabric = Wire.fabric(disk);
            for (int i = 0; i < 20; i++) {
                try (Wire w = new Wire(fabric)) {
                    assertEquals(LoginStatus.NOT_FOUND, loginStatus(w, "InitiatorName=" + Wire.INITIATOR,
                            "TargetName=iqn.2026-11.org.example:nowhere"));
                }
            }
            List<String> lines = log.lines();
            assertEquals(1, lines.stream().filter(l -> l.contains("refused with status 0x0203")).count(),
                    () -> "" + lines);
        }
    }
}
