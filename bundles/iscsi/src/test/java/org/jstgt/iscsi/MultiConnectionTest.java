package org.jstgt.iscsi;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import io.netty.channel.Channel;

import org.jstgt.api.mgmt.SessionInfo;
import org.jstgt.iscsi.connection.SessionHop;
import org.jstgt.testkit.Await;
import org.jstgt.testkit.Cdbs;
import org.jstgt.testkit.FakeNexus;
import org.jstgt.testkit.FakeScsiTarget;
import org.jstgt.testkit.Initiator;
import org.jstgt.testkit.InitiatorOptions;
import org.jstgt.testkit.LoginFailedException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Multiple connections per session (MC/S, RFC 7143 §4.2, §6.3.1) over real TCP: connections that
 * join a session with its TSIH, CmdSN order across them, each connection's own StatSN, the loss of
 * one connection while the session goes on, connection reinstatement by CID, logout of another
 * connection, MaxConnections and the checks on a joining login.
 */
class MultiConnectionTest {
    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final String OTHER = "iqn.2026-11.org.jstgt:other";

    private final FakeScsiTarget disk = new FakeScsiTarget(Wire.TARGET).blocks(1024);
    private final FakeScsiTarget other = new FakeScsiTarget(OTHER);
    private IscsiServer server;
    private InetSocketAddress address;
    private final List<Initiator> opened = new ArrayList<>();

    private void start(String transport) {
        server = PortalTcpTest.server(FakeScsiTarget.registry(disk, other), transport);
        address = PortalTcpTest.openPortal(server);
    }

    @BeforeEach
    void nio() {
        start("nio");
    }

    @AfterEach
    void stop() {
        opened.forEach(Initiator::close);
        server.deactivate();
    }

    private Initiator leading(int maxConnections) throws IOException {
        Initiator i = Initiator.connect(address, InitiatorOptions.defaults().withTimeout(WAIT));
        opened.add(i);
        i.login(Wire.TARGET, maxConnections);
        return i;
    }

    private Initiator join(Initiator session, int cid) throws IOException {
        Initiator i = session.addConnection(address, Wire.TARGET, cid);
        opened.add(i);
        return i;
    }

    private static byte[] pattern(int lba, int blocks, int seed) {
        byte[] b = new byte[blocks * FakeNexus.BLOCK];
        for (int i = 0; i < b.length; i++) {
            b[i] = (byte) (i * 31 + lba * 7 + seed);
        }
        return b;
    }

    private static void write(Initiator i, int lba, byte[] data) throws IOException {
        i.scsi(0, Cdbs.write10(lba, data.length / FakeNexus.BLOCK), data, 0).assertGood();
    }

    private static byte[] read(Initiator i, int lba, int blocks) throws IOException {
        return i.scsi(0, Cdbs.read10(lba, blocks), null, blocks * FakeNexus.BLOCK).assertGood().data();
    }

    private static void writeReadAndLogOut(Initiator i, int lba, int blocks) throws IOException {
        byte[] data = pattern(lba, blocks, lba);
        write(i, lba, data);
        assertArrayEquals(data, read(i, lba, blocks));
        i.logout();
    }

    private SessionInfo onlySession() {
        List<SessionInfo> l = server.sessions();
        assertEquals(1, l.size(), "sessions: " + l);
        return l.get(0);
    }

    private void awaitConnections(int n) {
        Await.until(WAIT, "the session to have " + n + " connection(s)",
                () -> server.sessions().size() == 1 && server.sessions().get(0).connections().size() == n);
    }

    static java.util.stream.Stream<String> transports() {
        return PortalTcpTest.transports();
    }

