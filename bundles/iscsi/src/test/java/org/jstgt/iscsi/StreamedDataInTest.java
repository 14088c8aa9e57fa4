package org.jstgt.iscsi;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.util.ReferenceCountUtil;

import org.jstgt.iscsi.pdu.Bhs;
import org.jstgt.iscsi.pdu.DataIn;
import org.jstgt.iscsi.pdu.NopIn;
import org.jstgt.iscsi.pdu.Pdu;
import org.jstgt.iscsi.pdu.ScsiCommand;
import org.jstgt.iscsi.pdu.ScsiResponse;
import org.jstgt.iscsi.poll.DeviceWork;
import org.jstgt.testkit.FakeNexus;
import org.jstgt.testkit.FakeScsiTarget;
import org.junit.jupiter.api.Test;

/**
 * Read data a device lends the fabric (a store's view of its medium, sent without a copy of the
 * fabric's own): it leaves at once as Data-In, the command ends only once it has left the target,
 * and its status follows apart.
 */
class StreamedDataInTest {
    private final FakeScsiTarget disk = new FakeScsiTarget(Wire.TARGET);

    /** Stands for a socket that takes nothing for now: writes wait here until {@link #release()}. */
    private static final class FullSocket extends ChannelOutboundHandlerAdapter {
        private final List<Object> msgs = new ArrayList<>();
        private final List<ChannelPromise> promises = new ArrayList<>();
        private ChannelHandlerContext ctx;
        private boolean holding = true;
        private boolean closed;

        @Override
        public void handlerAdded(ChannelHandlerContext ctx) {
            this.ctx = ctx;
        }

        @Override
        public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
            if (closed) {
                ReferenceCountUtil.release(msg);
                promise.tryFailure(new java.nio.channels.ClosedChannelException());
                return;
            }
            if (!holding) {
                ctx.write(msg, promise);
                return;
            }
            msgs.add(msg);
            promises.add(promise);
        }

        @Override
        public void flush(ChannelHandlerContext ctx) {
            if (!holding) {
                ctx.flush();
            }
        }

        /** As a connection closing with writes pending: they fail and their buffers are released. */
        @Override
        public void close(ChannelHandlerContext ctx, ChannelPromise promise) {
            closed = true;
            msgs.forEach(ReferenceCountUtil::release);
            promises.forEach(p -> p.tryFailure(new java.nio.channels.ClosedChannelException()));
            msgs.clear();
            promises.clear();
            ctx.close(promise);
        }

        int held() {
            return msgs.size();
        }

