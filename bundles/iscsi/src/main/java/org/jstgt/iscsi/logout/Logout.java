package org.jstgt.iscsi.logout;

import org.jstgt.iscsi.events.SessionEvents;
import org.jstgt.iscsi.log.LogSafe;
import org.jstgt.iscsi.pdu.LogoutRequest;
import org.jstgt.iscsi.pdu.LogoutResponse;
import org.jstgt.iscsi.pdu.RejectReason;
import org.jstgt.iscsi.session.ConnectionPort;
import org.jstgt.iscsi.session.Session;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Logout requests (RFC 7143 §11.14, §11.15): closing the session ends every connection of it,
 * closing a connection ends the one named, which may be another connection of the session (the
 * response then comes on this one, which stays); removing a connection for recovery needs
 * ErrorRecoveryLevel 2 and is refused. A logout that ends the session is answered once the
 * session's cleanup is complete: its commands terminated and its I_T nexus ended.
 */
public final class Logout {
    private static final Logger LOG = LoggerFactory.getLogger(Logout.class);

    private final ConnectionPort port;
    private final Session session;

    /**
     * @param port the connection the requests come on
     * @param session its session
     */
    public Logout(ConnectionPort port, Session session) {
        this.port = port;
        this.session = session;
    }

    /**
     * Answers one request.
     *
     * @param req the request (the caller releases it)
     */
    public void request(LogoutRequest req) {
        int response;
        ConnectionPort named = req.reason() == LogoutRequest.CLOSE_SESSION ? port : session.connection(req.cid());
        boolean recovery = req.reason() == LogoutRequest.REMOVE_FOR_RECOVERY;
        switch (req.reason()) {
            case LogoutRequest.CLOSE_SESSION -> response = LogoutResponse.SUCCESS;
            case LogoutRequest.CLOSE_CONNECTION -> response = named != null ? LogoutResponse.SUCCESS
                    : LogoutResponse.CID_NOT_FOUND;
            // connection recovery needs ErrorRecoveryLevel 2 (RFC 7143 §11.15.1, §7.2.2)
            case LogoutRequest.REMOVE_FOR_RECOVERY -> response = !session.recoverable()
                    ? LogoutResponse.RECOVERY_NOT_SUPPORTED
                    : named != null ? LogoutResponse.SUCCESS : LogoutResponse.CID_NOT_FOUND;
            default -> {
                port.reject(RejectReason.INVALID_PDU_FIELD, req.header());
                return;
            }
        }
        if (response == LogoutResponse.SUCCESS && endsSession(req.reason(), named)) {
            endSession(req);
            return;
        }
        // Time2Wait and Time2Retain say how long the tasks of a connection removed for recovery wait
        boolean keeps = recovery && response == LogoutResponse.SUCCESS;
        port.send(new LogoutResponse(response, req.itt(), port.nextStatSn(), session.window().expCmdSn(),
                session.window().maxCmdSn(), keeps ? session.negotiated().defaultTime2Wait() : 0,
                keeps ? session.negotiated().defaultTime2Retain() : 0));
        if (response != LogoutResponse.SUCCESS) {
            return;
        }
        LOG.info("connection {} (CID {}) of session {} logged out", named.remoteDescription(), named.cid(),
                session.tsih());
        SessionEvents.logout(named.mdc(), named.cid(), recovery ? "recovery" : "connection");
        if (named != port) {
            // RFC 7143 §11.14.1: the connection named closes; the one that asked goes on
            if (recovery) {
                named.removedForRecovery();
            } else {
                named.loggedOut();
            }
            return;
        }
        if (recovery) {
            port.removedForRecovery();
        } else {
            port.loggedOut();
        }
    }

    /**
     * @return true when the logout ends the session: it closes the session, or closes the session's
     *     last connection (not for recovery)
     */
    private boolean endsSession(int reason, ConnectionPort named) {
        return reason == LogoutRequest.CLOSE_SESSION
                || reason == LogoutRequest.CLOSE_CONNECTION && named == port && session.connections().size() == 1;
    }

    /**
     * RFC 7143 §11.14: the session's commands are terminated and its I_T nexus ends first; the
     * Logout Response, which says that the cleanup is complete (§11.15), leaves once none of its
     * commands remains in the device. So an SPC-2 reservation of the session is already released
     * when the initiator learns that it logged out, and a login that follows finds the LU free.
     */
    private void endSession(LogoutRequest req) {
        int expCmdSn = session.window().expCmdSn();
        int maxCmdSn = session.window().maxCmdSn();
        if (req.reason() == LogoutRequest.CLOSE_SESSION) {
            LOG.info("session {} of {} logged out", session.tsih(), LogSafe.of(session.initiatorName()));
            SessionEvents.logout(port.mdc(), port.cid(), "session");
        } else {
            LOG.info("connection {} (CID {}) of session {} logged out", port.remoteDescription(), port.cid(),
                    session.tsih());
            SessionEvents.logout(port.mdc(), port.cid(), "connection");
        }
        port.loggingOut();
        for (ConnectionPort other : session.connections()) {
            if (other != port) {
                other.close();
            }
        }
        int itt = req.itt();
        session.logout().whenComplete((v, e) -> {
            Runnable answer = () -> {
                if (port.open()) {
                    port.send(new LogoutResponse(LogoutResponse.SUCCESS, itt, port.nextStatSn(), expCmdSn, maxCmdSn,
                            0, 0));
                    port.loggedOut();
                }
            };
            if (port.executor().inEventLoop()) {
                answer.run();
            } else {
                port.executor().execute(answer);
            }
        });
    }
}
