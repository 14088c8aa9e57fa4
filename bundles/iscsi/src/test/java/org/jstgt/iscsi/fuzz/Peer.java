package org.jstgt.iscsi.fuzz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.netty.buffer.ByteBuf;
import io.netty.channel.embedded.EmbeddedChannel;

import org.jstgt.iscsi.TrackingAllocator;
import org.jstgt.iscsi.connection.Connection;
import org.jstgt.iscsi.connection.Fabric;
import org.jstgt.iscsi.limits.Permit;
import org.jstgt.iscsi.limits.PortalLimits;
import org.jstgt.iscsi.pdu.Bhs;
import org.jstgt.iscsi.pdu.DataIn;
import org.jstgt.iscsi.pdu.InvalidPdu;
import org.jstgt.iscsi.pdu.LoginRequest;
import org.jstgt.iscsi.pdu.LoginResponse;
import org.jstgt.iscsi.pdu.LogoutResponse;
import org.jstgt.iscsi.pdu.NopIn;
import org.jstgt.iscsi.pdu.Pdu;
import org.jstgt.iscsi.pdu.PduCodec;
import org.jstgt.iscsi.pdu.PduDecoder;
import org.jstgt.iscsi.pdu.Reject;
import org.jstgt.iscsi.pdu.ScsiResponse;
import org.jstgt.iscsi.pdu.TaskMgmtResponse;
import org.jstgt.iscsi.pdu.TextRequest;
import org.jstgt.iscsi.pdu.TextResponse;
import org.jstgt.testkit.FakeScsiTarget;

/**
 * One target connection in an EmbeddedChannel under fuzzing, and the checks every input ends with.
 * The channel's clock is frozen: time moves only when the input says so, so that a run replays
 * exactly. Every buffer the target allocates and every buffer fed to it comes from one
 * {@link TrackingAllocator}; {@link #close} asserts that none stays referenced.
 *
 * <p>Outbound bytes are decoded with the target's own {@link PduDecoder} (digests switched on as the
 * final Login Response agreed them): every PDU the target sends must frame, check its digests and
 * decode to a target opcode.
 */
final class Peer implements AutoCloseable {
    static final String INITIATOR = "iqn.2026-11.org.example:fuzz";
    static final String TARGET = "iqn.2026-11.org.jstgt:fuzz";
    static final long ISID = 0x400001370000L;

    final TrackingAllocator allocator = new TrackingAllocator();
    final FakeScsiTarget disk;
    final Fabric fabric;
    final EmbeddedChannel target;
    private EmbeddedChannel client;
    /** Digests the initiator side uses and expects once logged in. */
    boolean headerDigest;
    boolean dataDigest;
    /** Digests agreed so far in the running login (effective when it completes). */
    private boolean agreedHeaderDigest;
    private boolean agreedDataDigest;
    /** A final Login Response with status 0 went out: the Full Feature Phase started. */
    boolean loggedIn;
    int expStatSn;
    /** The initiator's next CmdSN and ITT. */
    int cmdSn = 1;
    int itt = 0x100;
    /** The largest MaxRecvDataSegmentLength the initiator declared (RFC 7143 §13.12; 8192 until then). */
    int initiatorMrdsl = 8192;
    /** The target's declared MaxRecvDataSegmentLength (what a Data-Out may carry). */
    int targetMrdsl = 8192;
    /** Every PDU the target sent, in order (released as they arrive: headers only). */
    final List<Pdu> sent = new ArrayList<>();

    Peer() {
        this(new FakeScsiTarget(TARGET).blocks(16));
    }

    /**
     * @param disk the LU the initiator logs in to
     * @param others further targets (SendTargets lists them)
     */
    Peer(FakeScsiTarget disk, FakeScsiTarget... others) {
        this.disk = disk;
        FakeScsiTarget[] all = new FakeScsiTarget[others.length + 1];
        all[0] = disk;
        System.arraycopy(others, 0, all, 1, others.length);
        fabric = Targets.fabric(all);
        target = new EmbeddedChannel();
        target.freezeTime();
        target.config().setAllocator(allocator);
        Connection.open(target, fabric, "main", 1, new InetSocketAddress("127.0.0.1", 3260),
                new InetSocketAddress("127.0.0.2", 40000), PortalLimits.DEFAULTS, Permit.UNLIMITED);
        client = new EmbeddedChannel(new PduDecoder(0xffffff, false, false));
    }

    /** @return a buffer of the tracking allocator holding {@code bytes} */
    ByteBuf buffer(byte[] bytes) {
        ByteBuf b = allocator.heapBuffer(Math.max(bytes.length, 1));
        return b.writeBytes(bytes);
    }

    /** Feeds {@code pdu} (released here) encoded with the current digests, in reads of {@code chunk}. */
    void send(Pdu pdu, int chunk) {
        if (pdu instanceof LoginRequest || pdu instanceof TextRequest) {
            initiatorMrdsl = Math.max(initiatorMrdsl, declaredMrdsl(pdu.data(), 0));
        }
        ByteBuf w = PduCodec.encode(pdu, allocator, headerDigest, dataDigest);
        sendBytes(w, chunk);
    }

    /** Feeds {@code bytes} (released here) in reads of {@code chunk} bytes (all at once when 0). */
    void sendBytes(ByteBuf bytes, int chunk) {
        if (!target.isOpen()) {
            bytes.release();
            return;
        }
        if (chunk <= 0) {
            target.writeInbound(bytes);
        } else {
            while (bytes.isReadable() && target.isOpen()) {
                target.writeInbound(bytes.readRetainedSlice(Math.min(chunk, bytes.readableBytes())));
            }
            bytes.release();
        }
        target.checkException();
        drain();
    }

