package org.jstgt.benchmarks.mcs;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.jstgt.testkit.InitiatorOptions;
import org.jstgt.testkit.Pdu;
import org.jstgt.testkit.TextKeys;

/**
 * One TCP connection of the session: its login (leading, or joining with the session's TSIH and its
 * own CID, RFC 7143 §6.3.1), then a reader thread that takes every PDU the target sends on it,
 * finishes the commands they answer and starts the next ones on the same connection, so that the
 * queue depth stays spread as the initial fill spread it. Writes are buffered and flushed when the
 * reader has nothing more to read (or by the thread that wrote outside the reader).
 */
final class McsConnection {
    private static final int MAX_RECV_DATA_SEGMENT = 262144;
    private static final int TRANSIT = 0x80;
    private static final int FULL_FEATURE = 3;
    /** Keys a target declares without waiting for an answer (RFC 7143 §6.2, §13). */
    private static final Set<String> DECLARED = Set.of("TargetAlias", "TargetAddress", "TargetPortalGroupTag",
            "MaxRecvDataSegmentLength", "TargetName", "SessionType");

    final int cid;
    private final McsSession session;
    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;
    private final Object writeLock = new Object();
    private volatile int expStatSN;
    private int maxSendDataSegment = 8192;
    private boolean dirty;
    /** HeaderDigest=CRC32C in force (from the first PDU after the login, RFC 7143 §13.1). */
    private boolean headerDigest;
    /** The measured completions' latencies (its reader only). */
    final Latencies latencies = new Latencies();
    private Thread reader;
    /** Load commands completed on this connection within the measured time (its reader only). */
    volatile long completed;
    final CountDownLatch loggedOut = new CountDownLatch(1);
    volatile int logoutResponse = -1;

    McsConnection(McsSession session, int cid) throws IOException {
        this.session = session;
        this.cid = cid;
        McsOptions o = session.options;
        socket = new Socket();
        try {
            socket.setTcpNoDelay(true);
            int ms = (int) Math.max(1, o.timeoutSeconds() * 1000);
            socket.setSoTimeout(ms);
            socket.connect(new InetSocketAddress(o.host(), o.port()), ms);
            in = new BufferedInputStream(socket.getInputStream(), 1 << 16);
            out = new BufferedOutputStream(socket.getOutputStream(), 1 << 16);
        } catch (IOException e) {
            socket.close();
            throw new IOException("CID " + cid + ": cannot connect to " + o.host() + ":" + o.port() + ": "
                    + e.getMessage(), e);
        }
    }

    // ---- login ------------------------------------------------------------------------------

