package org.jstgt.iscsi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.TimeUnit;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;

import org.jstgt.iscsi.limits.PortalLimits;
import org.jstgt.iscsi.pdu.Bhs;
import org.jstgt.iscsi.pdu.DataIn;
import org.jstgt.iscsi.pdu.DataOut;
import org.jstgt.iscsi.pdu.LoginResponse;
import org.jstgt.iscsi.pdu.NopIn;
import org.jstgt.iscsi.pdu.NopOut;
import org.jstgt.iscsi.pdu.Pdu;
import org.jstgt.iscsi.pdu.PduCodec;
import org.jstgt.iscsi.pdu.R2t;
import org.jstgt.iscsi.pdu.Reject;
import org.jstgt.iscsi.pdu.RejectReason;
import org.jstgt.iscsi.pdu.ScsiCommand;
import org.jstgt.iscsi.pdu.ScsiResponse;
import org.jstgt.testkit.FakeScsiTarget;
import org.junit.jupiter.api.Test;

/**
 * Bounded memory in the data path: what a discovery session may carry, unsolicited data kept for
 * queued commands, the session's write buffer budget, the data phase timeout, immediate commands,
 * and allocation failures, each answered with the protocol's own status.
 */
class FlowTest {
    private static final int K = 1024;
    private final FakeScsiTarget disk = new FakeScsiTarget(Wire.TARGET);

    private static ScsiCommand write(Wire w, int lba, int blocks, ByteBuf immediate, boolean fin) {
        return new ScsiCommand(false, fin, false, true, 1, 0, ++w.itt, blocks * 512, w.cmdSn++, w.expStatSn,
                FullFeatureTest.write10(lba, blocks), -1, immediate);
    }

    private static ScsiCommand read(Wire w, boolean immediate, int blocks) {
        ScsiCommand c = new ScsiCommand(immediate, true, true, false, 1, 0, ++w.itt, blocks * 512, w.cmdSn,
                w.expStatSn, FullFeatureTest.read10(0, blocks), -1, Unpooled.EMPTY_BUFFER);
        if (!immediate) {
            w.cmdSn++;
        }
        return c;
    }

    /** Asserts a SCSI Response's status and, for CHECK CONDITION, its fixed format sense. */
    private static void assertStatus(Pdu p, int status, int key, int asc, int ascq) {
        assertTrue(p instanceof ScsiResponse, () -> "expected a SCSI Response, got " + p);
        ScsiResponse r = (ScsiResponse) p;
        assertEquals(status, r.status(), "status");
        if (status == 2) {
            assertEquals(key, r.data().getByte(2 + 2) & 0x0f, "sense key");
            assertEquals(asc, r.data().getByte(2 + 12) & 0xff, "ASC");
            assertEquals(ascq, r.data().getByte(2 + 13) & 0xff, "ASCQ");
        } else {
            assertEquals(0, r.data().readableBytes(), "no sense");
        }
        r.release();
    }

    /** Sends a burst's data as one Data-Out. */
    private static void answer(Wire w, R2t r2t) {
        w.send(new DataOut(true, 0, r2t.itt(), r2t.ttt(), w.expStatSn, 0, r2t.bufferOffset(),
                FullFeatureTest.pattern(r2t.desiredDataTransferLength(), r2t.r2tSn())));
    }

    @Test
    void dataOutInADiscoverySessionIsAProtocolError() {
        try (Wire w = new Wire(Wire.fabric())) {
            LoginResponse r = w.loginStep(true, 1, 3, "InitiatorName=" + Wire.INITIATOR, "SessionType=Discovery");
            assertEquals(0, r.status());
            r.release();
            // a Data-Out for a command that never exists, as a peer could send without end
            w.send(new DataOut(false, 0, 0x77, Bhs.NO_TAG, w.expStatSn, 0, 0, Unpooled.EMPTY_BUFFER));
            Reject reject = w.one(Reject.class);
            assertEquals(RejectReason.PROTOCOL_ERROR, reject.reason());
            assertEquals(0x77, Bhs.itt(io.netty.buffer.ByteBufUtil.getBytes(reject.data())));
            reject.release();
            assertFalse(w.target.isOpen(), "RFC 7143 §4.3: Text, Logout and NOP-Out only");
        }
    }

