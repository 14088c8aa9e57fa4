package org.jstgt.iscsi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import org.jstgt.iscsi.connection.Fabric;
import org.jstgt.iscsi.login.LoginStatus;
import org.jstgt.iscsi.login.Redirection;
import org.jstgt.iscsi.pdu.Bhs;
import org.jstgt.iscsi.pdu.LoginResponse;
import org.jstgt.iscsi.pdu.TextResponse;
import org.jstgt.testkit.FakeScsiTarget;
import org.jstgt.testkit.Initiator;
import org.jstgt.testkit.InitiatorOptions;
import org.jstgt.testkit.LoginFailedException;
import org.junit.jupiter.api.Test;

/**
 * Login redirection (RFC 7143 §11.13.5, §13.8): a target with {@code redirect} answers the first
 * request of a Normal login with 0x0101 or 0x0102 and {@code TargetAddress}, creates no session
 * and closes the connection; a bad value refuses logins (0x0301) and is logged with file and key.
 */
class RedirectTest {

    private static FakeScsiTarget target(String... keyValues) {
        FakeScsiTarget t = new FakeScsiTarget(Wire.TARGET);
        for (int i = 0; i < keyValues.length; i += 2) {
            t.properties().put(keyValues[i], keyValues[i + 1]);
        }
        return t;
    }

    /** Logs in (first request in the security or the operational stage) and returns the one answer. */
    private static LoginResponse firstAnswer(Wire w, int csg, String... extra) {
        List<String> kv = new ArrayList<>(List.of("InitiatorName=" + Wire.INITIATOR,
                "TargetName=" + Wire.TARGET, "SessionType=Normal"));
        kv.addAll(List.of(extra));
        return w.loginStep(true, csg, csg == 0 ? 1 : 3, kv.toArray(new String[0]));
    }

    @Test
    void temporaryRedirectAnswersTheFirstRequestAndClosesTheConnection() {
        FakeScsiTarget t = target(Redirection.KEY, "192.0.2.7:3261");
        Fabric f = Wire.fabric(t);
        for (int csg : new int[] {0, 1}) {
            try (Wire w = new Wire(f)) {
                LoginResponse r = firstAnswer(w, csg, csg == 0 ? "AuthMethod=None" : "HeaderDigest=None");
                assertEquals(1, r.statusClass(), "Redirection");
                assertEquals(1, r.statusDetail(), "Target moved temporarily");
                assertEquals(List.of("TargetAddress=192.0.2.7:3261"), Wire.pairs(r.data()),
                        "only the address: no negotiation answer, no portal group tag (RFC 7143 §13.8)");
                assertFalse(r.transit());
                assertEquals(csg, r.csg());
                assertEquals(0, r.tsih());
                assertEquals(Wire.ISID, r.isid());
                r.release();
                assertFalse(w.target.isOpen(), "the connection closes after the redirect");
            }
        }
        assertTrue(t.nexuses().isEmpty(), "no session");
        assertTrue(f.sessionInfos().isEmpty());
    }

    @Test
    void permanentRedirectToSeveralAddressesIPv6Bracketed() {
        FakeScsiTarget t = target(Redirection.KEY, "[FD00:0:0::2]:3260, [::1], storage-2.example.com, 10.0.0.9",
                Redirection.TYPE_KEY, " Permanent ");
        try (Wire w = new Wire(Wire.fabric(t))) {
            LoginResponse r = firstAnswer(w, 1);
            assertEquals(LoginStatus.TARGET_MOVED_PERMANENTLY, r.status());
            assertEquals(List.of("TargetAddress=[fd00::2]:3260", "TargetAddress=[::1]:3260",
                    "TargetAddress=storage-2.example.com:3260", "TargetAddress=10.0.0.9:3260"), Wire.pairs(r.data()),
                    "in the order configured, IPv6 in brackets and RFC 5952 form, the port always written");
            r.release();
            assertFalse(w.target.isOpen());
        }
        assertTrue(t.nexuses().isEmpty());
    }

    /**
     * The redirect comes after the target's own checks (a denied initiator learns nothing of the
     * new address) and before authentication (RFC 7143 §11.13.5: before or after the security
     * negotiation; a CHAP target redirects without a challenge).
     */
    @Test
    void theRedirectComesAfterTheAclAndBeforeAuthentication() {
        FakeScsiTarget denied = target(Redirection.KEY, "192.0.2.7").allowOnly(Set.of("iqn.2026-11.org.x:y"));
        try (Wire w = new Wire(Wire.fabric(denied))) {
            LoginResponse r = firstAnswer(w, 1);
            assertEquals(LoginStatus.AUTHORIZATION_FAILURE, r.status());
            assertEquals(List.of(), Wire.pairs(r.data()));
            r.release();
        }
        FakeScsiTarget chap = target(Redirection.KEY, "192.0.2.7", "auth", "chap", "auth.groups", "alice");
        try (Wire w = new Wire(Wire.fabric(chap))) {
            LoginResponse r = firstAnswer(w, 0, "AuthMethod=CHAP");
            assertEquals(LoginStatus.TARGET_MOVED_TEMPORARILY, r.status(), "no authenticator is even needed");
            assertEquals(List.of("TargetAddress=192.0.2.7:3260"), Wire.pairs(r.data()));
            r.release();
        }
    }