    /**
     * Logs this connection in: a leading login (TSIH 0) offers the session's keys, MaxConnections
     * among them; a joining one the connection's own keys only.
     *
     * @return every key the target answered
     * @throws LoginRefused when the target answers with a non-zero status class
     */
    Map<String, String> login(boolean leading) throws IOException {
        McsOptions o = session.options;
        Map<String, String> security = new LinkedHashMap<>();
        security.put("InitiatorName", o.initiator());
        security.put("SessionType", "Normal");
        security.put("TargetName", o.target());
        security.put("AuthMethod", "None");
        // the testkit's offers: no digests, ImmediateData, InitialR2T No, bursts as the bench's targets
        InitiatorOptions offers = InitiatorOptions.defaults().withInitialR2T(false)
                .withMaxRecvDataSegmentLength(MAX_RECV_DATA_SEGMENT).withBurstLengths(262144, 1048576)
                .withDigests(o.headerDigest() ? "CRC32C" : "None", "None");
        Map<String, String> operational = leading ? offers.sessionOffer(o.connections()) : offers.connectionOffer();
        Map<String, String> answered = new LinkedHashMap<>();
        int itt = session.nextItt();
        int stage = 0; // security negotiation
        int tsih = session.tsih; // 0 for the leading login; kept for all its requests (RFC 7143 §11.12.6)
        Map<String, String> offer = security;
        long deadline = System.nanoTime() + o.timeoutNanos();
        for (int round = 0; round < 12 && System.nanoTime() - deadline < 0; round++) {
            int next = stage == 0 ? 1 : FULL_FEATURE;
            Pdu req = new Pdu(Pdu.LOGIN_REQUEST).immediate(true).flags(TRANSIT | stage << 2 | next).itt(itt)
                    .u16(14, tsih).u16(20, cid).int32(24, session.cmdSN()).int32(28, expStatSN)
                    .data(TextKeys.encode(offer));
            for (int i = 0; i < 6; i++) {
                req.u8(8 + i, session.isid[i] & 0xff);
            }
            out.write(req.encode(false, false));
            out.flush();
            Pdu resp = Pdu.read(in, false, false, MAX_RECV_DATA_SEGMENT);
            if (resp.opcode() != Pdu.LOGIN_RESPONSE) {
                throw new IOException("CID " + cid + ": " + resp + " during login, expected a Login Response");
            }
            if (resp.u8(36) != 0) {
                throw new LoginRefused(cid, resp.u8(36), resp.u8(37));
            }
            expStatSN = resp.int32(24) + 1;
            session.updateWindow(resp.int32(28), resp.int32(32));
            if (resp.u16(14) != 0) {
                session.tsih = resp.u16(14);
            }
            Map<String, String> keys = TextKeys.parseMap(resp.data());
            answered.putAll(keys);
            Map<String, String> reply = new LinkedHashMap<>();
            for (Map.Entry<String, String> e : keys.entrySet()) {
                if (e.getValue().equals("Reject") || e.getValue().equals("NotUnderstood")) {
                    throw new IOException("CID " + cid + ": target answered " + e.getKey() + "=" + e.getValue());
                }
                if (!offer.containsKey(e.getKey()) && !DECLARED.contains(e.getKey())) {
                    reply.put(e.getKey(), e.getValue()); // a key the target offers: accept its value
                }
            }
            if (stage == 0 && keys.containsKey("AuthMethod") && !keys.get("AuthMethod").equals("None")) {
                throw new IOException("CID " + cid + ": target requires AuthMethod=" + keys.get("AuthMethod"));
            }
            boolean transit = (resp.flags() & TRANSIT) != 0;
            if (transit && (resp.flags() & 3) == FULL_FEATURE) {
                String wanted = o.headerDigest() ? "CRC32C" : "None";
                if (!wanted.equalsIgnoreCase(answered.getOrDefault("HeaderDigest", "None"))
                        || !"None".equalsIgnoreCase(answered.getOrDefault("DataDigest", "None"))) {
                    throw new IOException("CID " + cid + ": the target did not settle on HeaderDigest=" + wanted
                            + " and DataDigest=None: " + answered);
                }
                headerDigest = o.headerDigest();
                maxSendDataSegment = Integer.parseInt(answered.getOrDefault("MaxRecvDataSegmentLength", "8192"));
                return answered;
            }
            if (transit) {
                stage = 1;
                offer = new LinkedHashMap<>(operational);
                offer.putAll(reply);
            } else {
                offer = reply; // same stage again, with our answers to what the target offered
            }
        }
        throw new IOException("CID " + cid + ": login did not reach full feature phase within "
                + o.timeoutSeconds() + " s");
    }

    /** Settles the session-wide parameters from the leading login's answers (RFC 7143 §13). */
    void settleSession(Map<String, String> answered) {
        session.maxConnectionsAnswer = answered.getOrDefault("MaxConnections", "1 (not answered: the default)");
        // ImmediateData is AND (default Yes), FirstBurstLength the minimum (default 65536)
        session.immediateData = !"No".equals(answered.getOrDefault("ImmediateData", "Yes"));
        int fbl = Integer.parseInt(answered.getOrDefault("FirstBurstLength", "65536"));
        int mbl = Integer.parseInt(answered.getOrDefault("MaxBurstLength", "262144"));
        session.firstBurstLength = Math.min(fbl, mbl);
    }

    /** Starts the thread that reads this connection until it closes. */
    void startReader() {
        reader = new Thread(this::readLoop, "mcs-reader-cid" + cid);
        reader.setDaemon(true);
        reader.start();
    }

    // ---- commands ---------------------------------------------------------------------------

    /** Starts the slot's next load command on this connection (or owes it to a closed window). */
    void issue(int slot) throws IOException {
        McsCommand c = session.source.next(slot);
        if (c != null) {
            send(c, slot, false);
        }
    }

    /**
     * Sends a probe command (no load, data kept) and waits for it.
     *
     * @return the finished task, or null when the window did not let it go
     */
    McsTask probe(McsCommand command) throws IOException, InterruptedException {
        McsTask t = send(command, -1, true);
        flush();
        if (t != null && !t.done.await(session.options.timeoutNanos(), TimeUnit.NANOSECONDS)) {
            throw new IOException("CID " + cid + ": no answer to " + command.what() + " within "
                    + session.options.timeoutSeconds() + " s");
        }
        return t;
    }

