package org.jstgt.testkit;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import org.jstgt.api.target.ScsiResult;

/**
 * A scripted single-connection iSCSI portal for testing the initiator: enough of RFC 7143 to log in,
 * answer SendTargets, run READ(10)/WRITE(10) on the nexus of a {@link FakeScsiTarget} with R2Ts of
 * at most {@link #maxBurst} bytes, echo pings and log out. It checks what the initiator sends and
 * records every violation in {@link #errors}. A few commands are answered by the script instead of
 * the target, to give the initiator what a well-behaved target rarely sends (see
 * {@code scsi(...)}).
 */
final class ScriptedPortal implements AutoCloseable {
    static final String IQN = "iqn.2026-11.org.jstgt:fake";
    static final int BLOCK = FakeNexus.BLOCK;

    final List<String> errors = new CopyOnWriteArrayList<>();
    /** The target behind the portal: 1 MiB, one nexus per login. */
    final FakeScsiTarget target = new FakeScsiTarget(IQN).blocks(2048);
    final int maxBurst;
    final int targetMaxRecv;
    private final ServerSocket server;
    private final Thread thread;

    private boolean hd;
    private boolean dd;
    private int initiatorMaxRecv = 8192;
    private boolean immediateData;
    private boolean initialR2T;
    private int firstBurst;
    private int statSN = 100;
    private int expCmdSN;
    private int ttt = 0x1000;
    /** Ping the initiator (NOP-In with a TTT) before completing each WRITE. */
    volatile boolean pingBeforeWriteStatus;
    /** Answers the security stage instead of AuthMethod=None; set before the login. */
    volatile SecurityScript security;
    private boolean leadingLogin = true;
    private boolean refused;

    /** The target's side of the login's security stage (RFC 7143 §6.3). */
    interface SecurityScript {
        /**
         * @param keys the request's keys
         * @param transit the request's T bit
         * @return the answer
         */
        Reply step(Map<String, String> keys, boolean transit);

        /**
         * @param keys keys to answer
         * @param transit set the T bit (leave for the operational stage)
         * @param status non-zero refuses the login with this Status-Class and Status-Detail
         */
        record Reply(Map<String, String> keys, boolean transit, int status) {
        }
    }

    ScriptedPortal(int maxBurst, int targetMaxRecv) throws IOException {
        this.maxBurst = maxBurst;
        this.targetMaxRecv = targetMaxRecv;
        server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        thread = new Thread(this::run, "fake-target");
        thread.setDaemon(true);
        thread.start();
    }

    InetSocketAddress address() {
        return new InetSocketAddress(InetAddress.getLoopbackAddress(), server.getLocalPort());
    }

    private void run() {
        try (Socket s = server.accept()) {
            s.setSoTimeout(10_000);
            InputStream in = new BufferedInputStream(s.getInputStream());
            OutputStream out = s.getOutputStream();
            boolean ffp = false;
            for (;;) {
                Pdu p = Pdu.read(in, ffp && hd, ffp && dd, ffp ? targetMaxRecv : 8192);
                switch (p.opcode()) {
                    case Pdu.LOGIN_REQUEST -> {
                        ffp = login(p, out);
                        if (refused) {
                            return; // RFC 7143 §11.13.5: the target closes the connection after a refusal
                        }
                    }
                    case Pdu.TEXT_REQUEST -> text(p, out);
                    case Pdu.NOP_OUT -> send(out, respond(Pdu.NOP_IN, p).flags(0x80).int32(20, Pdu.RESERVED_TAG)
                            .data(p.data()));
                    case Pdu.SCSI_COMMAND -> scsi(p, in, out);
                    case Pdu.LOGOUT_REQUEST -> {
                        expCmdSN++;
                        send(out, respond(Pdu.LOGOUT_RESPONSE, p).flags(0x80));
                        return;
                    }
                    default -> errors.add("unexpected opcode " + p.opcode());
                }
            }
        } catch (IOException e) {
            if (!server.isClosed()) {
                errors.add("target I/O: " + e);
            }
        }
    }

    private Pdu respond(int opcode, Pdu req) {
        return new Pdu(opcode).itt(req.itt()).int32(24, statSN++).int32(28, expCmdSN).int32(32, expCmdSN + 7);
    }

    private void send(OutputStream out, Pdu p) throws IOException {
        out.write(p.encode(hd, dd));
        out.flush();
    }

