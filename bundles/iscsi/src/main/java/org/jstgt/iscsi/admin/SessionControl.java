package org.jstgt.iscsi.admin;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import io.netty.util.concurrent.EventExecutor;

import org.jstgt.iscsi.log.SessionMdc;
import org.jstgt.api.mgmt.ConnectionInfo;
import org.jstgt.api.mgmt.IoStats;
import org.jstgt.api.mgmt.SessionDetail;
import org.jstgt.iscsi.log.LogSafe;
import org.jstgt.iscsi.session.ConnectionPort;
import org.jstgt.iscsi.session.Session;
import org.jstgt.iscsi.session.SessionTable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A live session as an administrator sees it ({@link #detail}) and ends it ({@link #logout}).
 * Called from the shell's threads: a detail is taken on the session's event loop, where StatSN and
 * the command window live, waiting for it a bounded time; a logout only schedules, it never waits.
 */
public final class SessionControl {
    private static final Logger LOG = LoggerFactory.getLogger(SessionControl.class);
    /**
     * Seconds the initiator gets to log out after an administrator's request (Parameter3 of
     * AsyncEvent 1, RFC 7143 §11.9.1); its connections still there are closed then.
     */
    public static final int LOGOUT_SECONDS = 5;
    /** Longest wait for a session's event loop to take a detail. */
    private static final long DETAIL_WAIT_MILLIS = 2000;

    private final SessionTable sessions;

    /** @param sessions the fabric's session table */
    public SessionControl(SessionTable sessions) {
        this.sessions = sessions;
    }

    /**
     * @param tsih a TSIH
     * @return the session in detail, empty when no session has that TSIH
     */
    public Optional<SessionDetail> detail(int tsih) {
        Session s = sessions.session(tsih);
        if (s == null) {
            return Optional.empty();
        }
        EventExecutor loop = s.loop();
        if (loop == null || loop.inEventLoop()) {
            return Optional.of(onLoop(s));
        }
        try {
            return Optional.of(loop.submit(() -> onLoop(s)).get(DETAIL_WAIT_MILLIS, TimeUnit.MILLISECONDS));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException | RejectedExecutionException e) {
            // the loop is stopping or busy: what can be read from here
        }
        return Optional.of(offLoop(s));
    }

    private static SessionDetail onLoop(Session s) {
        List<ConnectionInfo> connections = new ArrayList<>();
        for (ConnectionPort c : s.connections()) {
            connections.add(c.info());
        }
        return new SessionDetail(s.info(), connections, s.window().expCmdSn() & 0xffffffffL,
                s.window().maxCmdSn() & 0xffffffffL, s.negotiated().errorRecoveryLevel(), stats(s));
    }

    /** The same without the event loop: values may be a moment old, and MaxCmdSN is the last advertised. */
    private static SessionDetail offLoop(Session s) {
        List<ConnectionInfo> connections = new ArrayList<>();
        for (ConnectionPort c : s.connections()) {
            connections.add(c.info());
        }
        return new SessionDetail(s.info(), connections, s.window().expCmdSn() & 0xffffffffL,
                s.window().advertisedMaxCmdSn() & 0xffffffffL, s.negotiated().errorRecoveryLevel(), stats(s));
    }

    /** @return the session's I/O counters */
    private static IoStats stats(Session s) {
        return s.ioStats();
    }

    /**
     * Asks a session to log out (RFC 7143 §11.9.1, AsyncEvent 1 with Parameter3 =
     * {@value #LOGOUT_SECONDS} s) on each of its connections, and closes the connections still
     * there when that time is up; nothing of the session is kept for recovery. A discovery session
     * (which takes no Asynchronous Message) is closed at once. Returns at once.
     *
     * @param tsih a TSIH
     * @return false when no session has that TSIH
     */
    public boolean logout(int tsih) {
        Session s = sessions.session(tsih);
        if (s == null) {
            return false;
        }
        s.noRecovery();
        LOG.info("session {} of {} on {}: an administrator asked it to log out; {}", tsih,
                LogSafe.of(s.initiatorName()), s.discovery() ? "discovery" : s.targetName(),
                s.discovery() ? "closing it" : "its connections close in " + LOGOUT_SECONDS + " s");
        for (ConnectionPort c : s.connections()) {
            if (s.discovery()) {
                c.close();
                continue;
            }
            c.requestLogout(LOGOUT_SECONDS);
            try {
                c.executor().schedule(SessionMdc.wrap(c.mdc(), SessionMdc.NO_LUN, c::close), LOGOUT_SECONDS,
                        TimeUnit.SECONDS);
            } catch (RejectedExecutionException e) {
                c.close(); // the event loop is stopping: nothing to wait for
            }
        }
        return true;
    }
}
