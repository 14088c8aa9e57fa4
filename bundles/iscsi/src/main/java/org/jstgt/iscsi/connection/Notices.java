package org.jstgt.iscsi.connection;

import io.netty.buffer.Unpooled;

import org.jstgt.iscsi.pdu.AsyncMessage;
import org.jstgt.iscsi.session.CommandWindow;
import org.jstgt.iscsi.session.Session;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Asynchronous Messages a connection sends on the target's own initiative (RFC 7143 §11.9.1):
 * a logout request (AsyncEvent 1) and a connection drop notice (AsyncEvent 2). Each is sent on the
 * session's event loop, where StatSN and the command window live, once the full feature handler
 * serves the connection (before, the connection is just closed).
 */
final class Notices {
    private static final Logger LOG = LoggerFactory.getLogger(Notices.class);

    private Notices() {
    }

    /**
     * Asks the initiator to log out within {@code seconds} (Parameter3). Any thread.
     *
     * @param c the connection
     * @param s its session
     * @param seconds how long it has
     */
    static void requestLogout(Connection c, Session s, int seconds) {
        s.onLoop(() -> {
            if (c.fullFeature() && !s.discovery()) {
                CommandWindow w = s.window();
                c.send(new AsyncMessage(0, c.nextStatSn(), w.expCmdSn(), w.maxCmdSn(),
                        AsyncMessage.EVENT_LOGOUT_REQUESTED, 0, 0, 0, seconds, Unpooled.EMPTY_BUFFER));
                c.flush();
            }
        });
    }

    /**
     * Drops the connection while its session goes on: AsyncEvent 2 with its CID, Time2Wait and
     * Time2Retain (0 unless its tasks wait for a TASK REASSIGN), then a close once it left. Any thread.
     *
     * @param c the connection
     * @param s its session
     */
    static void drop(Connection c, Session s) {
        s.onLoop(() -> {
            if (!c.fullFeature()) {
                c.close();
                return;
            }
            LOG.info("connection {} (CID {}) of session {}: dropped, the session goes on through its other "
                    + "connections", c.remoteDescription(), c.cid(), s.tsih());
            CommandWindow w = s.window();
            c.send(new AsyncMessage(0, c.nextStatSn(), w.expCmdSn(), w.maxCmdSn(), AsyncMessage.EVENT_CONNECTION_DROP,
                    0, c.cid(), s.negotiated().defaultTime2Wait(),
                    s.recoverable() ? s.negotiated().defaultTime2Retain() : 0, Unpooled.EMPTY_BUFFER));
            c.closeWhenSent();
        });
    }
}
