package org.jstgt.testkit;

import static org.jstgt.testkit.InitiatorConnection.unexpected;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.Arrays;
import java.util.List;

/**
 * A small blocking iSCSI initiator for tests (RFC 7143): one TCP connection, one session, one
 * outstanding command at a time, ErrorRecoveryLevel 0. Every wait is bounded by
 * {@link InitiatorOptions#timeout()}: the socket read timeout and a deadline over each exchange.
 *
 * <p>Typical use: {@code try (Initiator i = Initiator.connect(addr, opts)) { i.login(iqn);
 * i.scsi(0, Cdbs.read10(0, 8), null, 4096).assertGood(); i.logout(); }}
 *
 * <p>With {@link InitiatorOptions#withChap} the login (normal or discovery) authenticates with
 * CHAP, one-way or mutual (RFC 7143 §12.1.3); a refusal is a {@link LoginFailedException} whose
 * {@link LoginFailedException#status()} tells 0x0201 from 0x0202 and 0x0300, and a target that
 * fails mutual authentication a {@link TargetAuthenticationException}.
 *
 * <p>The initiator is strict: a PDU out of order (StatSN, DataSN, R2TSN), a digest error, a data
 * segment above our MaxRecvDataSegmentLength or a Reject fails the call with an
 * {@link IscsiProtocolException}, so that tests see target bugs.
 *
 * <p>The work is shared out by responsibility: {@code InitiatorConnection} (socket, PDUs, sequence
 * numbers, unsolicited PDUs), {@code LoginNegotiation}, {@code ScsiCommandExchange} (R2T, Data-Out,
 * Data-In, status) and {@code TextExchange} (SendTargets).
 */
public final class Initiator implements AutoCloseable {
    private final InitiatorConnection connection;

    private Initiator(InitiatorConnection connection) {
        this.connection = connection;
    }

    /**
     * Opens the TCP connection (IPv4 or IPv6).
     *
     * @param address target portal
     * @param options login offers and timeouts
     * @return a connected initiator, not yet logged in
     * @throws IOException when the connection fails or times out
     */
    public static Initiator connect(InetSocketAddress address, InitiatorOptions options) throws IOException {
        Socket s = socket(address, options);
        try {
            return new Initiator(new InitiatorConnection(s, options));
        } catch (IOException | RuntimeException e) {
            s.close();
            throw e;
        }
    }

    private static Socket socket(InetSocketAddress address, InitiatorOptions options) throws IOException {
        Socket s = new Socket();
        try {
            s.setTcpNoDelay(true);
            int ms = (int) Math.min(Integer.MAX_VALUE, options.timeout().toMillis());
            s.setSoTimeout(ms);
            s.connect(address, ms);
            return s;
        } catch (IOException | RuntimeException e) {
            s.close();
            throw e;
        }
    }

    /**
     * Adds a connection to this initiator's session (multiple connections per session, RFC 7143
     * §6.3.1): it logs in with the session's ISID and TSIH and its own CID, and shares the session's
     * ITTs, CmdSN sequence and command window with every other connection; StatSN is its own. A
     * CID already in use replaces that connection (connection reinstatement, §6.3.4). The
     * connections of one session may be used from different threads.
     *
     * @param address target portal (of the same portal group)
     * @param targetName the session's target
     * @param cid the new connection's CID (0..65535)
     * @return the new connection, logged in
     * @throws IOException on failure, {@link LoginFailedException} when the target refuses it
     */
    public Initiator addConnection(InetSocketAddress address, String targetName, int cid) throws IOException {
        connection.requireLoggedIn();
        Socket s = socket(address, connection.options);
        Initiator added;
        try {
            added = new Initiator(new InitiatorConnection(s, connection.options, connection.session, cid));
        } catch (IOException | RuntimeException e) {
            s.close();
            throw e;
        }
        try {
            LoginNegotiation.join(added.connection, targetName, connection.negotiated());
            return added;
        } catch (IOException | RuntimeException e) {
            added.close();
            throw e;
        }
    }

    /** @return this connection's CID (0 for the leading connection) */
    public int cid() {
        return connection.cid;
    }

    /**
     * Runs a whole discovery session: connect, login with SessionType=Discovery, SendTargets=All,
     * logout.
     *
     * @param address portal
     * @param options offers and timeouts
     * @return the targets the portal reported
     * @throws IOException on any failure
     */
    public static List<DiscoveredTarget> sendTargets(InetSocketAddress address, InitiatorOptions options)
            throws IOException {
        try (Initiator i = connect(address, options)) {
            i.loginDiscovery();
            List<DiscoveredTarget> targets = i.sendTargetsAll();
            i.logout();
            return targets;
        }
    }

    /** @return the operational parameters in force, or null before login */
    public Negotiated negotiated() {
        return connection.negotiated();
    }

    /** @return the TSIH the target assigned (0 before login) */
    public int tsih() {
        return connection.session.tsih();
    }

    /** @return the ISID (6 bytes) */
    public byte[] isid() {
        return connection.session.isid.clone();
    }

    /** @return Asynchronous Message PDUs received so far (RFC 7143 §11.9) */
    public List<Pdu> asyncMessages() {
        return connection.asyncMessages();
    }

    /**
     * Logs in a discovery session.
     *
     * @return negotiated parameters
     * @throws IOException on failure
     */
    public Negotiated loginDiscovery() throws IOException {
        return LoginNegotiation.discovery(connection);
    }

    /**
     * Logs in a normal session to a target.
     *
     * @param targetName the target's iSCSI name
     * @return negotiated parameters
     * @throws IOException on failure, {@link LoginFailedException} when the target refuses
     */
    public Negotiated login(String targetName) throws IOException {
        return login(targetName, 1);
    }

