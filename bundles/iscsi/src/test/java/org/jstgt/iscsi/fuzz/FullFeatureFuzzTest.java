package org.jstgt.iscsi.fuzz;

import java.util.ArrayList;
import java.util.List;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;

import org.jstgt.iscsi.pdu.Bhs;
import org.jstgt.iscsi.pdu.DataOut;
import org.jstgt.iscsi.pdu.LoginRequest;
import org.jstgt.iscsi.pdu.LogoutRequest;
import org.jstgt.iscsi.pdu.NopIn;
import org.jstgt.iscsi.pdu.NopOut;
import org.jstgt.iscsi.pdu.Pdu;
import org.jstgt.iscsi.pdu.R2t;
import org.jstgt.iscsi.pdu.ScsiCommand;
import org.jstgt.iscsi.pdu.SnackRequest;
import org.jstgt.iscsi.pdu.TaskMgmtRequest;
import org.jstgt.iscsi.pdu.TextRequest;
import org.jstgt.testkit.FakeNexus;
import org.jstgt.testkit.FakeScsiTarget;

/**
 * The Full Feature Phase of a Normal session (RFC 7143 §11) fed a sequence of PDUs built from fuzz
 * data after a login whose operational keys (ImmediateData, InitialR2T, burst lengths,
 * MaxOutstandingR2T, MaxRecvDataSegmentLength, digests) are fuzzed too: SCSI Commands (READ,
 * WRITE, INQUIRY, others) with and without immediate data, Data-Out that answers the target's R2Ts
 * right or with wrong offsets, tags and DataSNs, NOP-Outs, task management on live and dead tags,
 * Text, Logout, SNACK, a Login Request, raw bytes; and the LU holding its commands, completing
 * them, and time passing. The checks are {@link Peer}'s.
 */
class FullFeatureFuzzTest {

    @FuzzTest
    void session(FuzzedDataProvider data) {
        Gen g = new Gen(data);
        FakeScsiTarget disk = new FakeScsiTarget(Peer.TARGET).blocks(32);
        disk.properties().put("max.outstanding.r2t", String.valueOf(1 + g.pick(4)));
        try (Peer peer = new Peer(disk)) {
            List<String> keys = new ArrayList<>(List.of("TargetName=" + Peer.TARGET,
                    "ImmediateData=" + (g.bool() ? "Yes" : "No"), "InitialR2T=" + (g.bool() ? "Yes" : "No"),
                    "MaxRecvDataSegmentLength=" + (512 << g.pick(6)), "MaxBurstLength=" + (512 << g.pick(8)),
                    "FirstBurstLength=" + (512 << g.pick(8)), "MaxOutstandingR2T=" + (1 + g.pick(4))));
            if (g.pick(4) == 0) {
                keys.add("HeaderDigest=CRC32C");
            }
            if (g.pick(4) == 0) {
                keys.add("DataDigest=CRC32C");
            }
            if (g.pick(2) == 0) {
                // ErrorRecoveryLevel 1: responses kept until acknowledged, SNACKs, recovery R2Ts
                disk.properties().put("error.recovery.level", "1");
                keys.add("ErrorRecoveryLevel=1");
            }
            if (!peer.login(keys)) {
                return;
            }
            new Script(g, peer).run();
        }
    }

    /** The initiator's side of the sequence: its tags, and what the target asked of it. */
    private static final class Script {
        private final Gen g;
        private final Peer peer;
        private final List<Integer> itts = new ArrayList<>();
        private final List<R2t> r2ts = new ArrayList<>();
        private int nopTtt = Bhs.NO_TAG;
        private int seen;

        Script(Gen g, Peer peer) {
            this.g = g;
            this.peer = peer;
        }