    @Test
    void unsolicitedDataOutForAQueuedCommandIsBoundedInPdusToo() {
        disk.properties().put("early.data.pdus.max", "4");
        try (Wire w = new Wire(Wire.fabric(disk))) {
            w.loginNormal("InitialR2T=No", "ImmediateData=No");
            // CmdSN one ahead: the command waits in the window for the gap to close
            ScsiCommand queued = new ScsiCommand(false, false, false, true, 1, 0, 0x300, 512, w.cmdSn + 1,
                    w.expStatSn, FullFeatureTest.write10(0, 1), -1, Unpooled.EMPTY_BUFFER);
            w.send(queued);
            for (int i = 0; i < 4; i++) {
                // zero-length: within FirstBurstLength, but each one is kept
                w.send(new DataOut(false, 0, 0x300, Bhs.NO_TAG, w.expStatSn, i, 0, Unpooled.EMPTY_BUFFER));
            }
            assertTrue(w.receive().isEmpty(), "four kept");
            w.send(new DataOut(false, 0, 0x300, Bhs.NO_TAG, w.expStatSn, 4, 0, Unpooled.EMPTY_BUFFER));
            Reject r = w.one(Reject.class);
            assertEquals(RejectReason.PROTOCOL_ERROR, r.reason());
            r.release();
            assertFalse(w.target.isOpen());
        }
    }

    /** Sends a PDU and returns the receive buffer it came in, with a reference kept for the test. */
    private static ByteBuf sendKeeping(Wire w, Pdu pdu) {
        ByteBuf encoded = PduCodec.encode(pdu, ByteBufAllocator.DEFAULT, false, false);
        // one contiguous buffer, as a socket read is: the decoder slices PDUs out of it
        ByteBuf wire = Unpooled.copiedBuffer(encoded);
        encoded.release();
        w.sendBytes(wire.retain());
        return wire;
    }

    @Test
    void answersWaitingToBeSentAndEarlyDataDoNotPinTheReceiveBuffer() {
        try (Wire w = new Wire(Wire.fabric(disk))) {
            w.loginNormal("InitialR2T=No", "ImmediateData=No");
            ByteBuf ping = sendKeeping(w, new NopOut(true, 0, 0x55, Bhs.NO_TAG, w.cmdSn, w.expStatSn,
                    FullFeatureTest.pattern(10, 0)));
            assertEquals(1, ping.refCnt(), "the queued NOP-In echoes a copy of the ping data");
            ping.release();
            w.one(NopIn.class).release();

            w.send(new ScsiCommand(false, false, false, true, 1, 0, 0x300, 512, w.cmdSn + 1, w.expStatSn,
                    FullFeatureTest.write10(0, 1), -1, Unpooled.EMPTY_BUFFER));
            ByteBuf early = sendKeeping(w, new DataOut(true, 0, 0x300, Bhs.NO_TAG, w.expStatSn, 0, 0,
                    FullFeatureTest.pattern(512, 3)));
            assertEquals(1, early.refCnt(), "data kept for a queued command is a copy");
            early.release();
            assertTrue(w.receive().isEmpty());
        }
    }