    /**
     * Logs in from the operational stage straight to the Full Feature Phase.
     *
     * @param keys keys besides InitiatorName (TargetName and SessionType when wanted)
     * @return whether the login succeeded
     */
    boolean login(List<String> keys) {
        StringBuilder sb = new StringBuilder("InitiatorName=" + INITIATOR + "\0");
        keys.forEach(k -> sb.append(k).append('\0'));
        send(new LoginRequest(true, false, 1, 3, 0, 0, ISID, 0, itt++, 0, cmdSn, expStatSn,
                buffer(sb.toString().getBytes(StandardCharsets.UTF_8))), 0);
        return loggedIn;
    }

    /** Lets {@code millis} of channel time pass, running what falls due. */
    void sleep(long millis) {
        target.advanceTimeBy(millis, TimeUnit.MILLISECONDS);
        target.runScheduledPendingTasks();
        target.runPendingTasks();
        target.checkException();
        drain();
    }

    /**
     * Runs pending tasks and decodes what the target wrote.
     *
     * @return the PDUs sent since the last call (their data segments already released)
     */
    List<Pdu> drain() {
        target.runPendingTasks();
        target.checkException();
        List<Pdu> out = new ArrayList<>();
        for (Object o = target.readOutbound(); o != null; o = target.readOutbound()) {
            if (!(o instanceof ByteBuf)) {
                fail("target wrote a " + o.getClass().getName());
            }
            client.writeInbound(o);
            Object m;
            while ((m = client.readInbound()) != null) {
                if (m instanceof InvalidPdu bad) {
                    fail("target sent a malformed PDU: " + bad.detail());
                }
                Pdu p = (Pdu) m;
                try {
                    check(p);
                } finally {
                    p.release();
                }
                out.add(p);
            }
        }
        sent.addAll(out);
        return out;
    }

    /** @return the value of a valid MaxRecvDataSegmentLength key in {@code text}, else {@code otherwise} */
    private static int declaredMrdsl(ByteBuf text, int otherwise) {
        int found = otherwise;
        for (String pair : text.toString(StandardCharsets.UTF_8).split("\0")) {
            if (pair.startsWith("MaxRecvDataSegmentLength=")) {
                try {
                    int v = Integer.parseInt(pair.substring(pair.indexOf('=') + 1));
                    if (v >= 512 && v <= 0xffffff) {
                        found = v;
                    }
                } catch (NumberFormatException e) {
                    // not a declaration the target can hold us to
                }
            }
        }
        return found;
    }

    private void check(Pdu p) {
        assertTrue(p.opcode().code() >= 0x20, () -> "target sent an initiator opcode " + p.opcode());
        assertTrue(p.data().readableBytes() <= initiatorMrdsl, () -> p.opcode() + " carries "
                + p.data().readableBytes() + " bytes, over the initiator's MaxRecvDataSegmentLength " + initiatorMrdsl);
        if (!loggedIn) {
            // RFC 7143 §6.3: the login phase is Login Requests and Responses only
            assertTrue(p instanceof LoginResponse, () -> "target sent " + p.opcode() + " in the login phase");
        }
        if (p instanceof ScsiResponse r) {
            expStatSn = r.statSn() + 1;
        } else if (p instanceof DataIn d && d.statusPresent()) {
            expStatSn = d.statSn() + 1;
        } else if (p instanceof TextResponse r) {
            expStatSn = r.statSn() + 1;
        } else if (p instanceof TaskMgmtResponse r) {
            expStatSn = r.statSn() + 1;
        } else if (p instanceof LogoutResponse r) {
            expStatSn = r.statSn() + 1;
        } else if (p instanceof Reject r) {
            expStatSn = r.statSn() + 1;
        } else if (p instanceof NopIn n && n.itt() != Bhs.NO_TAG) {
            expStatSn = n.statSn() + 1;
        }
        if (p instanceof LoginResponse r) {
            targetMrdsl = declaredMrdsl(r.data(), targetMrdsl);
            assertFalse(loggedIn, "Login Response in the Full Feature Phase");
            String text = r.data().toString(StandardCharsets.UTF_8);
            for (String pair : text.split("\0")) {
                if (pair.startsWith("HeaderDigest=")) {
                    agreedHeaderDigest = pair.endsWith("=CRC32C");
                } else if (pair.startsWith("DataDigest=")) {
                    agreedDataDigest = pair.endsWith("=CRC32C");
                }
            }
            expStatSn = r.statSn() + 1;
            if (r.transit() && r.nsg() == 3 && r.status() == 0) {
                loggedIn = true;
                headerDigest = agreedHeaderDigest;
                dataDigest = agreedDataDigest;
                // The decoder holds no bytes between PDUs: each write is whole.
                client.pipeline().replace(PduDecoder.class, "decoder",
                        new PduDecoder(0xffffff, headerDigest, dataDigest));
            }
        }
    }

    /**
     * Ends the input: lets the linger and every timer run out, closes the channel, completes what
     * the LU still holds, and asserts that nothing escaped and every buffer came back.
     */
    @Override
    public void close() {
        try {
            sleep(TimeUnit.MINUTES.toMillis(5));
            target.close();
            target.runPendingTasks();
            disk.nexuses().forEach(n -> n.releaseHeld());
            target.runPendingTasks();
            target.runScheduledPendingTasks();
            target.checkException();
            drain();
        } finally {
            target.finishAndReleaseAll();
            client.finishAndReleaseAll();
        }
        assertEquals(List.of(), allocator.unreleased(), "buffers still referenced after the connection closed");
    }
}
