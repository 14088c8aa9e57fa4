package org.jstgt.itests;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.ThreadLocalRandom;

import org.jstgt.testkit.Pdu;

/**
 * A peer that misbehaves on purpose: it logs in with one Login Request (operational stage straight
 * to full feature, no digests, InitialR2T=Yes, ImmediateData=No) and then sends whatever PDUs or
 * bytes a test wants, without the checks of testkit's {@code Initiator}. Used to attack a running
 * target; every wait is bounded.
 */
final class RawPeer implements AutoCloseable {
    /** Our MaxRecvDataSegmentLength offer. */
    static final int MAX_RECV = 8192;

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;
    private final byte[] isid = new byte[6];
    private int cmdSn = 1;
    private int expStatSn;
    private int itt = 1;

    private RawPeer(Socket socket) throws IOException {
        this.socket = socket;
        this.in = new BufferedInputStream(socket.getInputStream(), 65536);
        this.out = socket.getOutputStream();
        ThreadLocalRandom.current().nextBytes(isid);
        isid[0] = (byte) (0x80 | (isid[0] & 0x3f));
    }

    /**
     * @param address the portal
     * @param receiveBuffer SO_RCVBUF, or 0 for the system default (small: a peer that reads slowly)
     * @return a connected peer, not logged in
     */
    static RawPeer connect(InetSocketAddress address, int receiveBuffer) throws IOException {
        Socket s = new Socket();
        try {
            if (receiveBuffer > 0) {
                s.setReceiveBufferSize(receiveBuffer);
            }
            s.setTcpNoDelay(true);
            s.setSoTimeout(10_000);
            s.connect(address, 10_000);
            return new RawPeer(s);
        } catch (IOException | RuntimeException e) {
            s.close();
            throw e;
        }
    }

    /**
     * Logs in with one Login Request (CSG operational, NSG full feature, T=1).
     *
     * @param initiatorName InitiatorName
     * @param targetName TargetName, or null for a discovery session
     * @throws IOException when the login fails
     */
    void login(String initiatorName, String targetName) throws IOException {
        StringBuilder keys = new StringBuilder();
        key(keys, "InitiatorName", initiatorName);
        key(keys, "SessionType", targetName == null ? "Discovery" : "Normal");
        if (targetName != null) {
            key(keys, "TargetName", targetName);
        }
        key(keys, "HeaderDigest", "None");
        key(keys, "DataDigest", "None");
        key(keys, "MaxRecvDataSegmentLength", Integer.toString(MAX_RECV));
        if (targetName != null) {
            key(keys, "InitialR2T", "Yes");
            key(keys, "ImmediateData", "No");
            key(keys, "MaxBurstLength", "262144");
            key(keys, "FirstBurstLength", "65536");
            key(keys, "MaxOutstandingR2T", "1");
            key(keys, "MaxConnections", "1");
            key(keys, "ErrorRecoveryLevel", "0");
            key(keys, "DataPDUInOrder", "Yes");
            key(keys, "DataSequenceInOrder", "Yes");
        }
        Pdu req = new Pdu(Pdu.LOGIN_REQUEST).immediate(true).flags(0x80 | 0x04 | 0x03).itt(nextItt())
                .int32(24, cmdSn).int32(28, expStatSn).data(keys.toString().getBytes(StandardCharsets.UTF_8));
        withIsid(req);
        send(req);
        for (int round = 0; round < 4; round++) {
            Pdu resp = receive();
            if (resp.opcode() != Pdu.LOGIN_RESPONSE) {
                throw new IOException("expected a Login Response, got " + resp);
            }
            if (resp.u8(36) != 0) {
                throw new IOException(String.format("login refused: status 0x%02x%02x", resp.u8(36), resp.u8(37)));
            }
            expStatSn = resp.int32(24) + 1;
            if ((resp.flags() & 0x80) != 0 && (resp.flags() & 0x03) == 0x03) {
                return;
            }
            Pdu next = new Pdu(Pdu.LOGIN_REQUEST).immediate(true).flags(0x80 | 0x04 | 0x03).itt(nextItt())
                    .int32(24, cmdSn).int32(28, expStatSn);
            withIsid(next).u16(14, resp.u16(14));
            send(next);
        }
        throw new IOException("login did not reach full feature phase in 4 rounds");
    }

    private Pdu withIsid(Pdu p) {
        for (int i = 0; i < 6; i++) {
            p.u8(8 + i, isid[i] & 0xff);
        }
        return p;
    }

    private static void key(StringBuilder b, String k, String v) {
        b.append(k).append('=').append(v).append('\0');
    }

