package org.jstgt.iscsi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.List;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.embedded.EmbeddedChannel;

import org.jstgt.iscsi.connection.Connection;
import org.jstgt.iscsi.flow.ReadThrottle;
import org.jstgt.iscsi.pdu.DataIn;
import org.jstgt.iscsi.pdu.LoginRequest;
import org.jstgt.iscsi.pdu.LoginResponse;
import org.jstgt.iscsi.pdu.Pdu;
import org.jstgt.iscsi.pdu.PduCodec;
import org.jstgt.iscsi.pdu.PduDecoder;
import org.jstgt.iscsi.pdu.ScsiCommand;
import org.jstgt.testkit.Await;
import org.jstgt.testkit.FakeScsiTarget;
import org.junit.jupiter.api.Test;

/**
 * Over real TCP: an initiator that sends commands but stops reading the answers. The target stops
 * reading it once send.buffer.high bytes wait to be sent, what waits stays near that mark, and
 * everything is answered, in order, once the initiator reads again.
 */
class BackpressureTest {
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final int HIGH = 256 * 1024;
    private static final int COMMANDS = 2000;
    private static final int BLOCKS = 32;

    @Test
    void aPeerThatStopsReadingIsNotReadAndWhatWaitsForItStaysBounded() throws Exception {
        FakeScsiTarget disk = new FakeScsiTarget(Wire.TARGET);
        disk.properties().put("send.buffer.high", Integer.toString(HIGH));
        disk.properties().put("send.buffer.low", "128KiB");
        IscsiServer server = new IscsiServer(FakeScsiTarget.registry(disk), "nio");
        EmbeddedChannel decoder = new EmbeddedChannel(new PduDecoder(0xffffff, false, false));
        try {
            Portal portal = server.open("lo", "etc/jstgt.portal-lo.cfg", 1, List.of("127.0.0.1:0"),
                    List.of(new InetSocketAddress("127.0.0.1", 0)));
            try (Socket s = new Socket()) {
                s.setReceiveBufferSize(16 * 1024);
                s.connect(portal.bound().get(0), 5000);
                s.setSoTimeout((int) WAIT.toMillis());
                OutputStream out = s.getOutputStream();
                InputStream in = s.getInputStream();
                out.write(bytes(new LoginRequest(true, false, 1, 3, 0, 0, Wire.ISID, 0, 1, 1, 1, 0,
                        Wire.text("InitiatorName=" + Wire.INITIATOR, "TargetName=" + Wire.TARGET,
                                "SessionType=Normal"))));
                LoginResponse login = (LoginResponse) next(in, decoder);
                assertEquals(0, login.status());
                int expStatSn = login.statSn() + 1;
                login.release();

                // 2000 READs of 16 KiB (32 MiB of Data-In), written while nobody reads the answers
                ByteBuf commands = Unpooled.buffer();
                for (int i = 0; i < COMMANDS; i++) {
                    commands.writeBytes(bytes(new ScsiCommand(false, true, true, false, 1, 0, 0x100 + i, BLOCKS * 512,
                            1 + i, expStatSn, FullFeatureTest.read10(0, BLOCKS), -1, Unpooled.EMPTY_BUFFER)));
                }
                byte[] all = ByteBufUtil.getBytes(commands);
                commands.release();
                Thread writer = new Thread(() -> {
                    try {
                        out.write(all);
                        out.flush();
                    } catch (IOException e) {
                        // the socket closed under a blocked write: the test is over
                    }
                }, "backpressure-writer");
                writer.setDaemon(true);
                writer.start();

                Channel ch = server.connections.iterator().next();
                Await.until(WAIT, "the target to stop reading the initiator", () -> !ch.config().isAutoRead());
                long pending = ch.eventLoop().submit(() -> ch.unsafe().outboundBuffer().totalPendingWriteBytes()).get();
                assertTrue(pending <= HIGH + 64 * 1024, "bytes waiting to be sent: " + pending
                        + ", more than send.buffer.high and one answer");
                ReadThrottle throttle = (ReadThrottle) ch.pipeline().get(Connection.THROTTLE);
                assertTrue(ch.eventLoop().submit(throttle::stops).get() >= 1);

                // reading again: every command is answered, in order
                for (int i = 0; i < COMMANDS; i++) {
                    DataIn d;
                    do {
                        d = (DataIn) next(in, decoder);
                        d.release();
                    } while (!d.statusPresent());
                    assertEquals(0x100 + i, d.itt());
                    assertEquals(0, d.status());
                }
                Await.until(WAIT, "the target to read again", () -> ch.config().isAutoRead());
            }
            Await.until(WAIT, "the session to end", () -> server.sessions().isEmpty());
        } finally {
            decoder.finishAndReleaseAll();
            server.deactivate();
        }
    }

    private static byte[] bytes(Pdu pdu) {
        ByteBuf b = PduCodec.encode(pdu, ByteBufAllocator.DEFAULT, false, false);
        try {
            return ByteBufUtil.getBytes(b);
        } finally {
            b.release();
        }
    }

    /** @return the next PDU from the socket (blocking, bounded by the socket timeout) */
    private static Pdu next(InputStream in, EmbeddedChannel decoder) throws IOException {
        byte[] buf = new byte[64 * 1024];
        for (;;) {
            Object m = decoder.readInbound();
            if (m != null) {
                return (Pdu) m;
            }
            int n = in.read(buf);
            if (n < 0) {
                throw new IOException("connection closed");
            }
            decoder.writeInbound(Unpooled.copiedBuffer(buf, 0, n));
        }
    }
}
