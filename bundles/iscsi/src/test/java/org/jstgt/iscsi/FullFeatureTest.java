package org.jstgt.iscsi;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;

import org.jstgt.iscsi.pdu.Bhs;
import org.jstgt.iscsi.pdu.DataIn;
import org.jstgt.iscsi.pdu.DataOut;
import org.jstgt.iscsi.pdu.LogoutRequest;
import org.jstgt.iscsi.pdu.LogoutResponse;
import org.jstgt.iscsi.pdu.NopIn;
import org.jstgt.iscsi.pdu.NopOut;
import org.jstgt.iscsi.pdu.Pdu;
import org.jstgt.iscsi.pdu.R2t;
import org.jstgt.iscsi.pdu.Reject;
import org.jstgt.iscsi.pdu.RejectReason;
import org.jstgt.iscsi.pdu.ScsiCommand;
import org.jstgt.iscsi.pdu.ScsiResponse;
import org.jstgt.iscsi.pdu.SnackRequest;
import org.jstgt.iscsi.pdu.TaskMgmtRequest;
import org.jstgt.iscsi.pdu.TaskMgmtResponse;
import org.jstgt.testkit.FakeNexus;
import org.jstgt.testkit.FakeScsiTarget;
import org.junit.jupiter.api.Test;

class FullFeatureTest {
    private final FakeScsiTarget disk = new FakeScsiTarget(Wire.TARGET);

    static byte[] read10(int lba, int blocks) {
        return new byte[] {0x28, 0, (byte) (lba >> 24), (byte) (lba >> 16), (byte) (lba >> 8), (byte) lba, 0,
                (byte) (blocks >> 8), (byte) blocks, 0, 0, 0, 0, 0, 0, 0};
    }

    static byte[] write10(int lba, int blocks) {
        byte[] c = read10(lba, blocks);
        c[0] = 0x2a;
        return c;
    }

    static byte[] inquiry(int alloc) {
        return new byte[] {0x12, 0, 0, (byte) (alloc >> 8), (byte) alloc, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0};
    }

    static ByteBuf pattern(int n, int seed) {
        ByteBuf b = Unpooled.buffer(n);
        for (int i = 0; i < n; i++) {
            b.writeByte(i * 31 + seed);
        }
        return b;
    }

    private ScsiCommand cmd(Wire w, byte[] cdb, boolean read, boolean write, int edtl, ByteBuf immediate, boolean fin) {
        return new ScsiCommand(false, fin, read, write, 1, 0, ++w.itt, edtl, w.cmdSn++, w.expStatSn, cdb, -1,
                immediate);
    }

    private FakeNexus nexus() {
        return disk.lastNexus();
    }

    @Test
    void readIsSplitIntoDataInWithPhaseCollapsedStatus() {
        try (Wire w = new Wire(Wire.fabric(disk))) {
            w.loginNormal("MaxRecvDataSegmentLength=1024", "MaxBurstLength=2048");
            w.send(cmd(w, read10(2, 6), true, false, 3072, Unpooled.EMPTY_BUFFER, true));
            assertTrue(w.target.outboundMessages().peek() instanceof io.netty.buffer.CompositeByteBuf);
            assertEquals(1, w.allocator.atLeast(1024), "Data-In goes out as slices of the device buffer");
            List<Pdu> out = w.receive();
            assertEquals(3, out.size());
            byte[] got = new byte[3072];
            int expectOffset = 0;
            for (int i = 0; i < 3; i++) {
                DataIn d = (DataIn) out.get(i);
                assertEquals(i, d.dataSn());
                assertEquals(expectOffset, d.bufferOffset());
                assertEquals(1024, d.data().readableBytes());
                d.data().getBytes(d.data().readerIndex(), got, expectOffset, 1024);
                expectOffset += 1024;
                assertEquals(i == 1 || i == 2, d.finalFlag(), "F at each MaxBurstLength sequence end");
                assertEquals(i == 2, d.statusPresent());
                assertEquals(w.itt, d.itt());
            }
            DataIn last = (DataIn) out.get(2);
            assertEquals(0, last.status());
            assertFalse(last.underflow() || last.overflow());
            assertEquals(w.expStatSn, last.statSn());
            assertEquals(w.cmdSn, last.expCmdSn());
            assertArrayEquals(Arrays.copyOfRange(nexus().bytes(), 1024, 1024 + 3072), got);
            out.forEach(Pdu::release);
            assertEquals(List.of(), w.allocator.unreleased());
        }
    }

