package org.jstgt.iscsi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.jstgt.api.auth.AuthContext;
import org.jstgt.api.auth.AuthExchange;
import org.jstgt.api.auth.AuthStep;
import org.jstgt.api.auth.Authenticator;
import org.jstgt.iscsi.connection.Fabric;
import org.jstgt.iscsi.pdu.LoginResponse;
import org.jstgt.iscsi.security.Authenticators;
import org.jstgt.iscsi.text.PortalEndpoint;
import org.jstgt.testkit.FakeScsiTarget;
import org.junit.jupiter.api.Test;

/** The login's security stage asks the Authenticator service registered for the target's policy. */
class AuthenticationTest {
    private final FakeScsiTarget disk = new FakeScsiTarget(Wire.TARGET);
    private final Authenticators authenticators = new Authenticators();
    private final Fabric fabric = new Fabric(() -> FakeScsiTarget.registry(disk), () -> List.of(
            new PortalEndpoint("main", 1, List.of(new InetSocketAddress("127.0.0.1", 3260)))), authenticators);

    /**
     * A made-up two-step method under the name CHAP: X_A is answered with a challenge X_C, then
     * X_R must be the challenge reversed.
     */
    static final class FakeMethod implements Authenticator {
        final List<AuthContext> started = new ArrayList<>();
        final List<String> received = new ArrayList<>();
        long failureDelay;
        int closed;

        @Override
        public Set<String> keys() {
            return Set.of("X_A", "X_C", "X_N", "X_R");
        }

        @Override
        public AuthExchange start(AuthContext context) {
            started.add(context);
            return new AuthExchange() {
                @Override
                public AuthStep step(List<Map.Entry<String, String>> keys, boolean transit) {
                    for (Map.Entry<String, String> e : keys) {
                        received.add(e.getKey() + "=" + e.getValue() + (transit ? " T" : ""));
                    }
                    Map<String, String> m = new java.util.HashMap<>();
                    keys.forEach(e -> m.put(e.getKey(), e.getValue()));
                    if (m.containsKey("X_A")) {
                        return AuthStep.next(List.of(Map.entry("X_A", m.get("X_A")), Map.entry("X_C", "abc123")));
                    }
                    if (m.containsKey("X_R")) {
                        return m.get("X_R").equals("321cba") ? AuthStep.success(List.of(), m.get("X_N"))
                                : AuthStep.failure("wrong response", failureDelay);
                    }
                    return AuthStep.next(List.of());
                }

                @Override
                public void close() {
                    closed++;
                }
            };
        }
    }

    private static Map<String, Object> chap() {
        return Map.of(Authenticator.METHOD, "CHAP");
    }

    @Test
    void noneStillNeedsNoService() {
        try (Wire w = new Wire(fabric)) {
            LoginResponse r1 = w.loginStep(true, 0, 1, "InitiatorName=" + Wire.INITIATOR, "TargetName=" + Wire.TARGET,
                    "AuthMethod=None");
            assertEquals(0, r1.status());
            assertEquals("None", Wire.keys(r1.data()).get("AuthMethod"));
            assertTrue(r1.transit());
            r1.release();
            LoginResponse r2 = w.loginStep(true, 1, 3);
            assertEquals(0, r2.status());
            assertNotEquals(0, r2.tsih());
            r2.release();
            assertEquals(List.of(""), fabric.sessionInfos().stream()
                    .map(org.jstgt.api.mgmt.SessionInfo::authentication).toList(), "no authentication, nothing named");
        }
    }

    @Test
    void aRegisteredAuthenticatorDrivesTheExchange() {
        disk.properties().put("auth", "chap");
        disk.properties().put("auth.groups", "team");
        FakeMethod method = new FakeMethod();
        authenticators.add(method, chap());
        try (Wire w = new Wire(fabric)) {
            LoginResponse r1 = w.loginStep(false, 0, 1, "InitiatorName=" + Wire.INITIATOR, "TargetName=" + Wire.TARGET,
                    "AuthMethod=None,CHAP", "X_Unknown=1");
            assertEquals(0, r1.status());
            Map<String, String> k1 = Wire.keys(r1.data());
            assertEquals("CHAP", k1.get("AuthMethod"));
            assertEquals("NotUnderstood", k1.get("X_Unknown"));
            r1.release();
            assertEquals(1, method.started.size());
            AuthContext c = method.started.get(0);
            assertEquals("CHAP", c.method());
            assertEquals("chap", c.policy());
            assertEquals(Wire.INITIATOR, c.initiatorName());
            assertEquals(Wire.TARGET, c.targetName());
            assertFalse(c.discovery());
            assertEquals("team", c.properties().get("auth.groups"));

            // T=1 before the exchange is done: the target stays in the security stage (T=0).
            LoginResponse r2 = w.loginStep(true, 0, 1, "X_A=7");
            assertEquals(0, r2.status());
            assertFalse(r2.transit());
            assertEquals(Map.of("X_A", "7", "X_C", "abc123"), Wire.keys(r2.data()));
            r2.release();

            LoginResponse r3 = w.loginStep(true, 0, 1, "X_N=user", "X_R=321cba");
            assertEquals(0, r3.status());
            assertTrue(r3.transit());
            assertEquals(1, r3.nsg());
            r3.release();
            assertEquals(List.of("X_A=7 T", "X_N=user T", "X_R=321cba T"), method.received);

            LoginResponse r4 = w.loginStep(true, 1, 3, "X_C=9");
            assertEquals(0, r4.status());
            assertEquals("NotUnderstood", Wire.keys(r4.data()).get("X_C"), "method keys belong to the security stage");
            assertNotEquals(0, r4.tsih());
            r4.release();
            assertTrue(w.target.isOpen());
            assertEquals(List.of("CHAP user 'user'"), fabric.sessionInfos().stream()
                    .map(org.jstgt.api.mgmt.SessionInfo::authentication).toList(), "who the session authenticated as");
            assertEquals(1, method.closed, "the exchange is closed when the login ends");
        }
    }