    private McsTask send(McsCommand c, int slot, boolean probe) throws IOException {
        synchronized (writeLock) {
            long sn = session.takeCmdSNOrDefer(slot, c);
            if (sn < 0) {
                return null;
            }
            int itt = session.nextItt();
            McsTask t = new McsTask(itt, this, c, slot, probe);
            int length = c.expectedLength();
            // SIMPLE task attribute; F: no unsolicited Data-Out follows (immediate data only)
            int direction = c.writes() ? 0x20 : length > 0 ? 0x40 : 0;
            Pdu cmd = new Pdu(Pdu.SCSI_COMMAND).flags(0x80 | direction | 1).lun(c.lun())
                    .itt(itt).int32(20, length).int32(24, (int) sn).int32(28, expStatSN);
            byte[] cdb = c.cdb();
            for (int i = 0; i < cdb.length; i++) {
                cmd.u8(32 + i, cdb[i] & 0xff);
            }
            if (c.writes() && session.immediateData) {
                int immediate = Math.min(length, Math.min(session.firstBurstLength, maxSendDataSegment));
                cmd.data(immediate == length ? c.dataOut() : Arrays.copyOf(c.dataOut(), immediate));
            }
            session.tasks.put(itt, t);
            out.write(cmd.encode(headerDigest, false));
            dirty = true;
            return t;
        }
    }

    void flush() throws IOException {
        synchronized (writeLock) {
            if (dirty) {
                dirty = false;
                out.flush();
            }
        }
    }

    /**
     * Logout (RFC 7143 §11.14), immediate so that no window holds it up: reason 0 closes the
     * session, reason 1 this connection.
     */
    void sendLogout(int reason) throws IOException {
        synchronized (writeLock) {
            Pdu req = new Pdu(Pdu.LOGOUT_REQUEST).immediate(true).flags(0x80 | reason).itt(session.nextItt())
                    .u16(20, cid)
                    .int32(24, session.cmdSN()).int32(28, expStatSN);
            out.write(req.encode(headerDigest, false));
            out.flush();
            dirty = false;
        }
    }

    // ---- the reader -------------------------------------------------------------------------

    private void readLoop() {
        try {
            for (;;) {
                Pdu pdu = Pdu.read(in, headerDigest, false, MAX_RECV_DATA_SEGMENT);
                handle(pdu);
                if (in.available() == 0) {
                    flush();
                }
            }
        } catch (IOException | RuntimeException e) {
            if (!session.closing) {
                session.fail("CID " + cid + ": " + (e.getMessage() == null ? e.toString() : e.getMessage()));
            }
        }
    }

    private void handle(Pdu pdu) throws IOException {
        switch (pdu.opcode()) {
            case Pdu.DATA_IN -> {
                McsTask t = task(pdu, "Data-In");
                int offset = pdu.int32(40);
                if (offset != t.received || offset + pdu.data().length > t.expectedLength) {
                    throw new IOException(String.format(Locale.ROOT, "Data-In for %s at offset %d (%d bytes), "
                            + "expected offset %d of %d", t.what, offset, pdu.data().length, t.received,
                            t.expectedLength));
                }
                if (t.data != null) {
                    System.arraycopy(pdu.data(), 0, t.data, offset, pdu.data().length);
                }
                t.received += pdu.data().length;
                window(pdu);
                if ((pdu.flags() & 0x01) != 0) { // S: status collapsed into the last Data-In
                    expStatSN = pdu.int32(24) + 1;
                    finish(t, pdu.u8(3), new byte[0]);
                }
            }
            case Pdu.SCSI_RESPONSE -> {
                McsTask t = task(pdu, "SCSI Response");
                expStatSN = pdu.int32(24) + 1;
                window(pdu);
                if (pdu.u8(2) != 0) {
                    throw new IOException(String.format(Locale.ROOT, "%s answered with iSCSI response 0x%02x "
                            + "(target failure)", t.what, pdu.u8(2)));
                }
                byte[] d = pdu.data();
                int senseLength = d.length >= 2 ? Math.min(d.length - 2, (d[0] & 0xff) << 8 | d[1] & 0xff) : 0;
                finish(t, pdu.u8(3), Arrays.copyOfRange(d, Math.min(2, d.length), 2 + senseLength));
            }
            case Pdu.R2T -> {
                McsTask t = task(pdu, "R2T");
                window(pdu);
                dataOut(t, pdu.int32(20), pdu.int32(40), pdu.int32(44));
            }
            case Pdu.NOP_IN -> {
                window(pdu);
                int ttt = pdu.int32(20);
                if (pdu.itt() == Pdu.RESERVED_TAG && ttt != Pdu.RESERVED_TAG) {
                    // RFC 7143 §11.18: the target pings; answer with its TTT, immediately
                    synchronized (writeLock) {
                        out.write(new Pdu(Pdu.NOP_OUT).immediate(true).flags(0x80).lun(pdu.lun())
                                .itt(Pdu.RESERVED_TAG).int32(20, ttt).int32(24, session.cmdSN())
                                .int32(28, expStatSN).encode(headerDigest, false));
                        dirty = true;
                    }
                }
            }
            case Pdu.ASYNC_MESSAGE -> {
                expStatSN = pdu.int32(24) + 1;
                window(pdu);
                int event = pdu.u8(36);
                switch (event) {
                    case 0 -> { } // a SCSI asynchronous event (sense data): nothing to do for a load
                    case 1 -> throw new IOException("the target asks for a logout (Asynchronous Message, event 1)");
                    case 2 -> throw new IOException("the target drops connection CID " + pdu.u16(38)
                            + " (Asynchronous Message, event 2)");
                    case 3 -> throw new IOException("the target drops all connections of the session "
                            + "(Asynchronous Message, event 3)");
                    case 4 -> throw new IOException("the target asks for parameter negotiation "
                            + "(Asynchronous Message, event 4): not supported by this load generator");
                    default -> { } // vendor specific or reserved: ignored
                }
            }
            case Pdu.LOGOUT_RESPONSE -> {
                expStatSN = pdu.int32(24) + 1;
                logoutResponse = pdu.u8(2);
                loggedOut.countDown();
            }
            case Pdu.REJECT -> throw new IOException(String.format(Locale.ROOT,
                    "target sent Reject, reason 0x%02x, of a PDU with opcode 0x%02x", pdu.u8(2),
                    pdu.data().length > 0 ? pdu.data()[0] & 0x3f : -1));
            default -> throw new IOException(String.format(Locale.ROOT, "unexpected PDU, opcode 0x%02x: %s",
                    pdu.opcode(), pdu));
        }
    }