    @ParameterizedTest
    @MethodSource("transports")
    void twoConnectionsInterleaveAndTheSessionOutlivesTheOneKilledMidTransfer(String transport) throws Exception {
        stop();
        opened.clear();
        start(transport);
        Initiator a = leading(2);
        assertEquals("2", a.negotiated().targetKeys().get("MaxConnections"));
        Initiator b = join(a, 1);
        assertEquals(a.tsih(), b.tsih());
        awaitConnections(2);
        Set<Object> loops = new HashSet<>();
        for (Channel ch : server.connections) {
            loops.add(ch.eventLoop());
        }
        // the second connection was accepted on another event loop: its PDUs hop to the session's
        assertEquals(2, loops.size(), "connections on event loops " + loops);

        // interleaved: written on one connection, read back on the other (CmdSN order across both)
        for (int k = 0; k < 16; k++) {
            Initiator w = k % 2 == 0 ? a : b;
            Initiator r = w == a ? b : a;
            byte[] data = pattern(k * 8, 8, 1);
            write(w, k * 8, data);
            assertArrayEquals(data, read(r, k * 8, 8), "block " + k * 8);
        }
        // both at once, from two threads
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            List<Future<?>> runs = new ArrayList<>();
            for (Initiator c : List.of(a, b)) {
                int base = c == a ? 200 : 400;
                runs.add(pool.submit(() -> {
                    for (int k = 0; k < 40; k++) {
                        byte[] data = pattern(base + k * 4, 4, 2);
                        write(c, base + k * 4, data);
                        assertArrayEquals(data, read(c, base + k * 4, 4));
                    }
                    return null;
                }));
            }
            for (Future<?> f : runs) {
                f.get(30, TimeUnit.SECONDS);
            }

            // a WRITE in the device on connection b when b dies: the session goes on with a
            FakeNexus nexus = disk.lastNexus();
            nexus.hold(true);
            Future<?> lost = pool.submit(() -> {
                write(b, 600, pattern(600, 16, 3));
                return null;
            });
            Await.until(WAIT, "the WRITE to reach the device", () -> nexus.heldCount() == 1);
            b.close();
            awaitConnections(1);
            nexus.hold(false);
            nexus.releaseHeld();
            assertThrows(Exception.class, () -> lost.get(30, TimeUnit.SECONDS));
        } finally {
            pool.shutdownNow();
        }
        assertFalse(disk.lastNexus().closed(), "the nexus stays open while a connection remains");
        for (int k = 0; k < 16; k++) {
            assertArrayEquals(pattern(k * 8, 8, 1), read(a, k * 8, 8), "block " + k * 8 + " after the loss");
        }
        byte[] data = pattern(700, 8, 4);
        write(a, 700, data);
        assertArrayEquals(data, read(a, 700, 8));
        a.logout();
        Await.until(WAIT, "the session to end", () -> server.sessions().isEmpty());
        Await.until(WAIT, "the nexus to close", () -> disk.lastNexus().closed());
    }

    /**
     * Read data a device lends the fabric, asked for on a connection that joined the session from
     * another event loop: its Data-In go through that connection's outbox to its own loop, the
     * command ends only once the last of them was written there, and the status follows them.
     */
    @ParameterizedTest
    @MethodSource("transports")
    void aReadSentFromTheDevicesBufferLeavesThroughAJoinedConnectionsOutbox(String transport) throws Exception {
        stop();
        opened.clear();
        start(transport);
        // 8 KiB Data-In: sixteen to a 128 KiB READ
        Initiator a = Initiator.connect(address, InitiatorOptions.defaults().withTimeout(WAIT)
                .withMaxRecvDataSegmentLength(8192));
        opened.add(a);
        a.login(Wire.TARGET, 2);
        Initiator b = join(a, 1);
        awaitConnections(2);
        Set<Object> loops = new HashSet<>();
        for (Channel ch : server.connections) {
            loops.add(ch.eventLoop());
        }
        assertEquals(2, loops.size(), "connections on event loops " + loops);
        FakeNexus nexus = disk.lastNexus().sendReads(true);
        int blocks = 256;
        for (int k = 0; k < 4; k++) {
            byte[] data = pattern(k * blocks, blocks, 5);
            write(a, k * blocks, data);
            assertArrayEquals(data, read(b, k * blocks, blocks), "read " + k + " on the joined connection");
            assertArrayEquals(data, read(a, k * blocks, blocks), "read " + k + " on the leading connection");
        }
        List<java.util.concurrent.CompletionStage<Void>> sends = nexus.sends();
        assertEquals(8, sends.size(), "every READ was offered to the fabric");
        for (java.util.concurrent.CompletionStage<Void> s : sends) {
            assertTrue(s != null, "the fabric sent every READ from the device's buffer: " + sends);
            assertTrue(s.toCompletableFuture().isDone(), "a READ whose status came had left");
        }
        a.logout();
        Await.until(WAIT, "the session to end", () -> server.sessions().isEmpty());
    }

    @Test
    void maxConnectionsBoundsTheSession() throws Exception {
        Initiator a = leading(1);
        assertEquals("1", a.negotiated().targetKeys().get("MaxConnections"));
        LoginFailedException e = assertThrows(LoginFailedException.class, () -> join(a, 1));
        assertEquals(0x0206, e.status(), "too many connections (RFC 7143 §11.13.5)");
        Initiator b = leading(8);
        assertEquals("4", b.negotiated().targetKeys().get("MaxConnections"), "max.connections defaults to 4");
        for (int cid = 1; cid < 4; cid++) {
            join(b, cid);
        }
        assertEquals(0x0206, assertThrows(LoginFailedException.class, () -> join(b, 9)).status());
        a.logout();
        b.logout();
    }

    @Test
    void aJoiningLoginForAnotherTargetFindsNoSession() throws Exception {
        Initiator a = leading(2);
        LoginFailedException e = assertThrows(LoginFailedException.class,
                () -> opened.add(a.addConnection(address, OTHER, 1)));
        assertEquals(0x020a, e.status(), "session does not exist (RFC 7143 §11.13.5)");
        assertEquals(1, onlySession().connections().size());
        a.logout();
    }

    /**
     * Writes beyond FirstBurstLength need R2Ts, which go out on the connection the command came on
     * (connection allegiance, RFC 7143 §4.2), also when that connection joined the session on
     * another event loop; the data read back through the other connection.
     */
    @ParameterizedTest
    @MethodSource("transports")
    void writesThatNeedR2tsWorkOnEveryConnection(String transport) throws Exception {
        stop();
        opened.clear();
        start(transport);
        Initiator a = leading(2);
        Initiator b = join(a, 1);
        awaitConnections(2);
        byte[] viaB = pattern(0, 384, 1);
        byte[] viaA = pattern(512, 384, 2);
        write(b, 0, viaB);
        write(a, 512, viaA);
        assertArrayEquals(viaB, read(a, 0, 384), "written through the joined connection");
        assertArrayEquals(viaA, read(b, 512, 384), "written through the leading connection");
    }

    @Test
    void aLoginWithTheCidOfAConnectionReplacesIt() throws Exception {
        Initiator a = leading(2);
        Initiator b = join(a, 1);
        Initiator c = join(a, 1);
        awaitConnections(2);
        assertTrue(closedByTarget(b), "the reinstated connection is closed by the target");
        byte[] data = pattern(10, 2, 5);
        write(c, 10, data);
        assertArrayEquals(data, read(a, 10, 2));
        writeReadAndLogOut(a, 12, 2);
    }

    @Test
    void aLogoutOnOneConnectionClosesAnotherAndTheSessionGoesOn() throws Exception {
        Initiator a = leading(2);
        Initiator b = join(a, 1);
        a.logoutConnection(1);
        assertTrue(closedByTarget(b), "the connection logged out is closed");
        awaitConnections(1);
        writeReadAndLogOut(a, 20, 2);
    }

    @Test
    void sessionWideKeysOnAJoiningLoginAreIrrelevantAndTheWindowIsTheSessions() throws Exception {
        Initiator a = leading(2);
        for (int k = 0; k < 3; k++) {
            read(a, 0, 1);
        }
        try (PortalTcpTest.Client raw = new PortalTcpTest.Client(address)) {
            byte[] h = PortalTcpTest.loginBhs(0x77);
            byte[] isid = a.isid();
            System.arraycopy(isid, 0, h, 8, 6);
            h[14] = (byte) (a.tsih() >> 8);
            h[15] = (byte) a.tsih();
            h[21] = 2; // CID 2
            // CmdSN: the session's next (three commands went on the leading connection)
            h[24] = 0;
            h[25] = 0;
            h[26] = 0;
            h[27] = 4;
            raw.send(h, ("InitiatorName=" + InitiatorOptions.DEFAULT_INITIATOR_NAME + "\0TargetName=" + Wire.TARGET
                    + "\0MaxBurstLength=4096\0InitialR2T=Yes\0HeaderDigest=None\0").getBytes(StandardCharsets.UTF_8));
            byte[][] resp = raw.receive();
            assertEquals(0, resp[0][36], "status class");
            String text = new String(resp[1], StandardCharsets.UTF_8);
            assertTrue(text.contains("MaxBurstLength=Irrelevant\0"), text);
            assertTrue(text.contains("InitialR2T=Irrelevant\0"), text);
            assertTrue(text.contains("HeaderDigest=None\0"), text);
            assertEquals(a.tsih(), (resp[0][14] & 0xff) << 8 | resp[0][15] & 0xff, "TSIH of the session");
            int exp = PortalTcpTest.u32(resp[0], 28);
            int max = PortalTcpTest.u32(resp[0], 32);
            assertEquals(4, exp, "ExpCmdSN of the session");
            assertTrue(max - exp >= 0, "MaxCmdSN " + max + " opens the session's window");
        }
        // the session's parameters are unchanged: a 64 KiB write still goes with immediate data
        writeReadAndLogOut(a, 30, 128);
    }

    @Test
    void aJoiningConnectionThatDiesBeforeTheSessionAddsItLeavesNothingBehind() throws Exception {
        Initiator a = leading(2);
        for (int n = 0; n < 20; n++) {
            Initiator b = join(a, 1);
            b.close();
        }
        awaitConnections(1);
        assertNotEquals(0, a.tsih());
        a.logout();
    }

    @Test
    void closingAPortalDropsOnlyTheConnectionsThroughItWhenTheSessionHasOthers() throws Exception {
        Portal second = server.open("lo2", "etc/jstgt.portal-lo2.cfg", 7, List.of("127.0.0.1:0"),
                List.of(new InetSocketAddress("127.0.0.1", 0)));
        Initiator a = leading(2);
        Initiator b = a.addConnection(second.bound().get(0), Wire.TARGET, 1);
        opened.add(b);
        awaitConnections(2);
        read(b, 0, 1);
        server.close(second);
        assertTrue(closedByTarget(b), "the connection through the closed portal is closed");
        assertDropNotice(b, 1);
        awaitConnections(1);
        writeReadAndLogOut(a, 40, 4);
    }

    @Test
    void aRuleThatNoLongerAdmitsOneConnectionsAddressDropsOnlyThatConnection() throws Exception {
        server.deactivate();
        server = PortalTcpTest.server(FakeScsiTarget.registry(disk, other), "nio");
        Portal both = server.open("lo", "etc/jstgt.portal-lo.cfg", 7, List.of("127.0.0.1:0", "[::1]:0"),
                List.of(new InetSocketAddress("127.0.0.1", 0), new InetSocketAddress("::1", 0)));
        address = both.bound().get(0);
        InetSocketAddress v6 = both.bound().get(1);
        assertTrue(v6.getAddress() instanceof Inet6Address, "second address " + v6);
        Initiator a = leading(2);
        Initiator b = a.addConnection(v6, Wire.TARGET, 1);
        opened.add(b);
        awaitConnections(2);
        read(b, 0, 1); // b serves (a connection still entering the Full Feature Phase is closed unannounced)
        disk.allowWhen((name, from) -> from instanceof Inet4Address);
        assertTrue(closedByTarget(b), "the connection from the address no longer admitted is closed");
        assertDropNotice(b, 1);
        awaitConnections(1);
        writeReadAndLogOut(a, 50, 4);
    }

    /** Asserts that {@code i} received AsyncEvent 2 (connection drop) for CID {@code cid}, Time2Retain 0. */
    private static void assertDropNotice(Initiator i, int cid) {
        List<org.jstgt.testkit.Pdu> notices = i.asyncMessages();
        assertEquals(1, notices.size(), "asynchronous messages " + notices);
        org.jstgt.testkit.Pdu n = notices.get(0);
        assertEquals(2, n.u8(36), "AsyncEvent 2: connection drop (RFC 7143 §11.9.1)");
        assertEquals(cid, n.u16(38), "Parameter1: the CID dropped");
        assertEquals(0, n.u16(42), "Parameter3: Time2Retain 0, its tasks are terminated");
    }

    @Test
    void aJoinedConnectionFloodingABusySessionLoopIsNotReadBeyondTheBound() throws Exception {
        Initiator a = leading(2);
        read(a, 0, 1);
        Channel leadingChannel = server.connections.iterator().next();
        try (PortalTcpTest.Client raw = new PortalTcpTest.Client(address)) {
            byte[] h = PortalTcpTest.loginBhs(0x55);
            System.arraycopy(a.isid(), 0, h, 8, 6);
            h[14] = (byte) (a.tsih() >> 8);
            h[15] = (byte) a.tsih();
            h[21] = 3;
            h[27] = 2;
            raw.send(h, ("InitiatorName=" + InitiatorOptions.DEFAULT_INITIATOR_NAME + "\0TargetName=" + Wire.TARGET
                    + "\0").getBytes(StandardCharsets.UTF_8));
            assertEquals(0, raw.receive()[0][36], "joined");
            awaitConnections(2);
            Channel joined = null;
            for (Channel ch : server.connections) {
                if (ch != leadingChannel) {
                    joined = ch;
                }
            }
            assertNotEquals(leadingChannel.eventLoop(), joined.eventLoop());
            // the session's loop is busy; the joined connection sends 20000 pings that want no answer
            java.util.concurrent.CountDownLatch busy = new java.util.concurrent.CountDownLatch(1);
            leadingChannel.eventLoop().execute(() -> {
                try {
                    busy.await(20, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            byte[] pings = new byte[20000 * 48];
            for (int i = 0; i < 20000; i++) {
                int o = i * 48;
                pings[o] = 0x40; // NOP-Out, immediate
                pings[o + 1] = (byte) 0x80;
                java.util.Arrays.fill(pings, o + 16, o + 24, (byte) 0xff); // ITT and TTT 0xffffffff
                pings[o + 27] = 2;
            }
            Thread writer = new Thread(() -> {
                try {
                    raw.out.write(pings);
                    raw.out.flush();
                } catch (IOException e) {
                    // closed at the end of the test
                }
            });
            writer.setDaemon(true);
            writer.start();
            Channel j = joined;
            Await.until(WAIT, "reading of the joined connection to stop", () -> !j.config().isAutoRead());
            int inFlight = SessionHop.inFlight(j.pipeline());
            assertTrue(inFlight > SessionHop.LIMIT && inFlight <= SessionHop.LIMIT + 65536 / 48 + 1,
                    "PDUs on their way to the busy session loop: " + inFlight + " (bound: the limit and one read)");
            busy.countDown();
            writer.join(WAIT.toMillis());
            Await.until(WAIT, "every ping to reach the session", () -> SessionHop.inFlight(j.pipeline()) == 0);
            assertTrue(j.isActive());
        }
        awaitConnections(1);
        writeReadAndLogOut(a, 60, 2);
    }

    private static boolean closedByTarget(Initiator i) {
        return i.closedByTarget();
    }
}