    @Test
    void inquiryUnderflowAndReadOverflowResiduals() {
        try (Wire w = new Wire(Wire.fabric(disk))) {
            w.loginNormal();
            w.send(cmd(w, inquiry(255), true, false, 255, Unpooled.EMPTY_BUFFER, true));
            DataIn d = w.one(DataIn.class);
            assertEquals(36, d.data().readableBytes());
            assertTrue(d.statusPresent() && d.underflow());
            assertEquals(255 - 36, d.residualCount());
            d.release();
            w.expStatSn++;
            w.send(cmd(w, read10(0, 2), true, false, 512, Unpooled.EMPTY_BUFFER, true));
            DataIn o = w.one(DataIn.class);
            assertEquals(512, o.data().readableBytes());
            assertTrue(o.statusPresent() && o.overflow());
            assertEquals(512, o.residualCount());
            o.release();
        }
    }

    @Test
    void errorsComeAsScsiResponseWithSense() {
        try (Wire w = new Wire(Wire.fabric(disk))) {
            w.loginNormal();
            w.send(cmd(w, read10(1000, 1), true, false, 512, Unpooled.EMPTY_BUFFER, true));
            ScsiResponse r = w.one(ScsiResponse.class);
            assertEquals(2, r.status());
            assertEquals(18, r.data().getUnsignedShort(0));
            assertEquals(0x05, r.data().getByte(2 + 2) & 0x0f);
            assertEquals(0x21, r.data().getByte(2 + 12));
            assertTrue(r.underflow());
            assertEquals(512, r.residualCount());
            r.release();
        }
    }

    @Test
    void writeWithImmediateData() {
        try (Wire w = new Wire(Wire.fabric(disk))) {
            w.loginNormal("ImmediateData=Yes");
            w.send(cmd(w, write10(3, 1), false, true, 512, pattern(512, 1), true));
            ScsiResponse r = w.one(ScsiResponse.class);
            assertEquals(0, r.status());
            assertEquals(0, r.expDataSn());
            r.release();
            assertArrayEquals(ByteBufUtil.getBytes(pattern(512, 1)), Arrays.copyOfRange(nexus().bytes(), 1536, 2048));
        }
    }

    @Test
    void writeWithImmediateAndUnsolicitedDataThenR2t() {
        try (Wire w = new Wire(Wire.fabric(disk))) {
            w.loginNormal("ImmediateData=Yes", "InitialR2T=No", "FirstBurstLength=2048", "MaxBurstLength=4096");
            ByteBuf all = pattern(8192, 5);
            ScsiCommand c = cmd(w, write10(8, 16), false, true, 8192, all.retainedSlice(0, 1024), false);
            w.send(c);
            assertTrue(w.receive().isEmpty(), "waits for unsolicited data");
            w.send(new DataOut(true, 0, c.itt(), Bhs.NO_TAG, w.expStatSn, 0, 1024, all.retainedSlice(1024, 1024)));
            List<Pdu> r2ts = w.receive();
            assertEquals(1, r2ts.size(), "MaxOutstandingR2T=1");
            R2t r2t = (R2t) r2ts.get(0);
            assertEquals(0, r2t.r2tSn());
            assertEquals(2048, r2t.bufferOffset());
            assertEquals(4096, r2t.desiredDataTransferLength());
            w.send(new DataOut(false, 0, c.itt(), r2t.ttt(), w.expStatSn, 0, 2048, all.retainedSlice(2048, 2048)));
            w.send(new DataOut(true, 0, c.itt(), r2t.ttt(), w.expStatSn, 1, 4096, all.retainedSlice(4096, 2048)));
            R2t second = w.one(R2t.class);
            assertEquals(1, second.r2tSn());
            assertEquals(6144, second.bufferOffset());
            assertEquals(2048, second.desiredDataTransferLength());
            w.send(new DataOut(true, 0, c.itt(), second.ttt(), w.expStatSn, 0, 6144, all.retainedSlice(6144, 2048)));
            ScsiResponse resp = w.one(ScsiResponse.class);
            assertEquals(0, resp.status());
            assertEquals(2, resp.expDataSn());
            resp.release();
            assertArrayEquals(ByteBufUtil.getBytes(all), Arrays.copyOfRange(nexus().bytes(), 8 * 512, 24 * 512));
            all.release();
        }
    }