        void run() {
            while (g.more() && peer.target.isOpen() && peer.sent.size() < 10_000) {
                int chunk = g.pick(8) == 0 ? 1 + g.pick(100) : 0;
                switch (g.pick(16)) {
                    case 0, 1, 2, 3 -> peer.send(command(), chunk);
                    case 4, 5, 6 -> answerR2t(chunk);
                    case 7 -> peer.send(dataOut(), chunk);
                    case 8 -> peer.send(nopOut(), chunk);
                    case 9 -> peer.send(tmf(), chunk);
                    case 10 -> peer.send(other(), chunk);
                    case 11 -> peer.sendBytes(peer.buffer(g.data.consumeBytes(1 + g.pick(100))), chunk);
                    case 12 -> {
                        List<FakeNexus> n = peer.disk.nexuses();
                        if (!n.isEmpty()) {
                            n.get(0).hold(g.bool());
                            n.get(0).releaseHeld();
                            peer.drain();
                        }
                    }
                    case 13 -> peer.sleep(g.data.consumeInt(0, 30_000));
                    default -> peer.send(command(), chunk);
                }
                note();
            }
        }

        /** Remembers the R2Ts and NOP-In pings the target sent since the last step. */
        private void note() {
            for (Pdu p : peer.sent.subList(seen, peer.sent.size())) {
                if (p instanceof R2t r) {
                    r2ts.add(r);
                } else if (p instanceof NopIn n && n.ttt() != Bhs.NO_TAG) {
                    nopTtt = n.ttt();
                }
            }
            seen = peer.sent.size();
        }

        private int itt() {
            if (!itts.isEmpty() && g.pick(6) == 0) {
                return itts.get(g.pick(itts.size()));
            }
            int itt = g.pick(32) == 0 ? g.data.consumeInt() : peer.itt++;
            itts.add(itt);
            if (itts.size() > 16) {
                itts.remove(0);
            }
            return itt;
        }

        private int cmdSn(boolean immediate) {
            int sn = g.near(peer.cmdSn);
            if (!immediate) {
                peer.cmdSn++;
            }
            return sn;
        }

        private ScsiCommand command() {
            int blocks = g.pick(8) == 0 ? g.data.consumeInt(0, 0xffff) : g.pick(9);
            int lba = g.pick(8) == 0 ? g.data.consumeInt() : g.pick(32);
            byte[] cdb = new byte[16];
            boolean read = false;
            boolean write = false;
            int edtl = blocks * 512;
            switch (g.pick(6)) {
                case 0, 1 -> {
                    cdb[0] = 0x28;
                    read = true;
                }
                case 2, 3 -> {
                    cdb[0] = 0x2a;
                    write = true;
                }
                case 4 -> {
                    cdb[0] = 0x12;
                    blocks = g.pick(300);
                    cdb[3] = (byte) (blocks >> 8);
                    cdb[4] = (byte) blocks;
                    edtl = blocks;
                    read = true;
                }
                default -> {
                    cdb = g.data.consumeBytes(g.pick(4) == 0 ? 16 + 4 * g.pick(8) : 16);
                    if (cdb.length < 16) {
                        cdb = java.util.Arrays.copyOf(cdb, 16);
                    }
                    read = g.bool();
                    write = g.bool();
                    edtl = g.length();
                }
            }
            if (cdb[0] == 0x28 || cdb[0] == 0x2a) {
                cdb[2] = (byte) (lba >> 24);
                cdb[3] = (byte) (lba >> 16);
                cdb[4] = (byte) (lba >> 8);
                cdb[5] = (byte) lba;
                cdb[7] = (byte) (blocks >> 8);
                cdb[8] = (byte) blocks;
            }
            if (g.pick(8) == 0) {
                edtl = g.pick(4) == 0 ? g.data.consumeInt() : g.length();
            }
            if (g.pick(16) == 0) {
                read = g.bool();
                write = g.bool();
            }
            int immediateLength = write && g.pick(3) != 0 ? Math.min(Math.max(edtl, 0), peer.targetMrdsl) : 0;
            if (g.pick(8) == 0) {
                immediateLength = g.length();
            }
            boolean immediate = g.pick(8) == 0;
            ByteBuf immediateData = immediateLength == 0 ? Unpooled.EMPTY_BUFFER : g.segment(peer, immediateLength);
            return new ScsiCommand(immediate, g.pick(8) != 0, read, write, g.pick(8) == 0 ? g.pick(8) : 1,
                    g.pick(16) == 0 ? g.data.consumeLong() : 0, itt(), edtl, cmdSn(immediate), g.near(peer.expStatSn),
                    cdb, g.pick(16) == 0 ? g.data.consumeInt(0, 70_000) : -1, immediateData);
        }

