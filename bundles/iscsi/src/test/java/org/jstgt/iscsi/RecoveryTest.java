package org.jstgt.iscsi;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;

import org.jstgt.iscsi.pdu.Bhs;
import org.jstgt.iscsi.pdu.DataIn;
import org.jstgt.iscsi.pdu.DataOut;
import org.jstgt.iscsi.pdu.NopIn;
import org.jstgt.iscsi.pdu.NopOut;
import org.jstgt.iscsi.pdu.Pdu;
import org.jstgt.iscsi.pdu.PduCodec;
import org.jstgt.iscsi.pdu.R2t;
import org.jstgt.iscsi.pdu.Reject;
import org.jstgt.iscsi.pdu.RejectReason;
import org.jstgt.iscsi.pdu.ScsiCommand;
import org.jstgt.iscsi.pdu.ScsiResponse;
import org.jstgt.iscsi.pdu.SnackRequest;
import org.jstgt.testkit.FakeScsiTarget;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * ErrorRecoveryLevel 1 (RFC 7143 §7.1.4, §7.8, §7.9, §11.16): status and read data kept until
 * ExpStatSN acknowledges them and sent again for Status, Data and R-Data SNACKs; R2Ts sent again
 * for an R2T SNACK; lost Data-Out asked for again with a recovery R2T; a SCSI Command whose
 * immediate data fails its digest discarded, its CmdSN left for the retry.
 */
class RecoveryTest {
    private static final int SNACK_DATA_R2T = 0;
    private static final int SNACK_STATUS = 1;
    private static final int SNACK_DATA_ACK = 2;
    private static final int SNACK_R_DATA = 3;

    private final FakeScsiTarget disk = new FakeScsiTarget(Wire.TARGET);

    @BeforeEach
    void levelOne() {
        disk.properties().put("error.recovery.level", "1");
    }

    private static ScsiCommand cmd(Wire w, byte[] cdb, boolean read, boolean write, int edtl, ByteBuf immediate) {
        return new ScsiCommand(false, true, read, write, 1, 0, ++w.itt, edtl, w.cmdSn++, w.expStatSn, cdb, -1,
                immediate);
    }

    private static void login(Wire w, String... extra) {
        String[] keys = Arrays.copyOf(new String[] {"ErrorRecoveryLevel=1"}, 1 + extra.length);
        System.arraycopy(extra, 0, keys, 1, extra.length);
        w.loginNormal(keys);
    }

    private static byte[] bytes(ByteBuf b) {
        byte[] a = ByteBufUtil.getBytes(b);
        b.release();
        return a;
    }

    @Test
    void statusSnackSendsResponsesAgainUntilExpStatSnAcknowledgesThem() {
        try (Wire w = new Wire(Wire.fabric(disk))) {
            login(w);
            int unacknowledged = w.expStatSn;
            w.send(cmd(w, FullFeatureTest.read10(0, 1), true, false, 512, Unpooled.EMPTY_BUFFER));
            DataIn read = w.one(DataIn.class);
            assertTrue(read.statusPresent());
            byte[] data = bytes(read.data());
            w.send(cmd(w, FullFeatureTest.write10(0, 1), false, true, 512, FullFeatureTest.pattern(512, 3)));
            ScsiResponse write = w.one(ScsiResponse.class);
            write.release();
            assertEquals(read.statSn() + 1, write.statSn());

            w.send(new SnackRequest(SNACK_STATUS, 0, Bhs.NO_TAG, Bhs.NO_TAG, unacknowledged, read.statSn(), 2));
            List<Pdu> again = w.receive();
            assertEquals(2, again.size(), "two responses again: " + again);
            DataIn readAgain = (DataIn) again.get(0);
            assertEquals(read.statSn(), readAgain.statSn(), "the same StatSN (§11.16)");
            assertTrue(readAgain.statusPresent());
            assertEquals(read.dataSn(), readAgain.dataSn());
            assertArrayEquals(data, bytes(readAgain.data()), "the same data");
            ScsiResponse writeAgain = (ScsiResponse) again.get(1);
            assertEquals(write.statSn(), writeAgain.statSn());
            assertEquals(write.itt(), writeAgain.itt());
            writeAgain.release();

            // a NOP-Out acknowledging both: neither is kept any more
            w.send(new NopOut(true, 0, 0x77, Bhs.NO_TAG, w.cmdSn, write.statSn() + 1, Unpooled.EMPTY_BUFFER));
            NopIn nop = w.one(NopIn.class);
            nop.release();
            w.send(new SnackRequest(SNACK_STATUS, 0, Bhs.NO_TAG, Bhs.NO_TAG, write.statSn() + 1, read.statSn(), 1));
            Reject acked = w.one(Reject.class);
            assertEquals(RejectReason.PROTOCOL_ERROR, acked.reason(), "already acknowledged (§11.16)");
            acked.release();
            w.send(new SnackRequest(SNACK_STATUS, 0, Bhs.NO_TAG, Bhs.NO_TAG, write.statSn() + 1, nop.statSn() + 9, 1));
            Reject never = w.one(Reject.class);
            assertEquals(RejectReason.PROTOCOL_ERROR, never.reason(), "never sent");
            never.release();
            // BegRun 0, RunLength 0: every response not acknowledged (the NOP-In and the two Rejects)
            w.send(new SnackRequest(SNACK_STATUS, 0, Bhs.NO_TAG, Bhs.NO_TAG, write.statSn() + 1, 0, 0));
            List<Pdu> rest = w.receive();
            assertEquals(3, rest.size(), "unacknowledged: " + rest);
            assertEquals(nop.statSn(), ((NopIn) rest.get(0)).statSn());
            rest.forEach(Pdu::release);
            assertTrue(w.target.isOpen());
        }
    }

