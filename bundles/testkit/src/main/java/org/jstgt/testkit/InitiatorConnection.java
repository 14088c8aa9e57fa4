package org.jstgt.testkit;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The connection and session state of an {@link Initiator}: the socket, PDU send and receive with
 * the negotiated digests and limits, the ITT, CmdSN window and StatSN bookkeeping (RFC 7143 §4.2),
 * and the PDUs a target may send unasked (NOP-In pings, Asynchronous Messages, Reject). The
 * exchanges ({@link LoginNegotiation}, {@link ScsiCommandExchange}, {@link TextExchange}) run over it.
 */
final class InitiatorConnection implements AutoCloseable {
    static final SecureRandom RANDOM = new SecureRandom();

    final InitiatorOptions options;
    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;
    private final long timeoutNanos;

    final InitiatorSession session;
    /** The connection's CID (RFC 7143 §11.12.8): 0 for the leading connection. */
    final int cid;
    int expStatSN;
    boolean loggedIn;
    boolean discoverySession;
    private boolean headerDigest;
    private boolean dataDigest;
    private Negotiated negotiated;
    private final List<Pdu> asyncMessages = new ArrayList<>();

    InitiatorConnection(Socket socket, InitiatorOptions options) throws IOException {
        this(socket, options, new InitiatorSession(), 0);
    }

    InitiatorConnection(Socket socket, InitiatorOptions options, InitiatorSession session, int cid)
            throws IOException {
        this.socket = socket;
        this.options = options;
        this.session = session;
        this.cid = cid;
        this.timeoutNanos = options.timeout().toNanos();
        this.in = new BufferedInputStream(socket.getInputStream(), 65536);
        this.out = new BufferedOutputStream(socket.getOutputStream(), 65536);
    }

    /** @return the deadline of an exchange that starts now */
    long deadline() {
        return System.nanoTime() + timeoutNanos;
    }

    Negotiated negotiated() {
        return negotiated;
    }

    /** Enters full feature phase with the parameters the login settled. */
    void loggedIn(Negotiated n) {
        negotiated = n;
        headerDigest = n.headerDigest();
        dataDigest = n.dataDigest();
        loggedIn = true;
    }

    List<Pdu> asyncMessages() {
        return List.copyOf(asyncMessages);
    }

    void requireLoggedIn() {
        if (!loggedIn) {
            throw new IllegalStateException("not logged in");
        }
    }

    int nextItt() {
        return session.nextItt();
    }

    void send(Pdu pdu) throws IOException {
        send(pdu, true);
    }

    void send(Pdu pdu, boolean flush) throws IOException {
        if (pdu.data().length > (loggedIn && negotiated != null ? negotiated.maxSendDataSegmentLength() : 8192)) {
            throw new IllegalStateException("data segment " + pdu.data().length + " above the target's limit");
        }
        out.write(pdu.encode(headerDigest, dataDigest));
        if (flush) {
            out.flush();
        }
    }

    void flush() throws IOException {
        out.flush();
    }

    Pdu receive(long deadline, String waitingFor) throws IOException {
        checkDeadline(deadline, waitingFor);
        try {
            int limit = loggedIn ? options.maxRecvDataSegmentLength() : 8192;
            return Pdu.read(in, headerDigest, dataDigest, limit);
        } catch (SocketTimeoutException e) {
            throw new SocketTimeoutException("no PDU from the target within " + options.timeout()
                    + " while waiting for " + waitingFor);
        }
    }

    /**
     * Reads until a PDU for the given task arrives, answering target NOP-In pings and recording
     * asynchronous messages on the way.
     */
    Pdu receiveFor(int itt, long deadline, String waitingFor) throws IOException {
        for (;;) {
            Pdu pdu = receive(deadline, waitingFor);
            if (handleUnsolicited(pdu)) {
                continue;
            }
            if (pdu.itt() != itt) {
                throw new IscsiProtocolException(String.format("%s with ITT %08x while waiting for %s (ITT %08x)",
                        opName(pdu.opcode()), pdu.itt(), waitingFor, itt));
            }
            return pdu;
        }
    }