    /**
     * Logs in a normal session to a target, offering several connections per session.
     *
     * @param targetName the target's iSCSI name
     * @param maxConnections the MaxConnections offer (RFC 7143 §13.2); the answer is in
     *     {@link Negotiated#targetKeys()}
     * @return negotiated parameters
     * @throws IOException on failure, {@link LoginFailedException} when the target refuses
     */
    public Negotiated login(String targetName, int maxConnections) throws IOException {
        return LoginNegotiation.normal(connection, targetName, maxConnections);
    }

    /**
     * Sends SendTargets=All in a discovery session (RFC 7143 §11.10, Appendix C), following text
     * continuations.
     *
     * @return the targets reported
     * @throws IOException on failure
     */
    public List<DiscoveredTarget> sendTargetsAll() throws IOException {
        return TextExchange.sendTargetsAll(connection);
    }

    /**
     * Parses a SendTargets answer (RFC 7143 §13.3): target records, each a TargetName followed by
     * its TargetAddress keys. Any other key is refused, as real initiators (libiscsi) refuse it.
     *
     * @param text the concatenated text data
     * @return targets in order
     * @throws IllegalArgumentException on a key other than TargetName or TargetAddress
     */
    static List<DiscoveredTarget> parseSendTargets(byte[] text) {
        return TextExchange.parseSendTargets(text);
    }

    /**
     * Runs one SCSI command (RFC 7143 §11.3-11.8) with SIMPLE task attribute and waits for its
     * status: immediate data and unsolicited Data-Out up to FirstBurstLength as negotiated, Data-Out
     * for each R2T, Data-In collected at its buffer offsets, status from the SCSI Response or a
     * final Data-In with the S bit.
     *
     * @param lun logical unit number (0..16383)
     * @param cdb the CDB, up to 16 bytes
     * @param dataOut data to write, or null / empty
     * @param expectedInLength bytes expected back (0 for none); not combined with dataOut
     * @return the reply
     * @throws IOException on transport failure or protocol violation
     */
    public ScsiReply scsi(int lun, byte[] cdb, byte[] dataOut, int expectedInLength) throws IOException {
        return ScsiCommandExchange.run(connection, lun, cdb, dataOut, expectedInLength);
    }

    /**
     * NOP-Out ping (RFC 7143 §11.18) with ping data; checks that the NOP-In echoes it.
     *
     * @throws IOException on failure or a wrong echo
     */
    public void ping() throws IOException {
        InitiatorConnection c = connection;
        c.requireLoggedIn();
        long deadline = c.deadline();
        int itt = c.nextItt();
        byte[] payload = new byte[Math.min(64, c.negotiated().maxSendDataSegmentLength())];
        InitiatorConnection.RANDOM.nextBytes(payload);
        Pdu nop = new Pdu(Pdu.NOP_OUT).immediate(true).flags(0x80).itt(itt).int32(20, Pdu.RESERVED_TAG)
                .int32(24, c.session.cmdSN()).int32(28, c.expStatSN).data(payload);
        c.send(nop);
        Pdu resp = c.receiveFor(itt, deadline, "NOP-In");
        if (resp.opcode() != Pdu.NOP_IN) {
            throw unexpected(resp, "NOP-In");
        }
        c.checkStatSN(resp);
        c.updateWindow(resp.int32(28), resp.int32(32));
        if (!Arrays.equals(resp.data(), payload)) {
            throw new IscsiProtocolException("NOP-In did not echo the ping data (RFC 7143 §11.19.5)");
        }
    }

    /**
     * Logout "close the session" (RFC 7143 §11.14), then closes the socket.
     *
     * @throws IOException on failure or a non-zero Response
     */
    public void logout() throws IOException {
        logout(0, 0);
    }

    /**
     * Logout "close the connection" (RFC 7143 §11.14.1, reason 1) of a connection of this
     * session, sent on this one; when it names this one, the socket closes after the response.
     *
     * @param cid the CID of the connection to close
     * @throws IOException on failure or a non-zero Response
     */
    public void logoutConnection(int cid) throws IOException {
        logout(1, cid);
    }

    private void logout(int reason, int cid) throws IOException {
        InitiatorConnection c = connection;
        c.requireLoggedIn();
        long deadline = c.deadline();
        int itt = c.nextItt();
        c.awaitWindow(deadline);
        Pdu req = new Pdu(Pdu.LOGOUT_REQUEST).flags(0x80 | reason).itt(itt).u16(20, cid)
                .int32(24, c.session.takeCmdSN()).int32(28, c.expStatSN);
        c.send(req);
        Pdu resp = c.receiveFor(itt, deadline, "Logout Response");
        if (resp.opcode() != Pdu.LOGOUT_RESPONSE) {
            throw unexpected(resp, "Logout Response");
        }
        c.checkStatSN(resp);
        if (reason == 0 || cid == c.cid) {
            c.loggedIn = false;
            close();
        }
        if (resp.u8(2) != 0) {
            throw new IscsiProtocolException("Logout Response code " + resp.u8(2));
        }
    }

    /**
     * Waits until the target closes this connection (end of stream or reset), discarding what it
     * still sends but Asynchronous Messages ({@link #asyncMessages()}); bounded by
     * {@link InitiatorOptions#timeout()}.
     *
     * @return true when the target closed it, false when it stayed open
     */
    public boolean closedByTarget() {
        return connection.awaitClosed(connection.deadline());
    }

    /** Closes the TCP connection without logout. */
    @Override
    public void close() {
        connection.close();
    }
}