    private boolean login(Pdu p, OutputStream out) throws IOException {
        expCmdSN = p.int32(24);
        Map<String, String> keys = TextKeys.parseMap(p.data());
        int csg = (p.flags() >> 2) & 3;
        Map<String, String> answer = new LinkedHashMap<>();
        int nsg;
        boolean transit = true;
        int status = 0;
        if (csg == 0) {
            if (leadingLogin) {
                check("InitiatorName present", keys.containsKey("InitiatorName"));
                if ("Normal".equals(keys.get("SessionType"))) {
                    target.openNexus(keys.get("InitiatorName"), keys.get("InitiatorName") + ",i,0x" + isid(p),
                            IQN + ",t,0x1", 1);
                }
                answer.put("TargetPortalGroupTag", "1");
                leadingLogin = false;
            }
            SecurityScript script = security;
            if (script == null) {
                answer.put("AuthMethod", "None");
            } else {
                SecurityScript.Reply r = script.step(keys, (p.flags() & 0x80) != 0);
                answer.putAll(r.keys());
                transit = r.transit();
                status = r.status();
            }
            nsg = 1;
        } else {
            String hdOffer = keys.get("HeaderDigest").split(",")[0];
            String ddOffer = keys.get("DataDigest").split(",")[0];
            answer.put("HeaderDigest", hdOffer);
            answer.put("DataDigest", ddOffer);
            answer.put("MaxRecvDataSegmentLength", Integer.toString(targetMaxRecv));
            initiatorMaxRecv = Integer.parseInt(keys.get("MaxRecvDataSegmentLength"));
            if (keys.containsKey("ImmediateData")) {
                immediateData = keys.get("ImmediateData").equals("Yes");
                initialR2T = keys.get("InitialR2T").equals("Yes");
                firstBurst = Integer.parseInt(keys.get("FirstBurstLength"));
                answer.put("ImmediateData", keys.get("ImmediateData"));
                answer.put("InitialR2T", keys.get("InitialR2T"));
                answer.put("FirstBurstLength", initialR2T && !immediateData ? "Irrelevant"
                        : Integer.toString(firstBurst));
                answer.put("MaxBurstLength", Integer.toString(Math.min(maxBurst,
                        Integer.parseInt(keys.get("MaxBurstLength")))));
                answer.put("MaxOutstandingR2T", "1");
            }
            nsg = 3;
        }
        Pdu r = respond(Pdu.LOGIN_RESPONSE, p).flags(transit ? 0x80 | csg << 2 | nsg : csg << 2)
                .u16(14, transit && status == 0 ? 0x22 : 0).u8(36, status >> 8).u8(37, status & 0xff)
                .data(TextKeys.encode(answer));
        for (int i = 8; i < 14; i++) {
            r.u8(i, p.u8(i));
        }
        out.write(r.encode(false, false));
        out.flush();
        if (status != 0) {
            refused = true;
            return false;
        }
        if (nsg == 3) {
            hd = answer.get("HeaderDigest").equals("CRC32C");
            dd = answer.get("DataDigest").equals("CRC32C");
            return true;
        }
        return false;
    }

    private void text(Pdu p, OutputStream out) throws IOException {
        check("SendTargets=All", "All".equals(TextKeys.parseMap(p.data()).get("SendTargets")));
        expCmdSN++;
        Map<String, String> a = new LinkedHashMap<>();
        a.put("TargetName", target.iqn());
        a.put("TargetAddress", "127.0.0.1:3260,1");
        send(out, respond(Pdu.TEXT_RESPONSE, p).flags(0x80).int32(20, Pdu.RESERVED_TAG).data(TextKeys.encode(a)));
    }