    @Test
    void r2tSequenceWithSeveralOutstanding() {
        disk.properties().put("max.outstanding.r2t", "4");
        try (Wire w = new Wire(Wire.fabric(disk))) {
            w.loginNormal("MaxBurstLength=1024", "MaxOutstandingR2T=2", "MaxRecvDataSegmentLength=512");
            ByteBuf all = pattern(4096, 9);
            ScsiCommand c = cmd(w, write10(0, 8), false, true, 4096, Unpooled.EMPTY_BUFFER, true);
            w.send(c);
            List<Pdu> r2ts = w.receive();
            assertEquals(2, r2ts.size());
            int done = 0;
            int nextR2tSn = 0;
            while (done < 4) {
                R2t r = (R2t) r2ts.remove(0);
                assertEquals(nextR2tSn++, r.r2tSn());
                assertEquals(1024, r.desiredDataTransferLength());
                for (int i = 0; i < 2; i++) {
                    int off = r.bufferOffset() + i * 512;
                    w.send(new DataOut(i == 1, 0, c.itt(), r.ttt(), w.expStatSn, i, off, all.retainedSlice(off, 512)));
                }
                done++;
                r2ts.addAll(w.receive());
            }
            assertEquals(1, r2ts.size());
            ScsiResponse resp = (ScsiResponse) r2ts.get(0);
            assertEquals(0, resp.status());
            assertEquals(4, resp.expDataSn());
            resp.release();
            assertArrayEquals(ByteBufUtil.getBytes(all), Arrays.copyOf(nexus().bytes(), 4096));
            all.release();
        }
    }

    /**
     * A 256 KiB write as a socket delivers it (1000-byte reads): 32 KiB immediate, 32 KiB
     * unsolicited, three 64 KiB R2T bursts. Every large segment lands in the command's own buffer
     * (one buffer of 16 KiB or more allocated in all), and the data is intact.
     */
    @Test
    void largeWriteArrivingInPiecesIsReceivedInPlace() {
        disk.blocks(1024);
        try (Wire w = new Wire(Wire.fabric(disk))) {
            w.loginNormal("ImmediateData=Yes", "InitialR2T=No", "FirstBurstLength=65536", "MaxBurstLength=65536");
            int k = 1024;
            ByteBuf all = pattern(256 * k, 3);
            long bigBefore = w.allocator.atLeast(16 * k);
            ScsiCommand c = cmd(w, write10(64, 512), false, true, 256 * k, all.retainedSlice(0, 32 * k), false);
            w.sendInPieces(c, 1000);
            w.sendInPieces(new DataOut(true, 0, c.itt(), Bhs.NO_TAG, w.expStatSn, 0, 32 * k,
                    all.retainedSlice(32 * k, 32 * k)), 1000);
            for (int burst = 0; burst < 3; burst++) {
                R2t r2t = w.one(R2t.class);
                assertEquals(64 * k + burst * 64 * k, r2t.bufferOffset());
                assertEquals(64 * k, r2t.desiredDataTransferLength());
                w.sendInPieces(new DataOut(true, 0, c.itt(), r2t.ttt(), w.expStatSn, 0, r2t.bufferOffset(),
                        all.retainedSlice(r2t.bufferOffset(), 64 * k)), 1000);
            }
            ScsiResponse resp = w.one(ScsiResponse.class);
            assertEquals(0, resp.status());
            resp.release();
            assertArrayEquals(ByteBufUtil.getBytes(all), Arrays.copyOfRange(nexus().bytes(), 64 * 512, 576 * 512));
            assertEquals(1, w.allocator.atLeast(16 * k) - bigBefore,
                    "only the command's buffer: no cumulation growth, no per-PDU segment buffers");
            all.release();
        }
    }

    @Test
    void dataOutInPiecesAtTheWrongOffsetIsRejectedAndEndsOnlyItsCommand() {
        disk.blocks(512);
        try (Wire w = new Wire(Wire.fabric(disk))) {
            w.loginNormal("ImmediateData=Yes", "InitialR2T=No", "FirstBurstLength=65536", "MaxBurstLength=65536");
            byte[] before = nexus().bytes().clone();
            int k = 1024;
            ScsiCommand c = cmd(w, write10(0, 128), false, true, 64 * k, pattern(32 * k, 1), false);
            w.sendInPieces(c, 1000);
            w.sendInPieces(new DataOut(true, 0, c.itt(), Bhs.NO_TAG, w.expStatSn, 0, 24 * k, pattern(32 * k, 2)),
                    1000);
            assertDataPhaseRejected(w, c.itt());
            assertArrayEquals(before, nexus().bytes());
        }
    }

