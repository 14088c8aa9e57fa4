package org.jstgt.iscsi;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;

import org.jstgt.api.mgmt.PortalInfo;
import org.jstgt.api.target.TargetRegistry;
import org.jstgt.iscsi.connection.Connection;
import org.jstgt.iscsi.flow.ReadThrottle;
import org.jstgt.iscsi.pdu.Bhs;
import org.jstgt.iscsi.pdu.DirectReceive;
import org.jstgt.testkit.Await;
import org.jstgt.testkit.ConfigProps;
import org.jstgt.testkit.FakeScsiTarget;
import org.junit.jupiter.api.Test;

/** Binds a real portal on loopback and logs in over TCP with a minimal blocking client. */
class PortalTcpTest {

    /** A tiny blocking initiator speaking raw bytes (no digests). */
    static final class Client implements AutoCloseable {
        final Socket socket;
        final DataInputStream in;
        final OutputStream out;

        Client(InetSocketAddress target) throws IOException {
            socket = new Socket();
            socket.connect(target, 2000);
            socket.setSoTimeout(5000);
            in = new DataInputStream(socket.getInputStream());
            out = socket.getOutputStream();
        }

        void send(byte[] bhs, byte[] data) throws IOException {
            bhs[5] = (byte) (data.length >> 16);
            bhs[6] = (byte) (data.length >> 8);
            bhs[7] = (byte) data.length;
            out.write(bhs);
            out.write(data);
            out.write(new byte[Bhs.pad(data.length)]);
            out.flush();
        }

        /** @return {bhs, data} */
        byte[][] receive() throws IOException {
            byte[] h = new byte[48];
            in.readFully(h);
            int len = (h[5] & 0xff) << 16 | (h[6] & 0xff) << 8 | (h[7] & 0xff);
            byte[] d = new byte[len];
            in.readFully(d);
            in.skipBytes(Bhs.pad(len));
            return new byte[][] {h, d};
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }

    static byte[] loginBhs(int itt) {
        byte[] h = new byte[48];
        h[0] = 0x43;
        h[1] = (byte) (0x80 | 1 << 2 | 3);
        h[8] = 0x40;
        h[13] = 1;
        h[19] = (byte) itt;
        h[27] = 1;
        return h;
    }

    static int u32(byte[] h, int i) {
        return (h[i] & 0xff) << 24 | (h[i + 1] & 0xff) << 16 | (h[i + 2] & 0xff) << 8 | (h[i + 3] & 0xff);
    }

    /** The transports the assembly may pick; a native one is skipped where it cannot load. */
    static java.util.stream.Stream<String> transports() {
        return java.util.stream.Stream.of("nio", "epoll", "io_uring");
    }

    static IscsiServer server(TargetRegistry registry, String transport) {
        switch (transport) {
            case "epoll" -> org.junit.jupiter.api.Assumptions.assumeTrue(io.netty.channel.epoll.Epoll.isAvailable(),
                    "epoll not available");
            case "io_uring" -> org.junit.jupiter.api.Assumptions.assumeTrue(
                    io.netty.channel.uring.IoUring.isAvailable(), "io_uring not available");
            default -> { }
        }
        IscsiServer server = new IscsiServer(registry, transport);
        assertEquals(transport, server.transportName());
        return server;
    }

    /** @return the address of a new portal "lo" on an ephemeral loopback port */
    static InetSocketAddress openPortal(IscsiServer server) {
        Portal p = server.open("lo", "etc/jstgt.portal-lo.cfg", 7, List.of("127.0.0.1:0"),
                List.of(new InetSocketAddress("127.0.0.1", 0)));
        return p.bound().get(0);
    }