    @Test
    void writeBeyondTheSessionBudgetGetsItsR2tOnceBufferSpaceIsFree() {
        disk.blocks(4096);
        disk.properties().put("write.buffer.max", "1MiB");
        try (Wire w = new Wire(Wire.fabric(disk))) {
            w.loginNormal("ImmediateData=No", "InitialR2T=Yes", "MaxBurstLength=262144");
            ScsiCommand a = write(w, 0, 2048, Unpooled.EMPTY_BUFFER, true);
            w.send(a);
            R2t r2t = w.one(R2t.class);
            long big = w.allocator.atLeast(K * K);
            ScsiCommand b = write(w, 2048, 8, Unpooled.EMPTY_BUFFER, true);
            w.send(b);
            assertTrue(w.receive().isEmpty(), "the budget is spent: the second WRITE waits, no buffer, no R2T");
            for (int burst = 0; burst < 3; burst++) {
                answer(w, r2t);
                r2t = w.one(R2t.class);
                assertEquals(a.itt(), r2t.itt());
            }
            answer(w, r2t);
            List<Pdu> out = w.receive();
            assertEquals(2, out.size(), () -> "A's status, then B's R2T: " + out);
            assertEquals(a.itt(), out.get(0).itt());
            assertStatus(out.get(0), 0, 0, 0, 0);
            R2t forB = (R2t) out.get(1);
            assertEquals(b.itt(), forB.itt());
            assertEquals(4096, forB.desiredDataTransferLength());
            answer(w, forB);
            assertStatus(w.one(ScsiResponse.class), 0, 0, 0, 0);
            assertEquals(big, w.allocator.atLeast(K * K), "no second large buffer while the first was held");
        }
    }

    @Test
    void writeThatCannotWaitForTheBudgetGetsTaskSetFullAndOneLargerThanItIsRefused() {
        disk.blocks(4096);
        disk.properties().put("write.buffer.max", "1MiB");
        try (Wire w = new Wire(Wire.fabric(disk))) {
            w.loginNormal("ImmediateData=Yes", "InitialR2T=Yes", "MaxBurstLength=262144");
            w.send(write(w, 0, 2048, Unpooled.EMPTY_BUFFER, true));
            w.one(R2t.class).release();
            // immediate data comes unasked: the command cannot wait for buffer space
            w.send(write(w, 2048, 1, FullFeatureTest.pattern(512, 1), true));
            assertStatus(w.one(ScsiResponse.class), 0x28, 0, 0, 0);
            w.send(write(w, 0, 4096, Unpooled.EMPTY_BUFFER, true));
            assertStatus(w.one(ScsiResponse.class), 2, 0x05, 0x24, 0x00);
            assertEquals(2, disk.lastNexus().abandoned().size(), "both left the task set");
        }
    }

    @Test
    void readLargerThanTheSessionMayHoldIsRefused() {
        disk.blocks(4096);
        disk.properties().put("read.buffer.max", "1MiB");
        try (Wire w = new Wire(Wire.fabric(disk))) {
            w.loginNormal();
            w.send(read(w, false, 4096));
            assertStatus(w.one(ScsiResponse.class), 2, 0x05, 0x24, 0x00);
            assertEquals(0, w.allocator.atLeast(K * K), "no 2 MiB buffer");
            w.send(read(w, false, 2048));
            List<Pdu> in = w.receive();
            assertTrue(((DataIn) in.get(in.size() - 1)).statusPresent(), "1 MiB fits");
            in.forEach(Pdu::release);
        }
    }

    @Test
    void dataPhaseThatStopsEndsWithDataPhaseErrorAndFreesTheBuffer() {
        // idle probing off: this test lets a minute pass without PDUs and expects nothing but the answer
        PortalLimits noProbing = PortalLimits.from(java.util.Map.of(PortalLimits.NOP_INTERVAL, "0"), "test");
        try (Wire w = new Wire(Wire.fabric(disk), noProbing)) {
            w.loginNormal("ImmediateData=No", "InitialR2T=Yes", "MaxBurstLength=1024");
            ScsiCommand c = write(w, 0, 4, Unpooled.EMPTY_BUFFER, true);
            w.send(c);
            R2t first = w.one(R2t.class);
            w.target.advanceTimeBy(59, TimeUnit.SECONDS);
            w.target.runScheduledPendingTasks();
            assertTrue(w.receive().isEmpty(), "59 s without data: still waiting");
            answer(w, first);
            w.one(R2t.class).release();
            w.target.advanceTimeBy(59, TimeUnit.SECONDS);
            w.target.runScheduledPendingTasks();
            assertTrue(w.receive().isEmpty(), "the first burst's data restarted the clock");
            w.target.advanceTimeBy(2, TimeUnit.SECONDS);
            w.target.runScheduledPendingTasks();
            ScsiResponse r = w.one(ScsiResponse.class);
            assertEquals(c.itt(), r.itt());
            assertStatus(r, 2, 0x0b, 0x4b, 0x00);
            assertEquals(1, disk.lastNexus().abandoned().size());
            assertTrue(disk.lastNexus().executed().isEmpty());
            assertTrue(w.target.isOpen());
        }
    }