    /**
     * libiscsi's iSCSIDataSnInvalid: Data-Out with DataSN 0 twice, 27, -1, or 1 then 0. At
     * ErrorRecoveryLevel 0 each is rejected and ends its command with CHECK CONDITION (RFC 7143
     * §7.3); the Data-Out still coming for it is dropped, and the session goes on.
     */
    @Test
    void dataOutWithAWrongDataSnEndsItsCommandAndTheSessionGoesOn() {
        disk.blocks(512);
        int[][] sequences = {{0, 0}, {27}, {-1}, {1, 0}};
        try (Wire w = new Wire(Wire.fabric(disk))) {
            w.loginNormal("ImmediateData=No", "InitialR2T=Yes", "MaxRecvDataSegmentLength=512");
            byte[] before = nexus().bytes().clone();
            for (int[] dataSns : sequences) {
                int blocks = Math.max(dataSns.length, 1);
                ScsiCommand c = cmd(w, write10(100, blocks), false, true, blocks * 512, Unpooled.EMPTY_BUFFER, true);
                w.send(c);
                R2t r2t = w.one(R2t.class);
                for (int i = 0; i < dataSns.length; i++) {
                    w.send(new DataOut(i == dataSns.length - 1, 0, c.itt(), r2t.ttt(), w.expStatSn, dataSns[i],
                            i * 512, pattern(512, i)));
                }
                assertDataPhaseRejected(w, c.itt());
            }
            assertArrayEquals(before, nexus().bytes(), "no rejected write reached the disk");
            // the same session writes correctly afterwards
            ScsiCommand good = cmd(w, write10(100, 2), false, true, 1024, Unpooled.EMPTY_BUFFER, true);
            w.send(good);
            R2t r2t = w.one(R2t.class);
            w.send(new DataOut(false, 0, good.itt(), r2t.ttt(), w.expStatSn, 0, 0, pattern(512, 7)));
            w.send(new DataOut(true, 0, good.itt(), r2t.ttt(), w.expStatSn, 1, 512, pattern(512, 8)));
            ScsiResponse ok = w.one(ScsiResponse.class);
            assertEquals(0, ok.status());
            ok.release();
            assertTrue(w.target.isOpen());
        }
    }

    /** A Reject (Protocol Error), then the command's CHECK CONDITION, ABORTED COMMAND, 4Bh/00h; nothing else. */
    private static void assertDataPhaseRejected(Wire w, int itt) {
        List<Pdu> answers = w.receive();
        assertEquals(2, answers.size(), answers.toString());
        Reject r = (Reject) answers.get(0);
        assertEquals(RejectReason.PROTOCOL_ERROR, r.reason());
        r.release();
        ScsiResponse resp = (ScsiResponse) answers.get(1);
        assertEquals(itt, resp.itt());
        assertEquals(2, resp.status(), "CHECK CONDITION");
        assertEquals(0x0B, resp.data().getByte(2 + 2) & 0x0f, "ABORTED COMMAND");
        assertEquals(0x4B, resp.data().getByte(2 + 12) & 0xff, "DATA PHASE ERROR");
        resp.release();
        assertTrue(w.target.isOpen(), "the connection stays");
    }

    @Test
    void placedDataOutWithADataDigestErrorDropsTheConnectionAndWritesNothing() {
        disk.blocks(512);
        try (Wire w = new Wire(Wire.fabric(disk))) {
            w.loginNormal("HeaderDigest=CRC32C", "DataDigest=CRC32C", "ImmediateData=Yes", "InitialR2T=No",
                    "FirstBurstLength=65536", "MaxBurstLength=65536");
            w.switchDigests(true, true);
            byte[] before = nexus().bytes().clone();
            int k = 1024;
            ScsiCommand c = cmd(w, write10(0, 128), false, true, 64 * k, pattern(32 * k, 1), false);
            w.sendInPieces(c, 1000);
            ByteBuf wire = org.jstgt.iscsi.pdu.PduCodec.encode(new DataOut(true, 0, c.itt(), Bhs.NO_TAG, w.expStatSn,
                    0, 32 * k, pattern(32 * k, 2)), io.netty.buffer.ByteBufAllocator.DEFAULT, true, true);
            ByteBuf bad = Unpooled.copiedBuffer(wire);
            wire.release();
            bad.setByte(bad.writerIndex() - 1, bad.getByte(bad.writerIndex() - 1) ^ 1);
            while (bad.isReadable()) {
                w.sendBytes(bad.readRetainedSlice(Math.min(1000, bad.readableBytes())));
            }
            bad.release();
            Reject r = w.one(Reject.class);
            assertEquals(RejectReason.DATA_DIGEST_ERROR, r.reason());
            r.release();
            assertFalse(w.target.isOpen());
            assertTrue(nexus().executed().isEmpty(), "the write never ran");
            assertArrayEquals(before, nexus().bytes());
        }
    }