    /** Logs in to a Normal session with {@code keys} ("K=V\0" each) and expects success. */
    private static byte[][] login(Client c, String keys) throws IOException {
        c.send(loginBhs(1), ("InitiatorName=" + Wire.INITIATOR + "\0TargetName=" + Wire.TARGET
                + "\0SessionType=Normal\0" + keys).getBytes(StandardCharsets.UTF_8));
        byte[][] r = c.receive();
        assertEquals(0, r[0][36], "login status");
        return r;
    }

    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.MethodSource("transports")
    void loginInquiryAndLogoutOverTcp(String transport) throws Exception {
        FakeScsiTarget disk = new FakeScsiTarget(Wire.TARGET);
        IscsiServer server = server(FakeScsiTarget.registry(disk), transport);
        try {
            Portal p = server.open("lo", "etc/jstgt.portal-lo.cfg", 7, List.of("127.0.0.1:0"),
                    List.of(new InetSocketAddress("127.0.0.1", 0)));
            InetSocketAddress bound = p.bound().get(0);
            Portal clash = server.open("clash", "etc/jstgt.portal-clash.cfg", 8, List.of("127.0.0.1:" + bound.getPort()),
                    List.of(bound));
            assertTrue(clash.state().startsWith("FAILED"), clash.state());
            List<PortalInfo> infos = server.portals();
            assertEquals("LISTENING", infos.get(0).state());
            try (Client c = new Client(bound)) {
                c.send(loginBhs(1), ("InitiatorName=" + Wire.INITIATOR + "\0TargetName=" + Wire.TARGET
                        + "\0SessionType=Normal\0").getBytes(StandardCharsets.UTF_8));
                byte[][] r = c.receive();
                assertEquals(0x23, r[0][0] & 0x3f);
                assertEquals(0, r[0][36]);
                assertEquals(0, r[0][37]);
                Map<String, String> keys = Wire.keys(Unpooled.wrappedBuffer(r[1]));
                assertEquals("7", keys.get("TargetPortalGroupTag"));
                int statSn = u32(r[0], 24);
                assertEquals(1, server.sessions().size());

                byte[] cmd = new byte[48];
                cmd[0] = 0x01;
                cmd[1] = (byte) 0xc1;
                cmd[19] = 2;
                cmd[23] = 96;
                cmd[27] = 1;
                int exp = statSn + 1;
                cmd[28] = (byte) (exp >> 24);
                cmd[29] = (byte) (exp >> 16);
                cmd[30] = (byte) (exp >> 8);
                cmd[31] = (byte) exp;
                cmd[32] = 0x12;
                cmd[36] = 96;
                c.send(cmd, new byte[0]);
                byte[][] d = c.receive();
                assertEquals(0x25, d[0][0] & 0x3f);
                assertEquals(1, d[0][1] & 1, "phase-collapsed status");
                assertEquals(36, d[1].length);
                assertEquals("JSTGT   ", new String(d[1], 8, 8, StandardCharsets.US_ASCII));

                byte[] logout = new byte[48];
                logout[0] = 0x46;
                logout[1] = (byte) 0x80;
                logout[19] = 3;
                logout[27] = 2;
                c.send(logout, new byte[0]);
                byte[][] lr = c.receive();
                assertEquals(0x26, lr[0][0] & 0x3f);
                assertEquals(0, lr[0][2]);
                assertEquals(-1, c.in.read(), "connection closed after logout");
            }
            Await.until(Duration.ofSeconds(10), "the session to end after the logout",
                    () -> server.sessions().isEmpty());
            assertTrue(server.sessions().isEmpty());
            assertTrue(disk.nexuses().get(0).closed());
        } finally {
            server.deactivate();
        }
    }

    static void put32(byte[] h, int i, int v) {
        h[i] = (byte) (v >> 24);
        h[i + 1] = (byte) (v >> 16);
        h[i + 2] = (byte) (v >> 8);
        h[i + 3] = (byte) v;
    }

    /**
     * A 256 KiB WRITE over real TCP: 64 KiB immediate data, then one 192 KiB Data-Out for the R2T.
     * Most of the Data-Out is read from the socket straight into the command's buffer
     * (DirectReceive), and the disk gets every byte.
     */
    /**
     * A protocol error ends the connection without a reset: the Reject arrives, then EOF, and what
     * the initiator still sends is taken and dropped instead of being answered with RST (which
     * made libiscsi's iscsi-test-cu die of SIGPIPE after iSCSIDataSnInvalid on the io_uring
     * transport). The session is gone at once, not when the initiator closes.
     */
    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.MethodSource("transports")
    void aProtocolErrorClosesWithoutAReset(String transport) throws Exception {
        FakeScsiTarget disk = new FakeScsiTarget(Wire.TARGET);
        disk.blocks(1024);
        IscsiServer server = server(FakeScsiTarget.registry(disk), transport);
        try {
            try (Client c = new Client(openPortal(server))) {
                byte[][] r = login(c, "ImmediateData=No\0");
                byte[] cmd = new byte[48];
                cmd[0] = 0x01;
                cmd[1] = (byte) 0xa1;
                put32(cmd, 16, 2);
                put32(cmd, 20, 512);
                put32(cmd, 24, 1);
                put32(cmd, 28, u32(r[0], 24) + 1);
                System.arraycopy(FullFeatureTest.write10(0, 1), 0, cmd, 32, 10);
                // immediate data although ImmediateData=No: a protocol error at ErrorRecoveryLevel 0
                c.send(cmd, new byte[512]);
                byte[][] reject = c.receive();
                assertEquals(0x3f, reject[0][0] & 0x3f, "Reject");
                assertEquals(-1, c.in.read(), "EOF after the Reject");
                assertTrue(server.sessions().isEmpty(), "session ended with the connection");
                // the initiator has not noticed yet and goes on sending; no RST comes back
                byte[] more = new byte[64 * 1024];
                c.out.write(more);
                c.out.flush();
                // a deliberate delay, not a poll: give a reset time to come back before writing again
                Thread.sleep(200);
                c.out.write(more);
                c.out.flush();
            }
        } finally {
            server.deactivate();
        }
    }