    private void scsi(Pdu cmd, InputStream in, OutputStream out) throws IOException {
        check("CmdSN in order", cmd.int32(24) == expCmdSN);
        expCmdSN++;
        int op = cmd.u8(32);
        int edtl = cmd.int32(20);
        int blocks = cmd.u16(39);
        if (op == 0x28) {
            check("R bit on READ", (cmd.flags() & 0x40) != 0);
            int len = blocks * BLOCK;
            check("EDTL matches READ length", edtl == len);
            byte[] read = run(cmd, null);
            int dataSN = 0;
            for (int off = 0; off < len;) {
                int n = Math.min(initiatorMaxRecv, len - off);
                boolean last = off + n == len;
                Pdu d = new Pdu(Pdu.DATA_IN).flags(last ? 0x81 : 0).itt(cmd.itt()).int32(20, Pdu.RESERVED_TAG)
                        .int32(28, expCmdSN).int32(32, expCmdSN + 7).int32(36, dataSN++).int32(40, off)
                        .data(Arrays.copyOfRange(read, off, off + n));
                if (last) {
                    d.int32(24, statSN++);
                }
                send(out, d);
                off += n;
            }
        } else if (op == 0x2a) {
            check("W bit on WRITE", (cmd.flags() & 0x20) != 0);
            int len = blocks * BLOCK;
            check("EDTL matches WRITE length", edtl == len);
            byte[] buf = new byte[len];
            int have = cmd.data().length;
            check("immediate data only when negotiated", immediateData || have == 0);
            check("immediate data within FirstBurstLength", have <= firstBurst);
            System.arraycopy(cmd.data(), 0, buf, 0, have);
            if (!cmd.isFinal()) {
                check("unsolicited Data-Out only with InitialR2T=No", !initialR2T);
                have = collect(in, cmd, buf, have, Pdu.RESERVED_TAG);
                check("unsolicited data within FirstBurstLength", have <= firstBurst);
            }
            int r2tsn = 0;
            while (have < len) {
                int n = Math.min(maxBurst, len - have);
                int tag = ttt++;
                send(out, new Pdu(Pdu.R2T).flags(0x80).itt(cmd.itt()).int32(20, tag).int32(24, statSN)
                        .int32(28, expCmdSN).int32(32, expCmdSN + 7).int32(36, r2tsn++).int32(40, have)
                        .int32(44, n));
                int got = collect(in, cmd, buf, have, tag);
                check("R2T answered in full", got == have + n);
                have = got;
            }
            run(cmd, buf);
            if (pingBeforeWriteStatus) {
                // RFC 7143 §11.19: target-initiated ping, answered by a NOP-Out with the same TTT
                send(out, new Pdu(Pdu.NOP_IN).flags(0x80).itt(Pdu.RESERVED_TAG).int32(20, 0x7777)
                        .int32(24, statSN).int32(28, expCmdSN).int32(32, expCmdSN + 7));
                Pdu nop = Pdu.read(in, hd, dd, targetMaxRecv);
                check("NOP-Out answers the ping", nop.opcode() == Pdu.NOP_OUT && nop.int32(20) == 0x7777
                        && nop.itt() == Pdu.RESERVED_TAG && nop.immediate());
            }
            send(out, respond(Pdu.SCSI_RESPONSE, cmd).flags(0x80));
        } else if (op == 0x12) {
            // INQUIRY: 36 bytes in a Data-In without status, then a SCSI Response with underflow
            byte[] inq = new byte[36];
            inq[4] = 31;
            int n = Math.min(36, edtl);
            send(out, new Pdu(Pdu.DATA_IN).flags(0x80).itt(cmd.itt()).int32(20, Pdu.RESERVED_TAG)
                    .int32(28, expCmdSN).int32(32, expCmdSN + 7).int32(36, 0).int32(40, 0)
                    .data(Arrays.copyOf(inq, n)));
            send(out, respond(Pdu.SCSI_RESPONSE, cmd).flags(0x80 | (edtl > n ? 0x02 : 0)).int32(36, 1)
                    .int32(44, edtl - n));
        } else if (op == 0x00) {
            // TEST UNIT READY answered with a StatSN from the future
            statSN += 5;
            send(out, respond(Pdu.SCSI_RESPONSE, cmd).flags(0x80));
        } else if (op == 0xfe) {
            // RFC 7143 §11.17: Reject, reason 04h protocol error, carrying the rejected header
            send(out, new Pdu(Pdu.REJECT).flags(0x80).u8(2, 0x04).itt(Pdu.RESERVED_TAG).int32(24, statSN++)
                    .int32(28, expCmdSN).int32(32, expCmdSN + 7).data(cmd.header()));
        } else {
            // fixed-format sense: ILLEGAL REQUEST / INVALID COMMAND OPERATION CODE, field pointer byte 0
            byte[] sense = new byte[18];
            sense[0] = 0x70;
            sense[2] = 5;
            sense[7] = 10;
            sense[12] = 0x20;
            sense[15] = (byte) 0xc0;
            byte[] seg = new byte[2 + sense.length];
            seg[1] = (byte) sense.length;
            System.arraycopy(sense, 0, seg, 2, sense.length);
            send(out, respond(Pdu.SCSI_RESPONSE, cmd).flags(0x80).u8(3, 2).data(seg));
        }
    }

    /**
     * Runs a READ(10) or WRITE(10) on the target's nexus.
     *
     * @return the Data-In bytes
     */
    private byte[] run(Pdu cmd, byte[] dataOut) {
        FakeScsiTask.Builder b = FakeScsiTask.builder().cdb(Arrays.copyOfRange(cmd.header(), 32, 42))
                .expectedTransferLength(cmd.int32(20));
        if (dataOut != null) {
            b.dataOut(dataOut);
        }
        FakeScsiTask task = b.build();
        ScsiResult r = target.lastNexus().prepare(task).execute().toCompletableFuture().join();
        check("GOOD from the target", r.status() == 0);
        return dataOut != null ? new byte[0] : task.dataInBytes(r.dataInLength());
    }

    private static String isid(Pdu p) {
        StringBuilder sb = new StringBuilder();
        for (int i = 8; i < 14; i++) {
            sb.append(String.format("%02x", p.u8(i)));
        }
        return sb.toString();
    }

    /** Reads one Data-Out sequence (until F) and returns the new high-water offset. */
    private int collect(InputStream in, Pdu cmd, byte[] buf, int offset, int tag) throws IOException {
        int dataSN = 0;
        for (;;) {
            Pdu d = Pdu.read(in, hd, dd, targetMaxRecv);
            check("Data-Out opcode", d.opcode() == Pdu.DATA_OUT);
            check("Data-Out ITT", d.itt() == cmd.itt());
            check("Data-Out TTT", d.int32(20) == tag);
            check("Data-Out DataSN " + d.int32(36) + " == " + dataSN, d.int32(36) == dataSN++);
            check("Data-Out offset " + d.int32(40) + " == " + offset, d.int32(40) == offset);
            System.arraycopy(d.data(), 0, buf, offset, d.data().length);
            offset += d.data().length;
            if (d.isFinal()) {
                return offset;
            }
        }
    }

    private void check(String what, boolean ok) {
        if (!ok) {
            errors.add(what);
        }
    }

    @Override
    public void close() throws Exception {
        server.close();
        thread.join(5000);
    }
}
