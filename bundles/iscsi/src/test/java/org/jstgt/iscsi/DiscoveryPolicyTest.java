package org.jstgt.iscsi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;

import org.jstgt.api.Pids;
import org.jstgt.api.auth.AuthContext;
import org.jstgt.api.auth.Authenticator;
import org.jstgt.iscsi.AuthenticationTest.FakeMethod;
import org.jstgt.iscsi.connection.Fabric;
import org.jstgt.iscsi.login.LoginStatus;
import org.jstgt.iscsi.pdu.Bhs;
import org.jstgt.iscsi.pdu.LoginResponse;
import org.jstgt.iscsi.pdu.TextResponse;
import org.jstgt.iscsi.security.AuthPolicy;
import org.jstgt.iscsi.security.Authenticators;
import org.jstgt.iscsi.security.DiscoveryPolicy;
import org.jstgt.iscsi.security.SecurityStage;
import org.jstgt.testkit.FakeScsiTarget;
import org.junit.jupiter.api.Test;

/**
 * Discovery sessions authenticate as {@code etc/jstgt.discovery.cfg} says: {@code auth = none}
 * (the default), {@code chap} or {@code mutual} through the Authenticator registered for CHAP,
 * the file's keys handed to it; a bad value refuses discovery logins as a target error.
 */
class DiscoveryPolicyTest {
    private static final String FILE = "/opt/jstgt/etc/jstgt.discovery.cfg";
    private static final String OTHER = "iqn.2026-11.org.example:host2";

    private final FakeScsiTarget disk = new FakeScsiTarget(Wire.TARGET);
    private final Authenticators authenticators = new Authenticators();
    private final Fabric fabric = new Fabric(() -> FakeScsiTarget.registry(disk), Wire.fabric(disk).portals(),
            authenticators);

    private static DiscoveryPolicy policy(String... kv) {
        Map<String, Object> m = new java.util.HashMap<>();
        m.put(Pids.FILEINSTALL_FILENAME, "file:" + FILE);
        m.put("component.name", "org.jstgt.iscsi.IscsiServer");
        for (int i = 0; i < kv.length; i += 2) {
            m.put(kv[i], kv[i + 1]);
        }
        return DiscoveryPolicy.from(m);
    }

    /** A discovery login straight into the operational stage, as initiators do without authentication. */
    private static LoginResponse plainDiscovery(Wire w, String initiator) {
        return w.loginStep(true, 1, 3, "InitiatorName=" + initiator, "SessionType=Discovery");
    }

    private static void assertSeesTheTarget(Wire w) {
        TextResponse r = DiscoveryTest.sendTargets(w, "All", Bhs.NO_TAG);
        assertEquals("TargetName=" + Wire.TARGET, Wire.pairs(r.data()).get(0));
        r.release();
    }

    @Test
    void byDefaultDiscoveryNeedsNoAuthentication() {
        assertEquals(AuthPolicy.NONE, fabric.discoveryPolicy().auth());
        try (Wire w = new Wire(fabric)) {
            LoginResponse r = plainDiscovery(w, Wire.INITIATOR);
            assertEquals(LoginStatus.SUCCESS, r.status());
            r.release();
            assertSeesTheTarget(w);
        }
        DiscoveryPolicy empty = DiscoveryPolicy.from(Map.of("component.name", "x", "component.id", 4L));
        assertEquals(AuthPolicy.NONE, empty.auth(), "no file: none");
        assertEquals(Map.of(), empty.properties(), "the keys DS adds are not the file's");
        assertEquals(Pids.DISCOVERY, empty.origin());
        assertEquals(AuthPolicy.NONE, policy("auth", " ").auth(), "blank: none");
        assertEquals("mutual", policy("auth", " Mutual ").auth().value());
    }

    @Test
    void chapDiscoveryRunsTheMethodWithTheFilesKeys() {
        fabric.discoveryPolicy(policy("auth", "chap", "auth.groups", "discoverers", "chap.algorithms", "SHA-256,MD5"));
        FakeMethod method = new FakeMethod();
        authenticators.add(method, Map.of(Authenticator.METHOD, "CHAP"));
        try (Wire w = new Wire(fabric)) {
            LoginResponse r1 = w.loginStep(false, 0, 1, "InitiatorName=" + Wire.INITIATOR, "SessionType=Discovery",
                    "AuthMethod=CHAP,None");
            assertEquals(LoginStatus.SUCCESS, r1.status());
            assertEquals("CHAP", Wire.keys(r1.data()).get("AuthMethod"));
            r1.release();
            AuthContext c = method.started.get(0);
            assertEquals("CHAP", c.method());
            assertEquals("chap", c.policy());
            assertTrue(c.discovery());
            assertEquals("", c.targetName());
            assertEquals(Wire.INITIATOR, c.initiatorName());
            assertEquals("discoverers", c.properties().get("auth.groups"));
            assertEquals("SHA-256,MD5", c.properties().get("chap.algorithms"));
            assertFalse(c.properties().containsKey("component.name"));
            assertEquals(FILE, c.origin());

            w.loginStep(false, 0, 1, "X_A=7").release();
            LoginResponse r3 = w.loginStep(true, 0, 1, "X_N=user", "X_R=321cba");
            assertEquals(LoginStatus.SUCCESS, r3.status());
            assertTrue(r3.transit());
            r3.release();
            LoginResponse r4 = w.loginStep(true, 1, 3);
            assertEquals(LoginStatus.SUCCESS, r4.status());
            assertNotEquals(0, r4.tsih());
            r4.release();
            assertSeesTheTarget(w);
        }
        try (Wire w = new Wire(fabric)) {
            LoginResponse r = plainDiscovery(w, OTHER);
            assertEquals(LoginStatus.AUTHENTICATION_FAILURE, r.status(), "CHAP cannot be skipped");
            r.release();
        }
        try (Wire w = new Wire(fabric)) {
            LoginResponse r = w.loginStep(true, 0, 1, "InitiatorName=" + OTHER, "SessionType=Discovery",
                    "AuthMethod=None");
            assertEquals(LoginStatus.AUTHENTICATION_FAILURE, r.status(), "nor refused");
            r.release();
        }
        try (Wire w = new Wire(fabric)) {
            LoginResponse r = w.loginStep(true, 1, 3, "InitiatorName=" + OTHER, "TargetName=" + Wire.TARGET);
            assertEquals(LoginStatus.SUCCESS, r.status(), "Normal sessions follow their target's auth (none)");
            r.release();
        }
    }