    /**
     * The same while the read throttle holds the offending PDU (the initiator had stopped reading,
     * so did we): once it reads again the PDU is handled, the connection given up, and reading
     * resumes for the lingering close. Shutting the output down leaves a channel unwritable for good,
     * which kept the throttle from ever reading again: what the initiator still sent stayed unread
     * and the close after 2 s became a reset.
     */
    @Test
    void aProtocolErrorHeldByTheReadThrottleStillLingersWithoutAReset() throws Exception {
        IscsiServer server = server(FakeScsiTarget.registry(new FakeScsiTarget(Wire.TARGET)), "nio");
        try {
            try (Client c = new Client(openPortal(server))) {
                login(c, "");
                Channel ch = server.connections.iterator().next();
                ReadThrottle throttle = (ReadThrottle) ch.pipeline().get(Connection.THROTTLE);
                // more than send.buffer.high waits to be sent: the throttle stops reading
                ch.eventLoop().submit(() -> ch.unsafe().outboundBuffer().setUserDefinedWritability(1, false)).get();
                assertFalse(ch.eventLoop().submit(() -> ch.config().isAutoRead()).get());
                // a NOP-Out announcing a 16 MiB data segment: framing is lost, the connection is given up
                byte[] bad = new byte[48];
                bad[0] = 0x40;
                bad[1] = (byte) 0x80;
                bad[5] = (byte) 0xff;
                bad[6] = (byte) 0xff;
                bad[7] = (byte) 0xff;
                put32(bad, 16, 0x55);
                put32(bad, 20, -1);
                c.out.write(bad);
                c.out.flush();
                // the rest of a socket read in progress: decoded, and held
                ch.eventLoop().submit(() -> ch.read()).get();
                Await.until(Duration.ofSeconds(5), "the PDU to be held",
                        () -> ch.eventLoop().submit(throttle::held).get() == 1);
                // the initiator reads again
                ch.eventLoop().submit(() -> ch.unsafe().outboundBuffer().setUserDefinedWritability(1, true)).get();
                byte[][] reject = c.receive();
                assertEquals(0x3f, reject[0][0] & 0x3f, "Reject");
                assertEquals(-1, c.in.read(), "EOF after the Reject");
                Await.until(Duration.ofMillis(1500), "reading to resume for the lingering close",
                        () -> ch.eventLoop().submit(() -> ch.config().isAutoRead()).get());
            }
        } finally {
            server.deactivate();
        }
    }

    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.MethodSource("transports")
    void largeWriteOverTcpIsReadStraightIntoTheCommandBuffer(String transport) throws Exception {
        FakeScsiTarget disk = new FakeScsiTarget(Wire.TARGET);
        disk.blocks(1024);
        IscsiServer server = server(FakeScsiTarget.registry(disk), transport);
        try {
            try (Client c = new Client(openPortal(server))) {
                byte[][] r = login(c, "ImmediateData=Yes\0InitialR2T=Yes\0FirstBurstLength=65536\0"
                        + "MaxBurstLength=262144\0MaxRecvDataSegmentLength=262144\0");
                int expStatSn = u32(r[0], 24) + 1;
                int k = 1024;
                byte[] data = new byte[256 * k];
                for (int i = 0; i < data.length; i++) {
                    data[i] = (byte) (i * 31 + i / 4096);
                }
                byte[] cmd = new byte[48];
                cmd[0] = 0x01;
                cmd[1] = (byte) 0xa1;
                put32(cmd, 16, 2);
                put32(cmd, 20, data.length);
                put32(cmd, 24, 1);
                put32(cmd, 28, expStatSn);
                byte[] cdb = FullFeatureTest.write10(16, 512);
                System.arraycopy(cdb, 0, cmd, 32, 16);
                c.send(cmd, java.util.Arrays.copyOf(data, 64 * k));
                byte[][] r2t = c.receive();
                assertEquals(0x31, r2t[0][0] & 0x3f, "R2T");
                assertEquals(64 * k, u32(r2t[0], 40));
                assertEquals(192 * k, u32(r2t[0], 44));
                byte[] out = new byte[48];
                out[0] = 0x05;
                out[1] = (byte) 0x80;
                put32(out, 16, 2);
                put32(out, 20, u32(r2t[0], 20));
                put32(out, 28, expStatSn);
                put32(out, 40, 64 * k);
                c.send(out, java.util.Arrays.copyOfRange(data, 64 * k, 256 * k));
                byte[][] resp = c.receive();
                assertEquals(0x21, resp[0][0] & 0x3f, "SCSI Response");
                assertEquals(0, resp[0][3], "GOOD");
                assertArrayEquals(data, java.util.Arrays.copyOfRange(disk.nexuses().get(0).bytes(), 16 * 512, 528 * 512));
                DirectReceive direct = (DirectReceive) server.connections.iterator().next().config()
                        .getRecvByteBufAllocator();
                assertTrue(direct.directBytes() >= 128 * k, "read straight into the buffer: " + direct.directBytes()
                        + " bytes in " + direct.directReads() + " reads");
            }
        } finally {
            server.deactivate();
        }
    }