    @Test
    void dataSnackSendsDataInAgainAsFirstSentAndRDataSnackSplitsItAnew() {
        try (Wire w = new Wire(Wire.fabric(disk))) {
            login(w, "MaxRecvDataSegmentLength=1024");
            ScsiCommand c = cmd(w, FullFeatureTest.read10(2, 6), true, false, 3072, Unpooled.EMPTY_BUFFER);
            w.send(c);
            List<Pdu> first = w.receive();
            assertEquals(3, first.size());
            DataIn last = (DataIn) first.get(2);
            byte[] all = new byte[3072];
            for (Pdu p : first) {
                DataIn d = (DataIn) p;
                d.data().getBytes(d.data().readerIndex(), all, d.bufferOffset(), d.data().readableBytes());
                d.release();
            }
            w.send(new SnackRequest(SNACK_DATA_R2T, 0, c.itt(), Bhs.NO_TAG, w.expStatSn, 1, 1));
            DataIn second = w.one(DataIn.class);
            assertEquals(1, second.dataSn());
            assertEquals(1024, second.bufferOffset());
            assertFalse(second.statusPresent());
            assertArrayEquals(Arrays.copyOfRange(all, 1024, 2048), bytes(second.data()));

            w.send(new SnackRequest(SNACK_DATA_R2T, 0, c.itt(), Bhs.NO_TAG, w.expStatSn, 0, 0));
            List<Pdu> again = w.receive();
            assertEquals(3, again.size(), "RunLength 0: from BegRun to the last");
            DataIn lastAgain = (DataIn) again.get(2);
            assertTrue(lastAgain.statusPresent());
            assertEquals(last.statSn(), lastAgain.statSn());
            again.forEach(Pdu::release);

            w.send(new SnackRequest(SNACK_DATA_R2T, 0, c.itt(), Bhs.NO_TAG, w.expStatSn, 5, 1));
            Reject beyond = w.one(Reject.class);
            assertEquals(RejectReason.PROTOCOL_ERROR, beyond.reason(), "never sent");
            assertEquals(3, beyond.dataSn(), "the next DataSN the target would send (§11.17.2)");
            beyond.release();

            w.send(new SnackRequest(SNACK_DATA_ACK, 0, Bhs.NO_TAG, 0x99, w.expStatSn, 2, 0));
            Reject ack = w.one(Reject.class);
            assertEquals(RejectReason.INVALID_DATA_ACK, ack.reason(), "the target never asks for a DataACK");
            ack.release();

            // R-Data SNACK: the data again from DataSN 0, the status in a SCSI Response with the tag
            w.send(new SnackRequest(SNACK_R_DATA, 0, c.itt(), 0x1234, w.expStatSn, 0, 0));
            List<Pdu> rdata = w.receive();
            assertEquals(4, rdata.size(), "three Data-In and a SCSI Response: " + rdata);
            byte[] resent = new byte[3072];
            for (int i = 0; i < 3; i++) {
                DataIn d = (DataIn) rdata.get(i);
                assertEquals(i, d.dataSn());
                assertFalse(d.statusPresent(), "the status goes in the SCSI Response");
                d.data().getBytes(d.data().readerIndex(), resent, d.bufferOffset(), d.data().readableBytes());
                d.release();
            }
            assertArrayEquals(all, resent);
            ScsiResponse status = (ScsiResponse) rdata.get(3);
            assertEquals(0x1234, status.snackTag());
            assertEquals(last.statSn(), status.statSn(), "the StatSN the status had (§11.16.3)");
            assertEquals(0, status.status());
            assertEquals(3, status.expDataSn());
            status.release();
        }
    }