    private McsTask task(Pdu pdu, String kind) throws IOException {
        McsTask t = session.tasks.get(pdu.itt());
        if (t == null || t.connection != this) {
            throw new IOException(String.format(Locale.ROOT, "%s for ITT %08x, which is not in flight on this "
                    + "connection", kind, pdu.itt()));
        }
        return t;
    }

    private void window(Pdu pdu) throws IOException {
        session.updateWindow(pdu.int32(28), pdu.int32(32));
        for (McsSession.Owed owed = session.takeDeferred(); owed != null; owed = session.takeDeferred()) {
            send(owed.command(), owed.slot(), false);
        }
    }

    /** Answers an R2T with Data-Out PDUs of at most the target's MaxRecvDataSegmentLength. */
    private void dataOut(McsTask t, int ttt, int offset, int length) throws IOException {
        if (!t.write || offset < 0 || length <= 0 || offset + length > t.expectedLength) {
            throw new IOException(String.format(Locale.ROOT, "R2T for %s asks for %d bytes at %d of %d", t.what,
                    length, offset, t.expectedLength));
        }
        synchronized (writeLock) {
            int dataSN = 0;
            for (int done = 0; done < length; dataSN++) {
                int n = Math.min(maxSendDataSegment, length - done);
                Pdu d = new Pdu(Pdu.DATA_OUT).flags(done + n == length ? 0x80 : 0).lun(t.command.lun())
                        .itt(t.itt).int32(20, ttt).int32(28, expStatSN).int32(36, dataSN).int32(40, offset + done)
                        .data(Arrays.copyOfRange(t.command.dataOut(), offset + done, offset + done + n));
                out.write(d.encode(headerDigest, false));
                done += n;
            }
            dirty = true;
        }
    }

    private void finish(McsTask t, int status, byte[] sense) throws IOException {
        session.tasks.remove(t.itt);
        if (t.probe()) {
            t.sense = sense;
            t.status = status;
            t.done.countDown();
            return;
        }
        t.sense = sense;
        t.status = status;
        if (status == McsSense.GOOD && !t.write && t.received != t.expectedLength) {
            throw new IOException(t.what + " returned " + t.received + " of " + t.expectedLength + " bytes");
        }
        if (session.measuring) {
            latencies.add(System.nanoTime() - t.startNanos);
        }
        session.source.finished(t.slot, t);
        if (!session.stopping) {
            completed++;
            issue(t.slot);
        }
    }

    /** Closes the socket; the reader ends. */
    void close() {
        try {
            socket.close();
        } catch (IOException e) {
            // nothing left to release
        }
    }

    void joinReader(long millis) throws InterruptedException {
        if (reader != null) {
            reader.join(millis);
        }
    }

    /** A Login Response with a non-zero status class (RFC 7143 §11.13.5). */
    static final class LoginRefused extends IOException {
        private static final long serialVersionUID = 1L;

        LoginRefused(int cid, int statusClass, int detail) {
            super(String.format(Locale.ROOT, "CID %d: login refused, status class 0x%02x detail 0x%02x", cid,
                    statusClass, detail));
        }
    }
}