    @Test
    void shutdownAsksNormalSessionsToLogOut() throws Exception {
        FakeScsiTarget disk = new FakeScsiTarget(Wire.TARGET);
        IscsiServer server = new IscsiServer(FakeScsiTarget.registry(disk));
        Portal p = server.open("lo", "x", 1, List.of("127.0.0.1:0"), List.of(new InetSocketAddress("127.0.0.1", 0)));
        try (Client c = new Client(p.bound().get(0))) {
            c.send(loginBhs(1), ("InitiatorName=" + Wire.INITIATOR + "\0TargetName=" + Wire.TARGET + "\0")
                    .getBytes(StandardCharsets.UTF_8));
            c.receive();
            Thread stopper = new Thread(server::deactivate);
            stopper.start();
            byte[][] async = c.receive();
            assertEquals(0x32, async[0][0] & 0x3f);
            assertEquals(1, async[0][36], "AsyncEvent 1: target requests logout");
            stopper.join(10000);
            assertEquals(-1, c.in.read());
        }
    }

    /**
     * The SCSI core leaving (its bundle updated) ends the Normal sessions while it still serves:
     * AsyncEvent 1, then the connection closes; logins wait for a core (0x0301) and succeed once one
     * is back. Kept open, a session stayed bound to the closed core and every command of the Linux
     * kernel's got LOGICAL UNIT NOT SUPPORTED until it logged in again.
     */
    @Test
    void aLeavingCoreEndsItsSessionsAndLoginsWaitForTheNextOne() throws Exception {
        FakeScsiTarget disk = new FakeScsiTarget(Wire.TARGET);
        org.jstgt.api.target.TargetRegistry core = FakeScsiTarget.registry(disk);
        IscsiServer server = new IscsiServer(core);
        byte[] login = ("InitiatorName=" + Wire.INITIATOR + "\0TargetName=" + Wire.TARGET + "\0")
                .getBytes(StandardCharsets.UTF_8);
        try {
            Portal p = server.open("lo", "x", 1, List.of("127.0.0.1:0"),
                    List.of(new InetSocketAddress("127.0.0.1", 0)));
            try (Client c = new Client(p.bound().get(0))) {
                c.send(loginBhs(1), login);
                assertEquals(0, c.receive()[0][36], "logged in");
                Thread leaving = new Thread(() -> server.unbindRegistry(core));
                leaving.start();
                byte[][] async = c.receive();
                assertEquals(0x32, async[0][0] & 0x3f);
                assertEquals(1, async[0][36], "AsyncEvent 1: target requests logout");
                leaving.join(10000);
                assertFalse(leaving.isAlive());
                assertEquals(-1, c.in.read(), "closed after the grace period");
            }
            try (Client c = new Client(p.bound().get(0))) {
                c.send(loginBhs(2), login);
                byte[] r = c.receive()[0];
                assertEquals(3, r[36], "status class: target error");
                assertEquals(1, r[37], "service unavailable, while no core is there");
            }
            server.bindRegistry(core);
            try (Client c = new Client(p.bound().get(0))) {
                c.send(loginBhs(3), login);
                assertEquals(0, c.receive()[0][36], "logged in to the next core");
            }
        } finally {
            server.deactivate();
        }
    }