    private boolean handleUnsolicited(Pdu pdu) throws IOException {
        switch (pdu.opcode()) {
            case Pdu.NOP_IN -> {
                if (pdu.itt() != Pdu.RESERVED_TAG) {
                    return false;
                }
                // RFC 7143 §11.19: target ping; StatSN not advanced; answer when TTT is not reserved
                updateWindow(pdu.int32(28), pdu.int32(32));
                int ttt = pdu.int32(20);
                if (ttt != Pdu.RESERVED_TAG) {
                    Pdu reply = new Pdu(Pdu.NOP_OUT).immediate(true).flags(0x80).lun(pdu.lun())
                            .itt(Pdu.RESERVED_TAG).int32(20, ttt).int32(24, session.cmdSN()).int32(28, expStatSN);
                    send(reply);
                }
                return true;
            }
            case Pdu.ASYNC_MESSAGE -> {
                // RFC 7143 §11.9: carries a StatSN of its own
                expStatSN = pdu.int32(24) + 1;
                updateWindow(pdu.int32(28), pdu.int32(32));
                asyncMessages.add(pdu);
                return true;
            }
            case Pdu.REJECT -> {
                throw new IscsiProtocolException(String.format("target sent Reject, reason 0x%02x (%s) for %s",
                        pdu.u8(2), rejectReason(pdu.u8(2)), pdu.data().length >= 48
                                ? Pdu.ofHeader(Arrays.copyOf(pdu.data(), 48)).toString() : "?"));
            }
            default -> {
                return false;
            }
        }
    }

    void checkStatSN(Pdu pdu) throws IscsiProtocolException {
        int statSN = pdu.int32(24);
        if (statSN != expStatSN) {
            throw new IscsiProtocolException(opName(pdu.opcode()) + " StatSN " + u32(statSN) + ", expected "
                    + u32(expStatSN));
        }
        expStatSN = statSN + 1;
        updateWindow(pdu.int32(28), pdu.int32(32));
    }

    /** RFC 7143 §4.2.2.1: see {@link InitiatorSession#updateWindow}. */
    void updateWindow(int exp, int max) {
        session.updateWindow(exp, max);
    }

    void awaitWindow(long deadline) throws IOException {
        while (!session.windowOpen()) {
            Pdu pdu = receive(deadline, "the command window to open (CmdSN " + u32(session.cmdSN()) + ", MaxCmdSN "
                    + u32(session.maxCmdSN()) + ")");
            if (!handleUnsolicited(pdu)) {
                throw unexpected(pdu, "a NOP-In or Asynchronous Message opening the command window");
            }
        }
    }

    void checkDeadline(long deadline, String what) throws SocketTimeoutException {
        if (System.nanoTime() - deadline > 0) {
            throw new SocketTimeoutException("no answer within " + options.timeout() + " for " + what);
        }
    }

    /**
     * @return true when the peer closed the connection before the deadline; PDUs it sends meanwhile
     *     are read and dropped, but Asynchronous Messages, which are recorded
     */
    boolean awaitClosed(long deadline) {
        while (System.nanoTime() - deadline < 0) {
            try {
                Pdu pdu = receive(deadline, "the target to close the connection");
                if (pdu.opcode() == Pdu.ASYNC_MESSAGE) {
                    asyncMessages.add(pdu);
                }
            } catch (SocketTimeoutException e) {
                return false;
            } catch (IOException e) {
                return true; // end of stream, reset, or closed here
            }
        }
        return false;
    }

    /** Closes the TCP connection. */
    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException e) {
            // nothing left to release
        }
    }

    // ---- names for messages

    static IscsiProtocolException unexpected(Pdu pdu, String expected) {
        return new IscsiProtocolException("unexpected " + opName(pdu.opcode()) + " " + pdu + ", expected " + expected);
    }

    static String opName(int opcode) {
        return switch (opcode) {
            case Pdu.NOP_IN -> "NOP-In";
            case Pdu.SCSI_RESPONSE -> "SCSI Response";
            case Pdu.TASK_MANAGEMENT_RESPONSE -> "Task Management Response";
            case Pdu.LOGIN_RESPONSE -> "Login Response";
            case Pdu.TEXT_RESPONSE -> "Text Response";
            case Pdu.DATA_IN -> "Data-In";
            case Pdu.LOGOUT_RESPONSE -> "Logout Response";
            case Pdu.R2T -> "R2T";
            case Pdu.ASYNC_MESSAGE -> "Asynchronous Message";
            case Pdu.REJECT -> "Reject";
            default -> String.format("opcode 0x%02x", opcode);
        };
    }

    private static String rejectReason(int reason) {
        Map<Integer, String> m = new HashMap<>();
        m.put(0x02, "data (payload) digest error");
        m.put(0x03, "SNACK reject");
        m.put(0x04, "protocol error");
        m.put(0x05, "command not supported");
        m.put(0x06, "immediate command reject");
        m.put(0x07, "task in progress");
        m.put(0x08, "invalid data ack");
        m.put(0x09, "invalid PDU field");
        m.put(0x0a, "long operation reject");
        m.put(0x0c, "waiting for logout");
        return m.getOrDefault(reason, "reserved");
    }

    static String hex(int v) {
        return String.format("%08x", v);
    }

    static long u32(int v) {
        return v & 0xffffffffL;
    }
}