    @Test
    void chapDiscoveryWithoutAnAuthenticatorIsATargetError() {
        fabric.discoveryPolicy(policy("auth", "mutual"));
        try (Wire w = new Wire(fabric)) {
            LoginResponse r = w.loginStep(false, 0, 1, "InitiatorName=" + Wire.INITIATOR, "SessionType=Discovery",
                    "AuthMethod=CHAP,None");
            assertEquals(LoginStatus.TARGET_ERROR, r.status());
            r.release();
            assertFalse(w.target.isOpen());
        }
    }

    @Test
    void aBadAuthValueRefusesDiscoveryLoginsNamingTheFileAndKey() {
        DiscoveryPolicy bad = policy("auth", "chapp");
        assertEquals("chapp", bad.auth().value(), "kept, not replaced by a default");
        fabric.discoveryPolicy(bad);
        authenticators.add(new FakeMethod(), Map.of(Authenticator.METHOD, "CHAP"));
        for (String method : List.of("AuthMethod=None", "AuthMethod=CHAP")) {
            try (Wire w = new Wire(fabric)) {
                LoginResponse r = w.loginStep(false, 0, 1, "InitiatorName=" + Wire.INITIATOR, "SessionType=Discovery",
                        method);
                assertEquals(LoginStatus.TARGET_ERROR, r.status(), method);
                r.release();
            }
        }
        try (Wire w = new Wire(fabric)) {
            LoginResponse r = plainDiscovery(w, Wire.INITIATOR);
            assertEquals(LoginStatus.TARGET_ERROR, r.status());
            r.release();
        }
        SecurityStage.Refusal no = new SecurityStage(authenticators).require(bad.auth(), bad.origin(), () -> null);
        assertTrue(no.why().startsWith(FILE + ": key auth: 'chapp'"), no.why());
    }

    /** A change reaches the next discovery login; a discovery session already open goes on. */
    @Test
    void aChangeAppliesToTheNextLoginAndLeavesOpenSessionsAlone() {
        try (Wire open = new Wire(fabric)) {
            LoginResponse r = plainDiscovery(open, Wire.INITIATOR);
            assertEquals(LoginStatus.SUCCESS, r.status());
            r.release();

            fabric.discoveryPolicy(policy("auth", "chap"));
            try (Wire w = new Wire(fabric)) {
                LoginResponse refused = plainDiscovery(w, OTHER);
                assertEquals(LoginStatus.TARGET_ERROR, refused.status(), "CHAP now, and no Authenticator");
                refused.release();
            }
            assertTrue(open.target.isOpen());
            assertSeesTheTarget(open);

            fabric.discoveryPolicy(policy());
            try (Wire w = new Wire(fabric)) {
                LoginResponse again = plainDiscovery(w, OTHER);
                assertEquals(LoginStatus.SUCCESS, again.status(), "the file without auth: none");
                again.release();
            }
        }
    }

    /** The server reads the policy when it starts and again on every change of the PID. */
    @Test
    void theServerAppliesItsConfiguration() {
        IscsiServer server = new IscsiServer(FakeScsiTarget.registry(disk), "nio");
        try {
            assertEquals(AuthPolicy.NONE, server.fabric().discoveryPolicy().auth());
            server.modified(Map.of(Pids.FILEINSTALL_FILENAME, "file:" + FILE, "auth", "chap", "auth.groups", "d"));
            DiscoveryPolicy p = server.fabric().discoveryPolicy();
            assertEquals("chap", p.auth().value());
            assertEquals("d", p.properties().get("auth.groups"));
            assertEquals(FILE, p.origin());
            server.modified(Map.of("component.name", "org.jstgt.iscsi.IscsiServer"));
            assertEquals(AuthPolicy.NONE, server.fabric().discoveryPolicy().auth(), "the file removed");
        } finally {
            server.deactivate();
        }
    }
}