    @Test
    void r2tSnackSendsTheR2tAgainAndADataOutGapGetsARecoveryR2t() {
        try (Wire w = new Wire(Wire.fabric(disk))) {
            login(w, "InitialR2T=Yes", "ImmediateData=No", "MaxBurstLength=4096");
            ByteBuf all = FullFeatureTest.pattern(4096, 11);
            ScsiCommand c = cmd(w, FullFeatureTest.write10(8, 8), false, true, 4096, Unpooled.EMPTY_BUFFER);
            w.send(c);
            R2t r2t = w.one(R2t.class);
            assertEquals(0, r2t.r2tSn());
            w.send(new SnackRequest(SNACK_DATA_R2T, 0, c.itt(), Bhs.NO_TAG, w.expStatSn, 0, 0));
            R2t again = w.one(R2t.class);
            assertEquals(r2t.ttt(), again.ttt(), "an exact replica (§11.16)");
            assertEquals(0, again.r2tSn());
            assertEquals(r2t.bufferOffset(), again.bufferOffset());
            assertEquals(r2t.desiredDataTransferLength(), again.desiredDataTransferLength());

            // DataSN 1 lost: DataSN 2 reveals the gap (§7.9)
            w.send(new DataOut(false, 0, c.itt(), r2t.ttt(), w.expStatSn, 0, 0, all.retainedSlice(0, 1024)));
            w.send(new DataOut(false, 0, c.itt(), r2t.ttt(), w.expStatSn, 2, 2048, all.retainedSlice(2048, 1024)));
            R2t recovery = w.one(R2t.class);
            assertEquals(1, recovery.r2tSn(), "the next unused R2TSN (§11.8)");
            assertEquals(1024, recovery.bufferOffset(), "from the first byte not received");
            assertEquals(3072, recovery.desiredDataTransferLength());
            assertFalse(recovery.ttt() == r2t.ttt(), "a new Target Transfer Tag");
            // the rest of the old burst, late: dropped without a word
            w.send(new DataOut(true, 0, c.itt(), r2t.ttt(), w.expStatSn, 3, 3072, all.retainedSlice(3072, 1024)));
            assertTrue(w.receive().isEmpty());
            for (int i = 0; i < 3; i++) {
                w.send(new DataOut(i == 2, 0, c.itt(), recovery.ttt(), w.expStatSn, i, 1024 + i * 1024,
                        all.retainedSlice(1024 + i * 1024, 1024)));
            }
            ScsiResponse done = w.one(ScsiResponse.class);
            assertEquals(0, done.status());
            done.release();
            assertArrayEquals(ByteBufUtil.getBytes(all), Arrays.copyOfRange(disk.lastNexus().bytes(), 8 * 512, 16 * 512));
            all.release();
        }
    }

    /** Logs in with data digests and sends a 1 KiB WRITE(10) at LBA 4. */
    private static ScsiCommand digestedWrite(Wire w) {
        login(w, "DataDigest=CRC32C", "InitialR2T=Yes", "ImmediateData=No");
        w.switchDigests(false, true);
        ScsiCommand c = cmd(w, FullFeatureTest.write10(4, 2), false, true, 1024, Unpooled.EMPTY_BUFFER);
        w.send(c);
        return c;
    }

    /** Sends the final Data-Out of the command's data with one data byte flipped after its digest. */
    private static void sendWithBadDigest(Wire w, ScsiCommand c, int ttt, ByteBuf data) {
        ByteBuf good = PduCodec.encode(new DataOut(true, 0, c.itt(), ttt, w.expStatSn, 0, 0, data.retainedSlice()),
                ByteBufAllocator.DEFAULT, false, true);
        ByteBuf bad = Unpooled.copiedBuffer(good);
        good.release();
        bad.setByte(48 + 100, bad.getByte(48 + 100) ^ 1);
        w.sendBytes(bad);
    }