    @Test
    void connectionLostWhileASegmentIsArrivingReleasesEverything() {
        try (Wire w = new Wire(Wire.fabric(disk))) {
            w.loginNormal("ImmediateData=Yes", "InitialR2T=No", "FirstBurstLength=65536", "MaxBurstLength=65536");
            ByteBuf wire = org.jstgt.iscsi.pdu.PduCodec.encode(cmd(w, write10(0, 64), false, true, 32 * 1024,
                    pattern(32 * 1024, 1), true), io.netty.buffer.ByteBufAllocator.DEFAULT, false, false);
            w.sendBytes(wire.readRetainedSlice(10_000));
            wire.release();
            w.target.close();
            assertTrue(nexus().executed().isEmpty());
        }
    }

    @Test
    void bidirectionalCommandIsFailedByTheFabric() {
        // R and W both set (RFC 7143 §11.3.1): not supported, CHECK CONDITION 0E/03, nothing executed
        try (Wire w = new Wire(Wire.fabric(disk))) {
            w.loginNormal();
            w.send(cmd(w, read10(0, 1), true, true, 512, Unpooled.EMPTY_BUFFER, true));
            ScsiResponse r = w.one(ScsiResponse.class);
            assertEquals(2, r.status());
            assertEquals(0x05, r.data().getByte(2 + 2) & 0x0f);
            assertEquals(0x0E, r.data().getByte(2 + 12));
            assertEquals(0x03, r.data().getByte(2 + 13));
            r.release();
            assertTrue(nexus().executed().isEmpty());
        }
    }

    @Test
    void writeWithShortExpectedLengthStoresWhatCameAndReportsOverflow() {
        // libiscsi Write10Residuals: WRITE(10) of 2 blocks with EDTL of 1 block -> GOOD, O bit,
        // residual 512, only the first block written.
        try (Wire w = new Wire(Wire.fabric(disk))) {
            w.loginNormal();
            byte[] before = nexus().bytes().clone();
            w.send(cmd(w, write10(0, 2), false, true, 512, pattern(512, 3), true));
            ScsiResponse r = w.one(ScsiResponse.class);
            assertEquals(0, r.status());
            assertTrue(r.overflow());
            assertEquals(512, r.residualCount());
            r.release();
            assertEquals(1, nexus().executed().size());
            ByteBuf expected = pattern(512, 3);
            assertArrayEquals(ByteBufUtil.getBytes(expected), Arrays.copyOf(nexus().bytes(), 512));
            expected.release();
            assertArrayEquals(Arrays.copyOfRange(before, 512, 1024), Arrays.copyOfRange(nexus().bytes(), 512, 1024));
        }
    }

    @Test
    void writeWithLongExpectedLengthReportsUnderflow() {
        try (Wire w = new Wire(Wire.fabric(disk))) {
            w.loginNormal();
            w.send(cmd(w, write10(0, 1), false, true, 1024, pattern(1024, 3), true));
            ScsiResponse r = w.one(ScsiResponse.class);
            assertEquals(0, r.status());
            assertTrue(r.underflow());
            assertEquals(512, r.residualCount());
            r.release();
            assertArrayEquals(ByteBufUtil.getBytes(pattern(512, 3)), Arrays.copyOf(nexus().bytes(), 512));
        }
    }

