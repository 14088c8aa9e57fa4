package org.jstgt.iscsi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.util.List;

import org.jstgt.iscsi.connection.Fabric;
import org.jstgt.iscsi.login.LoginStatus;
import org.jstgt.iscsi.pdu.Bhs;
import org.jstgt.iscsi.pdu.LoginResponse;
import org.jstgt.iscsi.pdu.TextResponse;
import org.jstgt.iscsi.text.PortalEndpoint;
import org.jstgt.testkit.FakeScsiTarget;
import org.junit.jupiter.api.Test;

/**
 * Portal groups (RFC 7143 §4.4.1, §13.3, §13.9): portal files with the same tag form one group, a
 * target is offered on portals of several groups, SendTargets lists every address it may be
 * reached at with that address's tag, and a login learns the tag of the portal it came in on.
 */
class PortalGroupTest {
    private static final InetSocketAddress LOCAL_V4 = new InetSocketAddress("127.0.0.1", 3260);
    private static final InetSocketAddress LOCAL_V6 = new InetSocketAddress("::1", 3260);

    /**
     * "a" and "a2" are one group (tag 1), "b" another (tag 2), "c" a third (tag 3); the target is
     * offered on a, a2 and b, not on c.
     */
    private final FakeScsiTarget disk = new FakeScsiTarget(Wire.TARGET).portals(List.of("a", "a2", "b"));
    private final Fabric fabric = new Fabric(() -> FakeScsiTarget.registry(disk), () -> List.of(
            new PortalEndpoint("a", 1, List.of(new InetSocketAddress("127.0.0.1", 3260),
                    new InetSocketAddress("::1", 3260))),
            new PortalEndpoint("a2", 1, List.of(new InetSocketAddress("192.0.2.10", 3260))),
            new PortalEndpoint("b", 2, List.of(new InetSocketAddress("fd00:0:0:0:0:0:0:5", 3261),
                    new InetSocketAddress("0.0.0.0", 3262), new InetSocketAddress("::", 3263))),
            new PortalEndpoint("c", 3, List.of(new InetSocketAddress("127.0.0.1", 3264)))));

    private static List<String> sendTargets(Wire w) {
        LoginResponse r = w.loginStep(true, 1, 3, "InitiatorName=" + Wire.INITIATOR, "SessionType=Discovery");
        assertEquals(LoginStatus.SUCCESS, r.status());
        r.release();
        TextResponse t = DiscoveryTest.sendTargets(w, "All", Bhs.NO_TAG);
        List<String> pairs = Wire.pairs(t.data());
        t.release();
        return pairs;
    }

    @Test
    void sendTargetsListsEveryAddressOfEveryGroupWithItsTag() {
        try (Wire w = new Wire(fabric, "a", 1, LOCAL_V4)) {
            assertEquals(List.of("TargetName=" + Wire.TARGET, "TargetAddress=127.0.0.1:3260,1",
                    "TargetAddress=[::1]:3260,1", "TargetAddress=192.0.2.10:3260,1", "TargetAddress=[fd00::5]:3261,2",
                    "TargetAddress=127.0.0.1:3262,2", "TargetAddress=127.0.0.1:3263,2"), sendTargets(w),
                    "wildcards become the address asked; c is left out");
        }
        // through the other group the answer is the same
        try (Wire w = new Wire(fabric, "b", 2, new InetSocketAddress("fd00::5", 3261))) {
            assertEquals(List.of("TargetName=" + Wire.TARGET, "TargetAddress=127.0.0.1:3260,1",
                    "TargetAddress=[::1]:3260,1", "TargetAddress=192.0.2.10:3260,1", "TargetAddress=[fd00::5]:3261,2",
                    "TargetAddress=[fd00::5]:3263,2"), sendTargets(w),
                    "0.0.0.0 takes no IPv6 connection: not listed to one that came over IPv6; [::] is");
        }
        // through a portal the target is not offered on, it is not listed at all
        try (Wire w = new Wire(fabric, "c", 3, LOCAL_V4)) {
            assertEquals(List.of(), sendTargets(w));
        }
    }

    @Test
    void aLoginLearnsTheTagOfThePortalItCameInOn() {
        String[][] cases = {{"a", "1"}, {"a2", "1"}, {"b", "2"}};
        for (String[] c : cases) {
            int tag = Integer.parseInt(c[1]);
            try (Wire w = new Wire(fabric, c[0], tag, LOCAL_V6)) {
                LoginResponse r = w.loginStep(false, 0, 0, "InitiatorName=" + Wire.INITIATOR,
                        "TargetName=" + Wire.TARGET, "AuthMethod=None");
                assertEquals(LoginStatus.SUCCESS, r.status(), c[0]);
                assertEquals(c[1], Wire.keys(r.data()).get("TargetPortalGroupTag"), "first response through " + c[0]);
                r.release();
            }
        }
        try (Wire w = new Wire(fabric, "c", 3, LOCAL_V4)) {
            LoginResponse r = w.loginStep(true, 1, 3, "InitiatorName=" + Wire.INITIATOR, "TargetName=" + Wire.TARGET);
            assertEquals(LoginStatus.NOT_FOUND, r.status(), "not offered on portal c");
            r.release();
            assertFalse(w.target.isOpen());
        }
        assertTrue(disk.nexuses().isEmpty(), "no login went past its first request");
    }

    /**
     * The same initiator port (ISID) logged in through two groups has two sessions (the session is
     * the I_T nexus, and the target port is the group, RFC 7143 §4.4.1); through two portals of
     * one group a new login reinstates the older session (§6.3.5).
     */
    @Test
    void aSessionBelongsToItsPortalGroup() {
        try (Wire a = new Wire(fabric, "a", 1, LOCAL_V4); Wire b = new Wire(fabric, "b", 2, LOCAL_V4)) {
            a.loginNormal();
            b.loginNormal();
            assertEquals(2, fabric.sessionInfos().size(), "one session per group");
            assertNotEquals(disk.nexuses().get(0), disk.nexuses().get(1));
            try (Wire a2 = new Wire(fabric, "a2", 1, LOCAL_V4)) {
                a2.loginNormal();
                a.target.runPendingTasks();
                assertFalse(a.target.isOpen(), "the session through a was reinstated through a2, same group");
                assertTrue(disk.nexuses().get(0).closed());
                assertFalse(disk.nexuses().get(1).closed());
                assertEquals(2, fabric.sessionInfos().size());
                assertTrue(b.target.isOpen(), "the other group's session stays");
            }
        }
    }
}