        void release() {
            holding = false;
            for (int i = 0; i < msgs.size(); i++) {
                ctx.write(msgs.get(i), promises.get(i));
            }
            msgs.clear();
            promises.clear();
            ctx.flush();
        }
    }

    private static ScsiCommand read(Wire w, int lba, int blocks, int edtl) {
        return new ScsiCommand(false, true, true, false, 1, 0, ++w.itt, edtl, w.cmdSn++, w.expStatSn,
                FullFeatureTest.read10(lba, blocks), -1, Unpooled.EMPTY_BUFFER);
    }

    private FakeNexus streaming() {
        return disk.lastNexus().sendReads(true);
    }

    @Test
    void theDataLeavesAheadOfItsStatusWhichComesApart() {
        try (Wire w = new Wire(Wire.fabric(disk))) {
            w.loginNormal("MaxRecvDataSegmentLength=1024", "MaxBurstLength=2048");
            FakeNexus n = streaming();
            w.send(read(w, 2, 6, 3072));
            assertNotNull(n.sends().get(0), "sent from the device's buffer");
            assertEquals(0, w.allocator.atLeast(1024), "no Data-In buffer of the fabric's own");
            List<Pdu> out = w.receive();
            assertEquals(4, out.size(), () -> "three Data-In and a SCSI Response: " + out);
            byte[] got = new byte[3072];
            for (int i = 0; i < 3; i++) {
                DataIn d = (DataIn) out.get(i);
                assertEquals(i, d.dataSn());
                assertEquals(i * 1024, d.bufferOffset());
                assertEquals(1024, d.data().readableBytes());
                assertEquals(i == 1 || i == 2, d.finalFlag(), "F at each MaxBurstLength sequence end");
                assertFalse(d.statusPresent(), "no status in a Data-In sent ahead");
                assertEquals(w.expStatSn, d.statSn());
                d.data().getBytes(d.data().readerIndex(), got, i * 1024, 1024);
            }
            ScsiResponse r = (ScsiResponse) out.get(3);
            assertEquals(0, r.status());
            assertEquals(3, r.expDataSn());
            assertEquals(w.expStatSn, r.statSn());
            assertFalse(r.overflow() || r.underflow());
            assertEquals(w.itt, r.itt());
            assertArrayEquals(Arrays.copyOfRange(n.bytes(), 1024, 1024 + 3072), got);
            assertTrue(n.sends().get(0).toCompletableFuture().isDone());
            out.forEach(Pdu::release);
        }
    }

    @Test
    void theCommandEndsOnlyOnceItsDataHasLeft() {
        try (Wire w = new Wire(Wire.fabric(disk))) {
            w.loginNormal("MaxRecvDataSegmentLength=1024");
            FakeNexus n = streaming();
            FullSocket socket = new FullSocket();
            w.target.pipeline().addFirst(socket);
            int away = DeviceWork.pending();
            w.send(read(w, 0, 4, 2048));
            w.target.runPendingTasks();
            assertEquals(2, socket.held(), "the two Data-In wait for the socket");
            assertFalse(n.sends().get(0).toCompletableFuture().isDone(),
                    "the device's bytes may still be read: the command must not end (an ORDERED write would change them)");
            assertEquals(away, DeviceWork.pending(),
                    "a READ whose data the loop itself sends is not work elsewhere: the loop may still poll");
            socket.release();
            List<Pdu> out = w.receive();
            assertEquals(3, out.size(), () -> "two Data-In, then the status: " + out);
            assertTrue(out.get(2) instanceof ScsiResponse);
            assertTrue(n.sends().get(0).toCompletableFuture().isDone());
            out.forEach(Pdu::release);
        }
    }

    @Test
    void aConnectionLostBeforeTheDataLeftEndsTheCommandAndLeaksNothing() {
        try (Wire w = new Wire(Wire.fabric(disk))) {
            w.loginNormal();
            FakeNexus n = streaming();
            FullSocket socket = new FullSocket();
            w.target.pipeline().addFirst(socket);
            w.send(read(w, 0, 8, 4096));
            w.target.runPendingTasks();
            assertFalse(n.sends().get(0).toCompletableFuture().isDone());
            w.target.close();
            w.target.runPendingTasks();
            assertTrue(n.sends().get(0).toCompletableFuture().isDone(), "dropped with the connection: over");
        }
    }

    /**
     * A peer that reads slowly (or not at all) would hold a streamed command, and with it the logical
     * unit's ORDERED commands and resets: over the high water mark the data is copied instead.
     */
    @Test
    void aConnectionOverItsHighWaterMarkGetsACopy() {
        try (Wire w = new Wire(Wire.fabric(disk))) {
            w.loginNormal();
            FakeNexus n = streaming().hold(true);
            w.send(read(w, 0, 1, 512));
            // the peer stopped reading while the command ran (no command starts while unwritable)
            w.target.config().setWriteBufferWaterMark(new WriteBufferWaterMark(8, 16));
            w.target.write(new NopIn(0, Bhs.NO_TAG, 0x77, w.expStatSn, w.cmdSn, w.cmdSn, Unpooled.EMPTY_BUFFER));
            assertFalse(w.target.isWritable());
            n.releaseHeld();
            assertNull(n.sends().get(0), "copied: the command ends at once");
            List<Pdu> out = w.receive();
            assertTrue(out.get(0) instanceof NopIn);
            DataIn d = (DataIn) out.get(1);
            assertTrue(d.statusPresent());
            out.forEach(Pdu::release);
        }
    }

    @Test
    void aShortExpectedLengthSendsOnlyThatAndReportsTheOverflow() {
        try (Wire w = new Wire(Wire.fabric(disk))) {
            w.loginNormal();
            FakeNexus n = streaming();
            w.send(read(w, 0, 2, 512));
            List<Pdu> out = w.receive();
            assertEquals(2, out.size(), () -> out.toString());
            DataIn d = (DataIn) out.get(0);
            assertEquals(512, d.data().readableBytes());
            ScsiResponse r = (ScsiResponse) out.get(1);
            assertTrue(r.overflow());
            assertEquals(512, r.residualCount());
            assertEquals(1, r.expDataSn());
            assertNotNull(n.sends().get(0));
            out.forEach(Pdu::release);
        }
    }

    @Test
    void aDataDigestGetsACopyWithTheStatusCollapsed() {
        try (Wire w = new Wire(Wire.fabric(disk))) {
            w.loginNormal("HeaderDigest=CRC32C", "DataDigest=CRC32C");
            w.switchDigests(true, true);
            FakeNexus n = streaming();
            w.send(read(w, 0, 1, 512));
            DataIn d = w.one(DataIn.class);
            assertTrue(d.statusPresent());
            assertNull(n.sends().get(0), "a digest is computed over the fabric's own copy");
            d.release();
        }
    }

    @Test
    void errorRecoveryLevelOneGetsACopy() {
        disk.properties().put("error.recovery.level", "1");
        try (Wire w = new Wire(Wire.fabric(disk))) {
            w.loginNormal("ErrorRecoveryLevel=1");
            FakeNexus n = streaming();
            w.send(read(w, 0, 1, 512));
            assertNull(n.sends().get(0), "ErrorRecoveryLevel 1 keeps the data for a Data SNACK");
            List<Pdu> out = w.receive();
            assertEquals(512, ((DataIn) out.get(0)).data().readableBytes());
            out.forEach(Pdu::release);
        }
    }
}