    /**
     * Discovery is not redirected: SendTargets lists the target at its own portals (the initiator
     * logs in there and is redirected), as RFC 7143 §11.13.5 makes redirection a login answer.
     */
    @Test
    void discoveryStillListsTheTargetsOwnPortals() {
        FakeScsiTarget t = target(Redirection.KEY, "192.0.2.7");
        try (Wire w = new Wire(Wire.fabric(t))) {
            LoginResponse r = w.loginStep(true, 1, 3, "InitiatorName=" + Wire.INITIATOR, "SessionType=Discovery");
            assertEquals(LoginStatus.SUCCESS, r.status());
            r.release();
            TextResponse st = DiscoveryTest.sendTargets(w, "All", Bhs.NO_TAG);
            assertEquals(List.of("TargetName=" + Wire.TARGET, "TargetAddress=127.0.0.1:3260,1",
                    "TargetAddress=[::1]:3260,1"), Wire.pairs(st.data()));
            st.release();
        }
    }

    @Test
    void badValuesAreLoggedWithFileAndKeyAndRefuseLogins() {
        String[][] bad = {
            {Redirection.KEY, "::1:3260"},
            {Redirection.KEY, "192.0.2.7:3260,2"},
            {Redirection.KEY, "192.0.2.300"},
            {Redirection.KEY, "[fe80::1%eth0]:3260"},
            {Redirection.KEY, "host_name.example"},
            {Redirection.KEY, "192.0.2.7:0"},
            {Redirection.KEY, "0.0.0.0:3260"},
            {Redirection.KEY, "192.0.2.7,,192.0.2.8"},
            {Redirection.KEY, "192.0.2.7", Redirection.TYPE_KEY, "forever"},
        };
        for (String[] kv : bad) {
            FakeScsiTarget t = target(kv);
            try (LogCapture log = new LogCapture(); Wire w = new Wire(Wire.fabric(t))) {
                LoginResponse r = firstAnswer(w, 1);
                assertEquals(LoginStatus.SERVICE_UNAVAILABLE, r.status(), String.join(" ", kv));
                assertEquals(List.of(), Wire.pairs(r.data()));
                r.release();
                assertFalse(w.target.isOpen());
                String key = kv.length > 2 ? Redirection.TYPE_KEY : Redirection.KEY;
                assertTrue(log.lines().stream().anyMatch(l -> l.contains("ERROR") && l.contains(t.origin() + ": key "
                        + key + ":")), () -> String.join(" ", kv) + ": " + log.lines());
            }
            assertTrue(t.nexuses().isEmpty());
        }
    }

    @Test
    void emptyValueIsNoRedirectAndATypeAloneIsIgnored() {
        for (String[] kv : new String[][] {{Redirection.KEY, " "}, {Redirection.TYPE_KEY, "permanent"}}) {
            try (Wire w = new Wire(Wire.fabric(target(kv)))) {
                w.loginNormal();
                assertTrue(w.target.isOpen());
            }
        }
    }

    /**
     * Over TCP, as an initiator sees it: the old server answers 0x0101 with the new portal's
     * address, the initiator connects there and logs in; no session is left on the old one.
     */
    @Test
    void anInitiatorFollowsTheRedirectToTheNewPortal() throws Exception {
        FakeScsiTarget moved = new FakeScsiTarget(Wire.TARGET);
        FakeScsiTarget here = new FakeScsiTarget(Wire.TARGET);
        IscsiServer oldServer = new IscsiServer(FakeScsiTarget.registry(moved), "nio");
        IscsiServer newServer = new IscsiServer(FakeScsiTarget.registry(here), "nio");
        try {
            InetSocketAddress to = newServer.open("new", "etc/jstgt.portal-new.cfg", 2, List.of("127.0.0.1:0"),
                    List.of(new InetSocketAddress("127.0.0.1", 0))).bound().get(0);
            InetSocketAddress from = oldServer.open("old", "etc/jstgt.portal-old.cfg", 1, List.of("127.0.0.1:0"),
                    List.of(new InetSocketAddress("127.0.0.1", 0))).bound().get(0);
            moved.properties().put(Redirection.KEY, "127.0.0.1:" + to.getPort());
            LoginFailedException redirect;
            try (Initiator i = Initiator.connect(from, InitiatorOptions.defaults())) {
                redirect = assertThrows(LoginFailedException.class, () -> i.login(Wire.TARGET));
            }
            assertEquals(LoginStatus.TARGET_MOVED_TEMPORARILY, redirect.status());
            assertEquals(List.of("127.0.0.1:" + to.getPort()), redirect.targetAddresses());
            String[] hostPort = redirect.targetAddresses().get(0).split(":");
            try (Initiator i = Initiator.connect(new InetSocketAddress(hostPort[0], Integer.parseInt(hostPort[1])),
                    InitiatorOptions.defaults())) {
                i.login(Wire.TARGET);
                assertTrue(i.tsih() != 0);
                i.logout();
            }
            assertTrue(moved.nexuses().isEmpty(), "no session on the old server");
            assertEquals(1, here.nexuses().size());
        } finally {
            oldServer.deactivate();
            newServer.deactivate();
        }
    }
}