    @Test
    void cmdSnOrderingQueuesEarlyCommandsAndDropsOutsideWindow() {
        try (Wire w = new Wire(Wire.fabric(disk))) {
            w.loginNormal();
            int first = w.cmdSn;
            ScsiCommand c1 = new ScsiCommand(false, true, false, false, 1, 0, 101, 0, first, w.expStatSn,
                    new byte[16], -1, Unpooled.EMPTY_BUFFER);
            ScsiCommand c2 = new ScsiCommand(false, true, false, false, 1, 0, 102, 0, first + 1, w.expStatSn,
                    new byte[16], -1, Unpooled.EMPTY_BUFFER);
            ScsiCommand far = new ScsiCommand(false, true, false, false, 1, 0, 103, 0, first + 500, w.expStatSn,
                    new byte[16], -1, Unpooled.EMPTY_BUFFER);
            ScsiCommand old = new ScsiCommand(false, true, false, false, 1, 0, 104, 0, first - 1, w.expStatSn,
                    new byte[16], -1, Unpooled.EMPTY_BUFFER);
            w.send(c2);
            assertTrue(w.receive().isEmpty(), "CmdSN gap: queued");
            w.send(far);
            w.send(old);
            assertTrue(w.receive().isEmpty(), "outside the window: dropped silently");
            w.send(c1);
            List<Pdu> out = w.receive();
            assertEquals(2, out.size());
            ScsiResponse r1 = (ScsiResponse) out.get(0);
            ScsiResponse r2 = (ScsiResponse) out.get(1);
            assertEquals(101, r1.itt());
            assertEquals(102, r2.itt());
            assertEquals(first + 2, r2.expCmdSn());
            assertEquals(first + 2 + 127, r2.maxCmdSn(), "all slots free again");
            assertEquals(r1.statSn() + 1, r2.statSn());
        }
    }

    @Test
    void windowAdvertisesOnlyFreeSlots() {
        disk.properties().put("queue.depth", "4");
        try (Wire w = new Wire(Wire.fabric(disk))) {
            LoginResponse0 ignored = null;
            w.loginNormal();
            nexus().hold(true);
            w.send(cmd(w, read10(0, 1), true, false, 512, Unpooled.EMPTY_BUFFER, true));
            w.send(cmd(w, read10(0, 1), true, false, 512, Unpooled.EMPTY_BUFFER, true));
            assertTrue(w.receive().isEmpty());
            w.send(new NopOut(true, 0, 0x77, Bhs.NO_TAG, w.cmdSn, w.expStatSn, Unpooled.EMPTY_BUFFER));
            NopIn nop = w.one(NopIn.class);
            assertEquals(w.cmdSn, nop.expCmdSn());
            assertEquals(w.cmdSn + 4 - 2 - 1, nop.maxCmdSn(), "two slots busy");
            nexus().releaseHeld();
            List<Pdu> done = w.receive();
            assertEquals(2, done.size());
            DataIn last = (DataIn) done.get(1);
            assertEquals(w.cmdSn + 3, last.maxCmdSn());
            done.forEach(Pdu::release);
        }
    }

    private interface LoginResponse0 {
    }

    @Test
    void nopOutPingEchoesData() {
        try (Wire w = new Wire(Wire.fabric(disk))) {
            w.loginNormal();
            w.send(new NopOut(true, 0, 0x55, Bhs.NO_TAG, w.cmdSn, w.expStatSn, pattern(10, 0)));
            NopIn in = w.one(NopIn.class);
            assertEquals(0x55, in.itt());
            assertEquals(Bhs.NO_TAG, in.ttt());
            assertArrayEquals(ByteBufUtil.getBytes(pattern(10, 0)), ByteBufUtil.getBytes(in.data()));
            in.release();
            w.send(new NopOut(true, 0, Bhs.NO_TAG, Bhs.NO_TAG, w.cmdSn, w.expStatSn, Unpooled.EMPTY_BUFFER));
            assertTrue(w.receive().isEmpty(), "ITT 0xffffffff wants no answer");
        }
    }

    @Test
    void logoutRespondsThenCloses() {
        try (Wire w = new Wire(Wire.fabric(disk))) {
            w.loginNormal();
            w.send(new LogoutRequest(true, LogoutRequest.CLOSE_SESSION, 0x66, 1, w.cmdSn, w.expStatSn));
            LogoutResponse r = w.one(LogoutResponse.class);
            assertEquals(LogoutResponse.SUCCESS, r.response());
            assertEquals(0x66, r.itt());
            assertFalse(w.target.isOpen());
            assertTrue(nexus().closed());
            assertTrue(w.fabric.sessionInfos().isEmpty());
        }
    }