    @Test
    void aDataOutWithADataDigestErrorIsRejectedAndAskedForAgain() {
        try (Wire w = new Wire(Wire.fabric(disk))) {
            ByteBuf all = FullFeatureTest.pattern(1024, 21);
            ScsiCommand c = digestedWrite(w);
            R2t r2t = w.one(R2t.class);
            sendWithBadDigest(w, c, r2t.ttt(), all);
            List<Pdu> out = w.receive();
            assertEquals(2, out.size(), "a Reject and a recovery R2T: " + out);
            assertEquals(RejectReason.DATA_DIGEST_ERROR, ((Reject) out.get(0)).reason());
            R2t recovery = (R2t) out.get(1);
            assertEquals(1, recovery.r2tSn());
            assertEquals(0, recovery.bufferOffset());
            assertEquals(1024, recovery.desiredDataTransferLength());
            out.forEach(Pdu::release);
            w.send(new DataOut(true, 0, c.itt(), recovery.ttt(), w.expStatSn, 0, 0, all.retainedSlice()));
            ScsiResponse done = w.one(ScsiResponse.class);
            assertEquals(0, done.status());
            done.release();
            assertTrue(w.target.isOpen());
            assertArrayEquals(ByteBufUtil.getBytes(all), Arrays.copyOfRange(disk.lastNexus().bytes(), 2048, 3072));
            all.release();
        }
    }

    @Test
    void dataThatFailsItsDigestAgainAndAgainEndsTheCommandOnceItsRecoveryR2tsAreSpent() {
        try (Wire w = new Wire(Wire.fabric(disk))) {
            ByteBuf all = FullFeatureTest.pattern(1024, 23);
            ScsiCommand c = digestedWrite(w);
            int ttt = w.one(R2t.class).ttt();
            // a 1 KiB write, one burst: 16 recovery R2Ts, the share of any write command
            for (int i = 0; i <= 16; i++) {
                sendWithBadDigest(w, c, ttt, all);
                List<Pdu> out = w.receive();
                assertEquals(2, out.size(), "loss " + i + ": " + out);
                assertEquals(RejectReason.DATA_DIGEST_ERROR, ((Reject) out.get(0)).reason());
                if (i < 16) {
                    R2t recovery = (R2t) out.get(1);
                    assertEquals(i + 1, recovery.r2tSn());
                    assertEquals(0, recovery.bufferOffset());
                    ttt = recovery.ttt();
                } else {
                    ScsiResponse ended = (ScsiResponse) out.get(1);
                    assertEquals(2, ended.status(), "CHECK CONDITION");
                    byte[] sense = bytes(ended.data().retainedSlice());
                    assertEquals(0x0B, sense[2 + 2] & 0x0F, "ABORTED COMMAND");
                    assertEquals(0x4B, sense[2 + 12], "DATA PHASE ERROR");
                }
                out.forEach(Pdu::release);
            }
            // its late data is dropped; the session goes on
            w.send(new DataOut(true, 0, c.itt(), ttt, w.expStatSn, 0, 0, all.retainedSlice()));
            assertTrue(w.receive().isEmpty());
            ScsiCommand again = cmd(w, FullFeatureTest.write10(4, 2), false, true, 1024, Unpooled.EMPTY_BUFFER);
            w.send(again);
            R2t r2t = w.one(R2t.class);
            ByteBuf good = PduCodec.encode(new DataOut(true, 0, again.itt(), r2t.ttt(), w.expStatSn, 0, 0,
                    all.retainedSlice()), ByteBufAllocator.DEFAULT, false, true);
            w.sendBytes(good);
            ScsiResponse done = w.one(ScsiResponse.class);
            assertEquals(0, done.status());
            done.release();
            assertArrayEquals(ByteBufUtil.getBytes(all), Arrays.copyOfRange(disk.lastNexus().bytes(), 2048, 3072));
            all.release();
        }
    }

