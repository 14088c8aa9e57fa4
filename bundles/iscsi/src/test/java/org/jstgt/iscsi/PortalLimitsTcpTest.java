package org.jstgt.iscsi;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.jstgt.iscsi.PortalTcpTest.Client;
import org.jstgt.iscsi.limits.PortalLimits;
import org.jstgt.testkit.Await;
import org.jstgt.testkit.FakeScsiTarget;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The accept path's limits over real TCP: a connection over a limit has its login refused, then closes. */
class PortalLimitsTcpTest {
    private static final Duration WAIT = Duration.ofSeconds(10);

    private final IscsiServer server = new IscsiServer(FakeScsiTarget.registry(new FakeScsiTarget(Wire.TARGET)), "nio");

    @AfterEach
    void stop() {
        server.deactivate();
    }

    private InetSocketAddress portal(Map<String, String> keys) {
        PortalLimits limits = PortalLimits.from(keys, "etc/jstgt.portal-lo.cfg");
        return server.open("lo", "etc/jstgt.portal-lo.cfg", 1, List.of("127.0.0.1:0"),
                List.of(new InetSocketAddress("127.0.0.1", 0)), limits).bound().get(0);
    }

    /** @return the login status of a Normal session login on {@code c} */
    private static int login(Client c, String initiator) throws IOException {
        c.send(PortalTcpTest.loginBhs(1), ("InitiatorName=" + initiator + "\0TargetName=" + Wire.TARGET
                + "\0SessionType=Normal\0").getBytes(StandardCharsets.UTF_8));
        byte[][] r = c.receive();
        assertEquals(0x23, r[0][0] & 0x3f, "Login Response");
        return (r[0][36] & 0xff) << 8 | r[0][37] & 0xff;
    }

    private static void assertClosedByTarget(Client c) throws IOException {
        assertEquals(-1, c.in.read(), "the target closed the connection");
    }

    private void awaitConnections(int n) {
        Await.until(WAIT, n + " connections open", () -> server.connections.size() == n);
    }

    @Test
    void connectionsPerAddressOverTheLimitAreRefusedWithOutOfResources() throws Exception {
        InetSocketAddress a = portal(Map.of("connections.per.address", "1"));
        try (Client first = new Client(a)) {
            assertEquals(0, login(first, Wire.INITIATOR));
            try (Client second = new Client(a)) {
                assertEquals(0x0302, login(second, "iqn.2026-11.org.example:host2"));
                assertClosedByTarget(second);
            }
        }
        awaitConnections(0);
        try (Client again = new Client(a)) {
            assertEquals(0, login(again, Wire.INITIATOR), "closed connections free their places");
        }
    }

    @Test
    void loginsInProgressOverTheLimitAreRefusedWithServiceUnavailable() throws Exception {
        InetSocketAddress a = portal(Map.of("logins.max", "1"));
        try (Client silent = new Client(a)) {
            awaitConnections(1);
            try (Client second = new Client(a)) {
                assertEquals(0x0301, login(second, "iqn.2026-11.org.example:host2"));
                assertClosedByTarget(second);
            }
            assertEquals(0, login(silent, Wire.INITIATOR));
            try (Client third = new Client(a)) {
                assertEquals(0, login(third, "iqn.2026-11.org.example:host3"), "the login place was freed");
            }
        }
    }

    @Test
    void idleConnectionsAnsweringNopInsAreKeptAndSilentOnesDropped() throws Exception {
        InetSocketAddress a = portal(Map.of("nop.interval", "1", "nop.timeout", "1"));
        try (Client c = new Client(a)) {
            assertEquals(0, login(c, Wire.INITIATOR));
            byte[] ping = c.receive()[0];
            assertEquals(0x20, ping[0] & 0x3f, "NOP-In");
            assertEquals(-1, PortalTcpTest.u32(ping, 16), "ITT 0xffffffff");
            int ttt = PortalTcpTest.u32(ping, 20);
            byte[] answer = new byte[48];
            answer[0] = 0x40; // NOP-Out (opcode 0x00), immediate
            answer[1] = (byte) 0x80;
            java.nio.ByteBuffer.wrap(answer).putInt(16, -1).putInt(20, ttt).putInt(24, 1)
                    .putInt(28, PortalTcpTest.u32(ping, 24));
            c.send(answer, new byte[0]);
            byte[] next = c.receive()[0];
            assertEquals(0x20, next[0] & 0x3f, "answered: still connected for the next ping");
            assertEquals(PortalTcpTest.u32(ping, 24), PortalTcpTest.u32(next, 24), "StatSN not advanced by pings");
            assertClosedByTarget(c);
        }
        Await.until(WAIT, "the silent connection's session to end", () -> server.sessions().isEmpty());
    }

    @Test
    void portalConnectionsOverTheLimitAreRefusedAndSilentRefusedPeersClosedAtTheLoginTimeout()
            throws Exception {
        InetSocketAddress a = portal(Map.of("connections.max", "1", "login.timeout", "1"));
        try (Client first = new Client(a)) {
            assertEquals(0, login(first, Wire.INITIATOR));
            try (Client refused = new Client(a)) {
                assertEquals(0x0302, login(refused, "iqn.2026-11.org.example:host2"));
                assertClosedByTarget(refused);
            }
            try (Client silent = new Client(a)) {
                assertClosedByTarget(silent);
            }
        }
    }
}