    @Test
    void unknownOpcodeAndSnackAreRejected() {
        try (Wire w = new Wire(Wire.fabric(disk))) {
            w.loginNormal();
            byte[] h = new byte[48];
            h[0] = 0x1d;
            Bhs.class.getName();
            h[16] = 0x12;
            w.sendBytes(Unpooled.wrappedBuffer(h));
            Reject r = w.one(Reject.class);
            assertEquals(RejectReason.COMMAND_NOT_SUPPORTED, r.reason());
            assertArrayEquals(h, ByteBufUtil.getBytes(r.data()));
            r.release();
            w.send(new SnackRequest(0, 0, 5, Bhs.NO_TAG, w.expStatSn, 0, 0));
            Reject s = w.one(Reject.class);
            assertEquals(RejectReason.PROTOCOL_ERROR, s.reason());
            s.release();
            assertTrue(w.target.isOpen());
        }
    }

    @Test
    void abortTaskOfACommandWaitingForData() {
        try (Wire w = new Wire(Wire.fabric(disk))) {
            w.loginNormal();
            ScsiCommand c = cmd(w, write10(0, 4), false, true, 2048, Unpooled.EMPTY_BUFFER, true);
            w.send(c);
            R2t r2t = w.one(R2t.class);
            w.send(new TaskMgmtRequest(true, TaskMgmtRequest.ABORT_TASK, 0, 0x900, c.itt(), w.cmdSn, w.expStatSn,
                    c.cmdSn(), 0));
            TaskMgmtResponse t = w.one(TaskMgmtResponse.class);
            assertEquals(TaskMgmtResponse.FUNCTION_COMPLETE, t.response());
            assertEquals(1, nexus().abandoned().size());
            w.send(new DataOut(true, 0, c.itt(), r2t.ttt(), w.expStatSn, 0, 0, pattern(2048, 1)));
            assertTrue(w.receive().isEmpty(), "data for an aborted task is ignored");
            w.send(new TaskMgmtRequest(true, TaskMgmtRequest.ABORT_TASK, 0, 0x901, 0x4444, w.cmdSn, w.expStatSn,
                    c.cmdSn() - 5, 0));
            assertEquals(TaskMgmtResponse.TASK_DOES_NOT_EXIST, w.one(TaskMgmtResponse.class).response());
            w.send(new TaskMgmtRequest(true, TaskMgmtRequest.LOGICAL_UNIT_RESET, 0, 0x902, Bhs.NO_TAG, w.cmdSn,
                    w.expStatSn, 0, 0));
            assertEquals(TaskMgmtResponse.FUNCTION_COMPLETE, w.one(TaskMgmtResponse.class).response());
            assertEquals(1, nexus().resets());
            w.send(new TaskMgmtRequest(true, TaskMgmtRequest.TARGET_COLD_RESET, 0, 0x903, Bhs.NO_TAG, w.cmdSn,
                    w.expStatSn, 0, 0));
            // a target reset needs the target's tmf.target.reset = true (off by default)
            assertEquals(TaskMgmtResponse.AUTHORIZATION_FAILED, w.one(TaskMgmtResponse.class).response());
        }
    }

    @Test
    void connectionLossAbandonsCollectingAndReleasesExecuting() {
        try (Wire w = new Wire(Wire.fabric(disk))) {
            w.loginNormal();
            FakeNexus d = nexus();
            w.send(cmd(w, write10(0, 4), false, true, 2048, Unpooled.EMPTY_BUFFER, true));
            w.one(R2t.class);
            d.hold(true);
            w.send(cmd(w, read10(0, 4), true, false, 2048, Unpooled.EMPTY_BUFFER, true));
            w.target.close();
            assertEquals(1, d.abandoned().size());
            assertFalse(d.closed(), "nexus stays open while a command executes");
            d.releaseHeld();
            w.target.runPendingTasks();
            assertTrue(d.closed());
        }
    }

    @Test
    void digestsAfterLogin() {
        try (Wire w = new Wire(Wire.fabric(disk))) {
            w.loginNormal("HeaderDigest=CRC32C", "DataDigest=CRC32C");
            w.switchDigests(true, true);
            w.send(cmd(w, read10(0, 1), true, false, 512, Unpooled.EMPTY_BUFFER, true));
            DataIn d = w.one(DataIn.class);
            assertEquals(512, d.data().readableBytes());
            d.release();
        }
    }