    @Test
    void immediateCommandsBeyondTheLimitAreRejected() {
        disk.properties().put("immediate.commands.max", "2");
        try (Wire w = new Wire(Wire.fabric(disk))) {
            w.loginNormal();
            disk.lastNexus().hold(true);
            w.send(read(w, true, 1));
            w.send(read(w, true, 1));
            assertTrue(w.receive().isEmpty());
            ScsiCommand third = read(w, true, 1);
            w.send(third);
            Reject r = w.one(Reject.class);
            assertEquals(RejectReason.IMMEDIATE_COMMAND_REJECT, r.reason());
            assertEquals(third.itt(), Bhs.itt(io.netty.buffer.ByteBufUtil.getBytes(r.data())));
            r.release();
            w.send(read(w, false, 1));
            disk.lastNexus().releaseHeld();
            List<Pdu> done = w.receive();
            assertEquals(3, done.size(), "the window's command is not counted; the two immediate ones finish");
            done.forEach(Pdu::release);
            disk.lastNexus().hold(false);
            w.send(read(w, true, 1));
            w.one(DataIn.class).release();
        }
    }

    @Test
    void outOfDirectMemoryWhileReceivingGivesUpThatConnectionOnly() {
        disk.blocks(1024);
        org.jstgt.iscsi.connection.Fabric fabric = Wire.fabric(disk);
        try (Wire a = new Wire(fabric); Wire b = new Wire(fabric)) {
            a.loginNormal();
            b.loginNormal();
            a.allocator.failFrom(16 * K);
            // a 32 KiB segment is assembled in a buffer of its own, which cannot be had
            ByteBuf wire = PduCodec.encode(new NopOut(true, 0, 0x55, Bhs.NO_TAG, a.cmdSn, a.expStatSn,
                    FullFeatureTest.pattern(32 * K, 1)), ByteBufAllocator.DEFAULT, false, false);
            while (wire.isReadable() && a.target.isOpen()) {
                a.sendBytes(wire.readRetainedSlice(Math.min(1000, wire.readableBytes())));
            }
            wire.release();
            assertFalse(a.target.isOpen());
            b.send(read(b, false, 256));
            List<Pdu> in = b.receive();
            assertEquals(16, in.size());
            assertTrue(((DataIn) in.get(15)).statusPresent());
            in.forEach(Pdu::release);
        }
    }

    @Test
    void outOfDirectMemoryFailsTheCommandWithBusyAndTheConnectionGoesOn() {
        disk.blocks(1024);
        try (Wire w = new Wire(Wire.fabric(disk))) {
            w.loginNormal("ImmediateData=No", "InitialR2T=Yes");
            w.allocator.failFrom(64 * K);
            w.send(write(w, 0, 256, Unpooled.EMPTY_BUFFER, true));
            assertStatus(w.one(ScsiResponse.class), 0x08, 0, 0, 0);
            w.send(read(w, false, 256));
            assertStatus(w.one(ScsiResponse.class), 0x08, 0, 0, 0);
            w.allocator.failFrom(Integer.MAX_VALUE);
            w.send(read(w, false, 256));
            List<Pdu> in = w.receive();
            assertEquals(16, in.size(), "128 KiB of Data-In in 8 KiB PDUs");
            DataIn last = (DataIn) in.get(15);
            assertTrue(last.statusPresent());
            assertEquals(0, last.status());
            in.forEach(Pdu::release);
            assertTrue(w.target.isOpen());
        }
    }
}