    @Test
    void removingAPortalAsksItsSessionsToLogOut() throws Exception {
        FakeScsiTarget disk = new FakeScsiTarget(Wire.TARGET);
        IscsiServer server = new IscsiServer(FakeScsiTarget.registry(disk));
        try {
            Portal p = server.open("lo", "x", 1, List.of("127.0.0.1:0"),
                    List.of(new InetSocketAddress("127.0.0.1", 0)));
            try (Client c = new Client(p.bound().get(0))) {
                c.send(loginBhs(1), ("InitiatorName=" + Wire.INITIATOR + "\0TargetName=" + Wire.TARGET + "\0")
                        .getBytes(StandardCharsets.UTF_8));
                int statSn = u32(c.receive()[0], 24);
                Thread closer = new Thread(() -> server.close(p));
                closer.start();
                byte[][] async = c.receive();
                assertEquals(0x32, async[0][0] & 0x3f);
                assertEquals(2, async[0][43], "Parameter3: seconds to log out");
                byte[] logout = new byte[48];
                logout[0] = 0x46;
                logout[1] = (byte) 0x80;
                logout[19] = 3;
                logout[27] = 1;
                int exp = statSn + 2;
                logout[28] = (byte) (exp >> 24);
                logout[29] = (byte) (exp >> 16);
                logout[30] = (byte) (exp >> 8);
                logout[31] = (byte) exp;
                c.send(logout, new byte[0]);
                assertEquals(0x26, c.receive()[0][0] & 0x3f);
                closer.join(5000);
                assertTrue(server.sessions().isEmpty());
                assertTrue(server.portals().isEmpty());
            }
        } finally {
            server.deactivate();
        }
    }

    /**
     * The README calls {@code listen} required, but a file without it listened on 0.0.0.0:3260,
     * every interface. Missing or empty, it is now a configuration error: nothing is opened and the
     * portal lists as FAILED naming the key.
     */
    @Test
    void aPortalFileWithoutListenOpensNothingAndIsListedFailed() {
        IscsiServer server = new IscsiServer(FakeScsiTarget.registry());
        try (LogCapture log = new LogCapture()) {
            new PortalComponent(server, ConfigProps.fromFile("jstgt.portal-nolisten.cfg", "tag", "3"));
            new PortalComponent(server, ConfigProps.fromFile("jstgt.portal-empty.cfg", "listen", " "));
            List<PortalInfo> infos = server.portals();
            assertEquals(2, infos.size());
            for (PortalInfo i : infos) {
                assertEquals(List.of(), i.bound(), i.name() + " listens nowhere");
                assertTrue(i.state().startsWith("FAILED(listen: "), i.state());
            }
            assertEquals("FAILED(listen: missing (required))", infos.get(0).state());
            assertEquals("FAILED(listen: empty)", infos.get(1).state());
            assertTrue(log.lines().stream().anyMatch(l -> l.contains("ERROR") && l.contains(
                    "/opt/jstgt/etc/jstgt.portal-nolisten.cfg: key listen: missing")), () -> "" + log.lines());
        } finally {
            server.deactivate();
        }
    }

    @Test
    void listenEntriesAreParsedStrictly() {
        assertEquals(new InetSocketAddress("127.0.0.1", 3260), PortalComponent.parseAddress("127.0.0.1:3260"));
        assertEquals(3261, PortalComponent.parseAddress("[::1]:3261").getPort());
        assertEquals(3260, PortalComponent.parseAddress("localhost").getPort());
        assertThrows(IllegalArgumentException.class, () -> PortalComponent.parseAddress("127.0.0.1:0"));
        assertThrows(IllegalArgumentException.class, () -> PortalComponent.parseAddress("127.0.0.1:70000"));
        assertThrows(IllegalArgumentException.class, () -> PortalComponent.parseAddress("::1:3260"));
        assertThrows(IllegalArgumentException.class, () -> PortalComponent.parseAddress("[::1"));
        assertEquals(1, PortalComponent.parseTag("0", "x"));
        assertEquals(12, PortalComponent.parseTag("12", "x"));
    }

    static ByteBuf unused() {
        return Unpooled.wrappedBuffer(ByteBufUtil.decodeHexDump("00"));
    }
}
