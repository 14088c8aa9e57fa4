package org.jstgt.iscsi.session;

import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

import io.netty.util.concurrent.EventExecutor;

import org.jstgt.iscsi.log.SessionMdc;
import org.jstgt.iscsi.log.LogSafe;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches a session that lost a connection while others remain, below ErrorRecoveryLevel 2
 * (MC/S): a command the initiator sent on the lost connection that never arrived leaves a CmdSN
 * gap, and every later command of the other connections waits behind it (RFC 7143 §4.2.2.1).
 * Only an ABORT TASK naming its CmdSN (§11.5.1) or a retry can fill it; retrying on another
 * connection needs level 2. When commands wait behind an ExpCmdSN that does not move at two checks
 * in a row, {@link #INTERVAL_SECONDS} s apart, the session is ended (its connections closed), so
 * that the initiator recovers it (session reinstatement) instead of waiting forever. The watch
 * stops after {@link #CHECKS} checks. On the session's event loop.
 */
final class GapWatch {
    private static final Logger LOG = LoggerFactory.getLogger(GapWatch.class);
    static final int INTERVAL_SECONDS = 5;
    static final int CHECKS = 12;

    private final Session session;
    private int expCmdSn;
    private int left = CHECKS;
    private int stalled;

    private GapWatch(Session session) {
        this.session = session;
        this.expCmdSn = session.window().expCmdSn();
    }

    /** @param session a session that just lost a connection and goes on through others */
    static void start(Session session) {
        new GapWatch(session).later();
    }

    private void later() {
        EventExecutor l = session.loop();
        if (l == null) {
            return;
        }
        try {
            l.schedule(SessionMdc.wrap(session.mdc(), SessionMdc.NO_LUN, this::check), INTERVAL_SECONDS, TimeUnit.SECONDS);
        } catch (RejectedExecutionException e) {
            // the event loop is stopping: so is the session
        }
    }

    private void check() {
        if (session.ended()) {
            return;
        }
        CommandWindow w = session.window();
        boolean waiting = w.queuedCount() > 0 && w.expCmdSn() == expCmdSn;
        expCmdSn = w.expCmdSn();
        stalled = waiting ? stalled + 1 : 0;
        if (stalled >= 2) {
            LOG.warn("session {} of {}: {} command(s) wait behind CmdSN {}, which a lost connection never "
                    + "delivered, for {} s; ending the session so that the initiator recovers it", session.tsih(),
                    LogSafe.of(session.initiatorName()), w.queuedCount(), expCmdSn, 2 * INTERVAL_SECONDS);
            session.noRecovery();
            session.connections().forEach(ConnectionPort::close);
            return;
        }
        if (--left > 0) {
            later();
        }
    }
}