    @Test
    void unsolicitedDataForAQueuedCommandIsKeptUntilItsTurn() {
        try (Wire w = new Wire(Wire.fabric(disk))) {
            w.loginNormal("InitialR2T=No", "ImmediateData=No");
            int first = w.cmdSn;
            ScsiCommand later = new ScsiCommand(false, false, false, true, 1, 0, 201, 512, first + 1, w.expStatSn,
                    write10(5, 1), -1, Unpooled.EMPTY_BUFFER);
            w.send(later);
            w.send(new DataOut(true, 0, 201, Bhs.NO_TAG, w.expStatSn, 0, 0, pattern(512, 77)));
            assertTrue(w.receive().isEmpty());
            w.send(new ScsiCommand(false, true, false, false, 1, 0, 200, 0, first, w.expStatSn, new byte[16], -1,
                    Unpooled.EMPTY_BUFFER));
            List<Pdu> out = w.receive();
            assertEquals(2, out.size());
            assertEquals(200, out.get(0).itt());
            ScsiResponse r = (ScsiResponse) out.get(1);
            assertEquals(201, r.itt());
            assertEquals(0, r.status());
            assertArrayEquals(ByteBufUtil.getBytes(pattern(512, 77)), Arrays.copyOfRange(nexus().bytes(), 2560, 3072));
        }
    }

    @Test
    void dataDigestErrorOnNopIsRejectedAndOnDataDropsTheConnection() {
        try (Wire w = new Wire(Wire.fabric(disk))) {
            w.loginNormal("HeaderDigest=CRC32C", "DataDigest=CRC32C");
            w.switchDigests(true, true);
            ByteBuf nop = org.jstgt.iscsi.pdu.PduCodec.encode(new NopOut(true, 0, 0x31, Bhs.NO_TAG, w.cmdSn,
                    w.expStatSn, pattern(8, 1)), io.netty.buffer.ByteBufAllocator.DEFAULT, true, true);
            ByteBuf bad = Unpooled.copiedBuffer(nop);
            nop.release();
            bad.setByte(52, bad.getByte(52) ^ 1);
            w.sendBytes(bad);
            Reject r = w.one(Reject.class);
            assertEquals(RejectReason.DATA_DIGEST_ERROR, r.reason());
            r.release();
            assertTrue(w.target.isOpen());
            ByteBuf cmd = org.jstgt.iscsi.pdu.PduCodec.encode(cmd(w, write10(0, 1), false, true, 512, pattern(512, 2),
                    true), io.netty.buffer.ByteBufAllocator.DEFAULT, true, true);
            ByteBuf bad2 = Unpooled.copiedBuffer(cmd);
            cmd.release();
            bad2.setByte(60, bad2.getByte(60) ^ 1);
            w.sendBytes(bad2);
            Reject r2 = w.one(Reject.class);
            assertEquals(RejectReason.DATA_DIGEST_ERROR, r2.reason());
            r2.release();
            assertFalse(w.target.isOpen());
        }
    }

    @Test
    void headerDigestErrorDropsTheConnection() {
        try (Wire w = new Wire(Wire.fabric(disk))) {
            w.loginNormal("HeaderDigest=CRC32C");
            w.switchDigests(true, false);
            ByteBuf nop = org.jstgt.iscsi.pdu.PduCodec.encode(new NopOut(true, 0, 0x31, Bhs.NO_TAG, w.cmdSn,
                    w.expStatSn, Unpooled.EMPTY_BUFFER), io.netty.buffer.ByteBufAllocator.DEFAULT, true, false);
            nop.setByte(20, 1);
            w.sendBytes(nop);
            w.receive().forEach(Pdu::release);
            assertFalse(w.target.isOpen());
        }
    }

    @Test
    void configuredDigestPolicyIsEnforced() {
        disk.properties().put("header.digest", "CRC32C");
        try (Wire w = new Wire(Wire.fabric(disk))) {
            org.jstgt.iscsi.pdu.LoginResponse r = w.loginStep(true, 1, 3, "InitiatorName=" + Wire.INITIATOR,
                    "TargetName=" + Wire.TARGET, "HeaderDigest=None");
            assertEquals(0x0200, r.status(), "the required header digest cannot be had");
            r.release();
        }
        try (Wire w = new Wire(Wire.fabric(disk))) {
            org.jstgt.iscsi.pdu.LoginResponse r = w.loginStep(true, 1, 3, "InitiatorName=" + Wire.INITIATOR,
                    "TargetName=" + Wire.TARGET, "HeaderDigest=None,CRC32C");
            assertEquals(0, r.status());
            assertEquals("CRC32C", Wire.keys(r.data()).get("HeaderDigest"));
            r.release();
        }
    }
}