    /** @return a fresh Initiator Task Tag */
    int nextItt() {
        return itt++;
    }

    /** @return the next CmdSN, advanced */
    int nextCmdSn() {
        return cmdSn++;
    }

    /** @return the CmdSN an immediate PDU carries (not advanced) */
    int cmdSn() {
        return cmdSn;
    }

    /** @return ExpStatSN to send */
    int expStatSn() {
        return expStatSn;
    }

    /**
     * A SCSI Command PDU (RFC 7143 §11.3) with the next CmdSN and a new ITT.
     *
     * @param cdb the CDB (up to 16 bytes)
     * @param read R bit
     * @param write W bit
     * @param expectedLength Expected Data Transfer Length
     * @return the PDU
     */
    Pdu command(byte[] cdb, boolean read, boolean write, int expectedLength) {
        Pdu p = new Pdu(Pdu.SCSI_COMMAND).flags(0x80 | (read ? 0x40 : 0) | (write ? 0x20 : 0) | 0x01).lun(0)
                .itt(nextItt()).int32(20, expectedLength).int32(24, nextCmdSn()).int32(28, expStatSn);
        for (int i = 0; i < cdb.length; i++) {
            p.u8(32 + i, cdb[i] & 0xff);
        }
        return p;
    }

    /**
     * Sends the Data-Out PDUs an R2T asks for (RFC 7143 §11.7, §11.8), from {@code data} at its
     * Buffer Offset, in segments of at most {@link #MAX_RECV} bytes (the least a target accepts).
     *
     * @param r2t the target's R2T
     * @param data the command's whole Data-Out buffer
     */
    void dataOut(Pdu r2t, byte[] data) throws IOException {
        int offset = r2t.int32(40);
        int end = offset + r2t.int32(44);
        for (int dataSn = 0; offset < end; dataSn++) {
            int n = Math.min(MAX_RECV, end - offset);
            Pdu d = new Pdu(Pdu.DATA_OUT).flags(offset + n == end ? 0x80 : 0).lun(0).itt(r2t.itt())
                    .int32(20, r2t.int32(20)).int32(28, expStatSn).int32(36, dataSn).int32(40, offset)
                    .data(Arrays.copyOfRange(data, offset, offset + n));
            send(d);
            offset += n;
        }
    }

    /**
     * A command with Data-Out on LUN 0: it answers each R2T until the SCSI Response.
     *
     * @param cdb the CDB
     * @param data all its Data-Out bytes
     * @return the SCSI Response
     */
    Pdu write(byte[] cdb, byte[] data) throws IOException {
        send(command(cdb, false, true, data.length));
        while (true) {
            Pdu p = receive();
            if (p.opcode() == Pdu.R2T) {
                dataOut(p, data);
            } else if (p.opcode() == Pdu.SCSI_RESPONSE) {
                expStatSn = p.int32(24) + 1;
                return p;
            } else {
                throw new IOException("expected an R2T or a SCSI Response, got " + p);
            }
        }
    }

    /**
     * A command without data on LUN 0.
     *
     * @param cdb the CDB
     * @return the SCSI Response
     */
    Pdu nonData(byte[] cdb) throws IOException {
        send(command(cdb, false, false, 0));
        Pdu p = receive();
        if (p.opcode() != Pdu.SCSI_RESPONSE) {
            throw new IOException("expected a SCSI Response, got " + p);
        }
        expStatSn = p.int32(24) + 1;
        return p;
    }

    /** @param pdu sent as is, without digests */
    void send(Pdu pdu) throws IOException {
        out.write(pdu.encode(false, false));
        out.flush();
    }

    /** @param bytes sent as they are */
    void sendBytes(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
    }

    /** @return the next PDU from the target (bounded by the socket timeout) */
    Pdu receive() throws IOException {
        return Pdu.read(in, false, false, 1 << 24);
    }

    /**
     * Reads and discards until the target closes the connection.
     *
     * @param within how long to wait
     * @return true when the target closed (end of stream or reset) in time
     */
    boolean closedByTargetWithin(Duration within) {
        long deadline = System.nanoTime() + within.toNanos();
        byte[] sink = new byte[65536];
        try {
            socket.setSoTimeout(200);
            while (System.nanoTime() < deadline) {
                try {
                    if (in.read(sink) < 0) {
                        return true;
                    }
                } catch (SocketTimeoutException e) {
                    // not yet
                }
            }
            return false;
        } catch (IOException e) {
            return true; // reset by the target
        }
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException e) {
            // closing anyway
        }
    }
}
