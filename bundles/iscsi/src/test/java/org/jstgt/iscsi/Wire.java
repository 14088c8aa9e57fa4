package org.jstgt.iscsi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;

import org.jstgt.iscsi.connection.Connection;
import org.jstgt.iscsi.connection.Fabric;
import org.jstgt.iscsi.limits.Permit;
import org.jstgt.iscsi.limits.PortalLimits;
import org.jstgt.iscsi.pdu.LoginRequest;
import org.jstgt.iscsi.pdu.LoginResponse;
import org.jstgt.iscsi.pdu.Pdu;
import org.jstgt.iscsi.pdu.PduCodec;
import org.jstgt.iscsi.pdu.PduDecoder;
import org.jstgt.iscsi.text.PortalEndpoint;
import org.jstgt.testkit.FakeScsiTarget;

/** A target connection in an EmbeddedChannel and a byte-level initiator talking to it. */
final class Wire implements AutoCloseable {
    static final String INITIATOR = "iqn.2026-11.org.example:host1";
    static final String TARGET = "iqn.2026-11.org.jstgt:disk1";
    static final long ISID = 0x400001370000L;

    final Fabric fabric;
    final EmbeddedChannel target;
    final EmbeddedChannel client;
    final Connection connection;
    final TrackingAllocator allocator = new TrackingAllocator();
    boolean headerDigest;
    boolean dataDigest;
    int cmdSn = 1;
    int itt = 0x1000;
    int expStatSn;

    Wire(Fabric fabric) {
        this(fabric, "main", 1);
    }

    Wire(Fabric fabric, String portal, int tag) {
        this(fabric, portal, tag, PortalLimits.DEFAULTS);
    }

    /** A connection of portal "main" under {@code limits}. */
    Wire(Fabric fabric, PortalLimits limits) {
        this(fabric, "main", 1, limits);
    }

    Wire(Fabric fabric, String portal, int tag, PortalLimits limits) {
        this(fabric, portal, tag, limits, new InetSocketAddress("127.0.0.1", 3260));
    }

    /** A connection of {@code portal} that came in on the target's address {@code local}. */
    Wire(Fabric fabric, String portal, int tag, InetSocketAddress local) {
        this(fabric, portal, tag, PortalLimits.DEFAULTS, local);
    }

    private Wire(Fabric fabric, String portal, int tag, PortalLimits limits, InetSocketAddress local) {
        this.fabric = fabric;
        target = new EmbeddedChannel();
        target.config().setAllocator(allocator);
        connection = Connection.open(target, fabric, portal, tag, local,
                new InetSocketAddress(local.getAddress() instanceof java.net.Inet6Address ? "::2" : "127.0.0.2",
                        40000), limits, Permit.UNLIMITED);
        client = new EmbeddedChannel(new PduDecoder(0xffffff, false, false));
    }

    static Fabric fabric(FakeScsiTarget... targets) {
        return new Fabric(() -> FakeScsiTarget.registry(targets), () -> List.of(
                new PortalEndpoint("main", 1, List.of(new InetSocketAddress("127.0.0.1", 3260),
                        new InetSocketAddress("::1", 3260)))));
    }

    void send(Pdu pdu) {
        target.writeInbound(PduCodec.encode(pdu, ByteBufAllocator.DEFAULT, headerDigest, dataDigest));
    }

    /** Sends a PDU as the network might deliver it: in reads of {@code chunk} bytes. */
    void sendInPieces(Pdu pdu, int chunk) {
        ByteBuf w = PduCodec.encode(pdu, ByteBufAllocator.DEFAULT, headerDigest, dataDigest);
        while (w.isReadable()) {
            target.writeInbound(w.readRetainedSlice(Math.min(chunk, w.readableBytes())));
        }
        w.release();
    }

    void sendBytes(ByteBuf b) {
        target.writeInbound(b);
    }

    List<Pdu> receive() {
        target.runPendingTasks();
        ByteBuf o;
        while ((o = target.readOutbound()) != null) {
            client.writeInbound(o);
        }
        List<Pdu> l = new ArrayList<>();
        Object m;
        while ((m = client.readInbound()) != null) {
            Pdu p = (Pdu) m;
            l.add(p);
        }
        return l;
    }

    @SuppressWarnings("unchecked")
    <T extends Pdu> T one(Class<T> type) {
        List<Pdu> l = receive();
        assertEquals(1, l.size(), () -> "expected one PDU, got " + l);
        assertTrue(type.isInstance(l.get(0)), () -> "expected " + type.getSimpleName() + ", got " + l.get(0));
        return (T) l.get(0);
    }

    void switchDigests(boolean hd, boolean dd) {
        headerDigest = hd;
        dataDigest = dd;
        client.pipeline().replace(PduDecoder.class, "dec", new PduDecoder(0xffffff, hd, dd));
    }

    static ByteBuf text(String... kv) {
        StringBuilder sb = new StringBuilder();
        for (String s : kv) {
            sb.append(s).append('\0');
        }
        return Unpooled.copiedBuffer(sb.toString(), StandardCharsets.UTF_8);
    }

    /** @return keys of a text segment (duplicates: last wins) */
    static Map<String, String> keys(ByteBuf data) {
        Map<String, String> m = new LinkedHashMap<>();
        for (String pair : data.toString(StandardCharsets.UTF_8).split("\0")) {
            if (!pair.isEmpty()) {
                int eq = pair.indexOf('=');
                m.put(pair.substring(0, eq), pair.substring(eq + 1));
            }
        }
        return m;
    }

    /** @return all key=value pairs in order */
    static List<String> pairs(ByteBuf data) {
        List<String> l = new ArrayList<>();
        for (String pair : data.toString(StandardCharsets.UTF_8).split("\0")) {
            if (!pair.isEmpty()) {
                l.add(pair);
            }
        }
        return l;
    }

    LoginRequest login(boolean transit, int csg, int nsg, int tsih, ByteBuf text) {
        return new LoginRequest(transit, false, csg, nsg, 0, 0, ISID, tsih, itt, 1, cmdSn, expStatSn, text);
    }

    LoginResponse loginStep(boolean transit, int csg, int nsg, String... kv) {
        send(login(transit, csg, nsg, 0, text(kv)));
        LoginResponse r = one(LoginResponse.class);
        expStatSn = r.statSn() + 1;
        return r;
    }

    /** Logs in to a Normal session straight from the operational stage. */
    LoginResponse loginNormal(String... extra) {
        List<String> kv = new ArrayList<>(List.of("InitiatorName=" + INITIATOR, "TargetName=" + TARGET,
                "SessionType=Normal"));
        kv.addAll(List.of(extra));
        LoginResponse r = loginStep(true, 1, 3, kv.toArray(new String[0]));
        assertEquals(0, r.status(), "login status");
        r.release();
        return r;
    }

    @Override
    public void close() {
        receive().forEach(Pdu::release);
        target.finishAndReleaseAll();
        client.finishAndReleaseAll();
        assertEquals(List.of(), allocator.unreleased(), "buffers the target allocated are all released");
    }
}