    @Test
    void aCommandWhoseImmediateDataFailsItsDigestLeavesACmdSnGapThatItsRetryFills() {
        try (Wire w = new Wire(Wire.fabric(disk))) {
            login(w, "DataDigest=CRC32C", "ImmediateData=Yes");
            w.switchDigests(false, true);
            ScsiCommand write = cmd(w, FullFeatureTest.write10(6, 1), false, true, 512, FullFeatureTest.pattern(512, 5));
            ByteBuf good = PduCodec.encode(write, ByteBufAllocator.DEFAULT, false, true);
            ByteBuf bad = Unpooled.copiedBuffer(good);
            good.release();
            bad.setByte(48 + 7, bad.getByte(48 + 7) ^ 1);
            w.sendBytes(bad);
            Reject r = w.one(Reject.class);
            assertEquals(RejectReason.DATA_DIGEST_ERROR, r.reason());
            r.release();
            // the next command waits behind the CmdSN gap (§7.3)
            w.send(cmd(w, FullFeatureTest.read10(6, 1), true, false, 512, Unpooled.EMPTY_BUFFER));
            assertTrue(w.receive().isEmpty(), "ordered after the rejected command's CmdSN");
            // the retry: same ITT, same CmdSN (§7.2.1)
            w.send(new ScsiCommand(false, true, false, true, 1, 0, write.itt(), 512, write.cmdSn(), w.expStatSn,
                    FullFeatureTest.write10(6, 1), -1, FullFeatureTest.pattern(512, 5)));
            List<Pdu> out = w.receive();
            assertEquals(2, out.size(), "the write's status, then the read: " + out);
            assertEquals(0, ((ScsiResponse) out.get(0)).status());
            DataIn read = (DataIn) out.get(1);
            assertArrayEquals(ByteBufUtil.getBytes(FullFeatureTest.pattern(512, 5)), ByteBufUtil.getBytes(read.data()));
            out.forEach(Pdu::release);
            assertTrue(w.target.isOpen());
        }
    }

    @Test
    void unsolicitedDataLostWhileTheCommandWaitsForItsCmdSnIsAskedForWhenItStarts() {
        try (Wire w = new Wire(Wire.fabric(disk))) {
            login(w, "DataDigest=CRC32C", "InitialR2T=No", "ImmediateData=No", "FirstBurstLength=1024");
            w.switchDigests(false, true);
            ByteBuf all = FullFeatureTest.pattern(1024, 31);
            int gap = w.cmdSn++;
            ScsiCommand write = new ScsiCommand(false, false, false, true, 1, 0, ++w.itt, 1024, w.cmdSn++,
                    w.expStatSn, FullFeatureTest.write10(12, 2), -1, Unpooled.EMPTY_BUFFER);
            w.send(write);
            ByteBuf good = PduCodec.encode(new DataOut(true, 0, write.itt(), Bhs.NO_TAG, w.expStatSn, 0, 0,
                    all.retainedSlice()), ByteBufAllocator.DEFAULT, false, true);
            ByteBuf bad = Unpooled.copiedBuffer(good);
            good.release();
            bad.setByte(48 + 5, bad.getByte(48 + 5) ^ 1);
            w.sendBytes(bad);
            Reject r = w.one(Reject.class);
            assertEquals(RejectReason.DATA_DIGEST_ERROR, r.reason());
            r.release();
            // the command before it arrives: both run; the write asks for its data with an R2T
            w.send(new ScsiCommand(false, true, false, false, 1, 0, ++w.itt, 0, gap, w.expStatSn,
                    new byte[] {0, 0, 0, 0, 0, 0}, -1, Unpooled.EMPTY_BUFFER));
            List<Pdu> out = w.receive();
            assertEquals(2, out.size(), "TEST UNIT READY's status and the write's R2T: " + out);
            R2t r2t = (R2t) out.get(1);
            assertEquals(0, r2t.bufferOffset());
            assertEquals(1024, r2t.desiredDataTransferLength());
            out.forEach(Pdu::release);
            w.send(new DataOut(true, 0, write.itt(), r2t.ttt(), w.expStatSn, 0, 0, all.retainedSlice()));
            ScsiResponse done = w.one(ScsiResponse.class);
            assertEquals(0, done.status());
            done.release();
            assertArrayEquals(ByteBufUtil.getBytes(all), Arrays.copyOfRange(disk.lastNexus().bytes(), 12 * 512, 14 * 512));
            all.release();
        }
    }

    @Test
    void atLevelZeroAStatusSnackIsRejected() {
        disk.properties().remove("error.recovery.level");
        try (Wire w = new Wire(Wire.fabric(disk))) {
            login(w);
            w.send(new SnackRequest(SNACK_STATUS, 0, Bhs.NO_TAG, Bhs.NO_TAG, w.expStatSn, 0, 0));
            Reject r = w.one(Reject.class);
            assertEquals(RejectReason.PROTOCOL_ERROR, r.reason());
            r.release();
        }
    }
}