        /** Answers an R2T the target sent with the Data-Out PDUs it asked for (mostly right). */
        private void answerR2t(int chunk) {
            if (r2ts.isEmpty()) {
                peer.send(dataOut(), chunk);
                return;
            }
            R2t r = r2ts.remove(g.pick(r2ts.size()));
            int offset = r.bufferOffset();
            int left = r.desiredDataTransferLength();
            int dataSn = 0;
            while (left > 0 && peer.target.isOpen()) {
                int n = Math.min(left, peer.targetMrdsl);
                if (g.pick(16) == 0) {
                    n = g.length();
                }
                boolean last = n >= left;
                peer.send(new DataOut(last || g.pick(32) == 0, r.lun(), r.itt(), g.pick(32) == 0 ? g.data.consumeInt()
                        : r.ttt(), g.near(peer.expStatSn), g.near(dataSn), g.near(offset), g.segment(peer, n)), chunk);
                dataSn++;
                offset += n;
                left -= n;
                if (g.pick(16) == 0) {
                    break;
                }
            }
        }

        /** @return an unsolicited or stray Data-Out */
        private DataOut dataOut() {
            int n = g.length();
            return new DataOut(g.bool(), 0, itt(), g.pick(2) == 0 ? Bhs.NO_TAG : g.data.consumeInt(),
                    g.near(peer.expStatSn), g.pick(4), g.pick(4) == 0 ? g.data.consumeInt() : 512 * g.pick(8),
                    g.segment(peer, n));
        }

        private NopOut nopOut() {
            boolean answer = nopTtt != Bhs.NO_TAG && g.bool();
            int ttt = answer ? nopTtt : (g.pick(8) == 0 ? g.data.consumeInt() : Bhs.NO_TAG);
            if (answer) {
                nopTtt = Bhs.NO_TAG;
            }
            boolean immediate = answer || g.bool();
            int itt = answer && g.bool() ? Bhs.NO_TAG : itt();
            ByteBuf ping = g.pick(4) == 0 ? g.segment(peer, g.length()) : Unpooled.EMPTY_BUFFER;
            return new NopOut(immediate, 0, itt, ttt, cmdSn(immediate), g.near(peer.expStatSn), ping);
        }

        private TaskMgmtRequest tmf() {
            int function = g.pick(8) == 0 ? g.pick(128) : 1 + g.pick(8);
            boolean immediate = g.bool();
            int referenced = itts.isEmpty() || g.pick(8) == 0 ? g.data.consumeInt() : itts.get(g.pick(itts.size()));
            int newItt = peer.itt++;
            return new TaskMgmtRequest(immediate, function, g.pick(8) == 0 ? g.data.consumeLong() : 0, newItt,
                    referenced, cmdSn(immediate), g.near(peer.expStatSn), g.near(peer.cmdSn - 1), g.pick(4));
        }

        /** @return a Text, Logout, SNACK or Login Request */
        private Pdu other() {
            boolean immediate = g.bool();
            return switch (g.pick(4)) {
                case 0 -> new TextRequest(immediate, g.pick(4) != 0, g.pick(8) == 0, 0, itt(),
                        g.pick(4) == 0 ? g.data.consumeInt() : Bhs.NO_TAG, cmdSn(immediate), g.near(peer.expStatSn),
                        g.text(peer, List.of()));
                case 1 -> new LogoutRequest(immediate, g.pick(8) == 0 ? g.pick(128) : g.pick(3), itt(),
                        g.pick(4) == 0 ? g.pick(4) : 0, cmdSn(immediate), g.near(peer.expStatSn));
                case 2 -> new SnackRequest(g.pick(4), 0, itt(), g.data.consumeInt(), g.near(peer.expStatSn),
                        g.data.consumeInt(), g.data.consumeInt());
                default -> new LoginRequest(true, false, 1, 3, 0, 0, Peer.ISID, g.pick(4), itt(), 0,
                        cmdSn(immediate), g.near(peer.expStatSn), g.text(peer, List.of()));
            };
        }
    }
}
