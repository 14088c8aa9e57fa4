package org.jstgt.iscsi.session;

import java.net.InetAddress;

import io.netty.buffer.ByteBufAllocator;
import io.netty.util.concurrent.EventExecutor;

import org.jstgt.api.mgmt.ConnectionInfo;

import org.jstgt.iscsi.limits.PortalLimits;
import org.jstgt.iscsi.login.Negotiated;
import org.jstgt.iscsi.pdu.Pdu;
import org.jstgt.iscsi.recovery.Retention;

/**
 * One connection of a session as the session's engines (task, task management, text, logout)
 * see it: where its PDUs go, its StatSN and transfer tags (RFC 7143 §4.2.2.2, per connection), and
 * how it is given up. Everything but {@link #requestLogout} and {@link #close} is called on the
 * connection's event loop only. Tasks keep allegiance to the connection their command came on
 * (RFC 7143 §4.2.2): their R2T, Data-In and status leave through it.
 */
public interface ConnectionPort {

    /** @return what this connection's log lines carry in the MDC ({@link org.jstgt.iscsi.log.SessionMdc}), or null */
    default org.jstgt.iscsi.log.SessionMdc.Context mdc() {
        return null;
    }

    /** @return the connection ID (CID) the initiator gave at login */
    int cid();

    /** @return the parameters in force on this connection (connection-scoped keys are its own) */
    Negotiated negotiated();

    /** @return the limits of the portal the connection came in on (text size, idle probing) */
    PortalLimits limits();

    /** @return {@code address:port} of the initiator, for the log */
    String remoteDescription();

    /** @return the initiator's address */
    InetAddress remoteAddress();

    /** @return our address on this connection (replaces wildcard portal addresses in SendTargets) */
    InetAddress localAddress();

    /** @return the connection's buffer allocator */
    ByteBufAllocator alloc();

    /** @return the connection's event loop */
    EventExecutor executor();

    /** @return true while the TCP connection is open (any thread) */
    boolean open();

    /**
     * @return true while what waits to be written stays under the channel's high water mark (any
     *     thread)
     */
    boolean writable();

    /** @return true while in the Full Feature Phase: PDUs are dispatched and answered */
    boolean fullFeature();

    /**
     * Queues a PDU; it leaves with the next flush (end of the socket read, or {@link #flushSoon}).
     *
     * @param pdu the PDU (ownership passes)
     */
    void send(Pdu pdu);

    /**
     * Queues a PDU like {@link #send(Pdu)} and runs {@code left} once it has left: written to the
     * socket, or dropped with the connection. Either way its buffers were released and are no longer
     * read. {@code left} runs on an event loop, the connection's or its channel's.
     *
     * @param pdu the PDU (ownership passes)
     * @param left what to run then, once
     */
    void send(Pdu pdu, Runnable left);

    /** @return the StatSN for a status-bearing PDU, which advances it */
    int nextStatSn();

    /** @return the StatSN the next status will carry (R2T, Data-In without status) */
    int statSn();

    /** @return a new Target Transfer Tag, never 0xffffffff (R2T, text continuation) */
    int newTargetTransferTag();

    /** Flushes after the event loop's queued tasks: completions arriving together leave in one write. */
    void flushSoon();

    /**
     * Sends a Reject (RFC 7143 §11.17) for a PDU and goes on.
     *
     * @param reason the reason code
     * @param header the rejected PDU's header
     */
    default void reject(int reason, byte[] header) {
        reject(reason, header, 0);
    }

    /**
     * Sends a Reject (RFC 7143 §11.17) with its DataSN/R2TSN field (a rejected Data/R2T SNACK:
     * the next one the target would send, §11.17.2) and goes on.
     *
     * @param reason the reason code
     * @param header the rejected PDU's header
     * @param dataSn the DataSN/R2TSN field
     */
    void reject(int reason, byte[] header, int dataSn);

    /** @return what the connection keeps for error recovery (ErrorRecoveryLevel 1), null at level 0 */
    Retention retention();

    /**
     * Rejects a PDU and gives the connection up (ErrorRecoveryLevel 0, RFC 7143 §7.1.2).
     *
     * @param pdu the offending PDU
     * @param why for the log
     */
    void protocolError(Pdu pdu, String why);

    /**
     * Handles a command PDU of this connection that the command window found due (CmdSN order
     * holds across the session's connections; each PDU is handled on the connection it came on).
     *
     * @param pdu the PDU (the caller releases it)
     */
    void deliver(Pdu pdu);

    /** A logout succeeded: the connection closes once its response left. */
    void loggedOut();

    /**
     * A logout that ends the session was accepted: the connection handles no further PDU of the
     * initiator. Its response follows once the session's cleanup completed, then {@link #loggedOut()}.
     */
    void loggingOut();

    /**
     * A logout removed the connection for recovery (RFC 7143 §11.14.1 reason 2, ErrorRecoveryLevel
     * 2): it closes once the response left and its tasks wait for a TASK REASSIGN.
     */
    void removedForRecovery();

    /**
     * Asks the initiator to log out (RFC 7143 §11.9.1, AsyncEvent 1). Any thread.
     *
     * @param seconds Parameter3: how long it has
     */
    void requestLogout(int seconds);

    /**
     * Closes the connection once what was sent so far has left, as after a logout (TARGET COLD
     * RESET, RFC 7143 §11.5.1). On the connection's event loop.
     */
    void closeWhenSent();

    /**
     * Drops this connection while its session goes on through others (RFC 7143 §11.9.1,
     * AsyncEvent 2 "connection drop" with its CID, Time2Wait the session's DefaultTime2Wait and
     * Time2Retain 0: its tasks are terminated), then closes it once that left. Any thread.
     */
    void drop();

    /** @return the name of the portal the connection came in on */
    String portalName();

    /** Closes the connection (session reinstated or dropped). Any thread. */
    void close();

    /**
     * @return the connection as {@code iscsi:session-info} shows it; on the session's event loop
     *     (its StatSN and phase live there)
     */
    ConnectionInfo info();
}