    @Test
    void aWrongAnswerFailsAuthentication() {
        disk.properties().put("auth", "mutual");
        FakeMethod method = new FakeMethod();
        authenticators.add(method, chap());
        try (Wire w = new Wire(fabric)) {
            w.loginStep(false, 0, 1, "InitiatorName=" + Wire.INITIATOR, "TargetName=" + Wire.TARGET,
                    "AuthMethod=CHAP").release();
            w.loginStep(false, 0, 1, "X_A=7").release();
            LoginResponse r = w.loginStep(true, 0, 1, "X_N=user", "X_R=nope");
            assertEquals(0x0201, r.status());
            r.release();
            assertFalse(w.target.isOpen());
            assertEquals("mutual", method.started.get(0).policy());
            assertEquals(1, method.closed);
        }
    }

    @Test
    void aFailureIsHeldBackAsLongAsTheMethodAsks() {
        disk.properties().put("auth", "chap");
        FakeMethod method = new FakeMethod();
        method.failureDelay = 3000;
        authenticators.add(method, chap());
        try (Wire w = new Wire(fabric)) {
            w.target.freezeTime();
            w.loginStep(false, 0, 1, "InitiatorName=" + Wire.INITIATOR, "TargetName=" + Wire.TARGET,
                    "AuthMethod=CHAP").release();
            w.send(w.login(true, 0, 1, 0, Wire.text("X_N=user", "X_R=nope")));
            assertTrue(w.receive().isEmpty(), "no answer before the delay");
            w.target.advanceTimeBy(2, java.util.concurrent.TimeUnit.SECONDS);
            assertTrue(w.receive().isEmpty(), "no answer before the delay");
            w.target.advanceTimeBy(1, java.util.concurrent.TimeUnit.SECONDS);
            LoginResponse r = w.one(LoginResponse.class);
            assertEquals(0x0201, r.status());
            r.release();
            assertFalse(w.target.isOpen());
        }
    }

    @Test
    void skippingTheSecurityStageOrItsMethodFailsAuthentication() {
        disk.properties().put("auth", "chap");
        authenticators.add(new FakeMethod(), chap());
        try (Wire w = new Wire(fabric)) {
            LoginResponse r = w.loginStep(true, 1, 3, "InitiatorName=" + Wire.INITIATOR, "TargetName=" + Wire.TARGET);
            assertEquals(0x0201, r.status());
            r.release();
        }
        try (Wire w = new Wire(fabric)) {
            LoginResponse r = w.loginStep(true, 0, 1, "InitiatorName=" + Wire.INITIATOR, "TargetName=" + Wire.TARGET,
                    "AuthMethod=None");
            assertEquals(0x0201, r.status());
            r.release();
        }
        try (Wire w = new Wire(fabric)) {
            LoginResponse r = w.loginStep(true, 0, 1, "InitiatorName=" + Wire.INITIATOR, "TargetName=" + Wire.TARGET);
            assertEquals(0x0201, r.status(), "T=1 out of the security stage without AuthMethod negotiated");
            r.release();
        }
    }

    @Test
    void aRequiredMethodWithoutItsServiceIsATargetError() {
        disk.properties().put("auth", "chap");
        try (Wire w = new Wire(fabric)) {
            LoginResponse r = w.loginStep(false, 0, 1, "InitiatorName=" + Wire.INITIATOR, "TargetName=" + Wire.TARGET,
                    "AuthMethod=CHAP,None");
            assertEquals(0x0300, r.status());
            r.release();
            assertFalse(w.target.isOpen());
        }
        FakeMethod method = new FakeMethod();
        authenticators.add(method, chap());
        authenticators.remove(method);
        try (Wire w = new Wire(fabric)) {
            LoginResponse r = w.loginStep(false, 0, 1, "InitiatorName=" + Wire.INITIATOR, "TargetName=" + Wire.TARGET,
                    "AuthMethod=CHAP");
            assertEquals(0x0300, r.status(), "the service left");
            r.release();
        }
        assertTrue(method.started.isEmpty());
    }
}
