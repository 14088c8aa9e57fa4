package org.jstgt.iscsi.session;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.jstgt.iscsi.log.SessionMdc;
import org.jstgt.api.target.Nexus;
import org.jstgt.api.target.ScsiTarget;
import org.jstgt.iscsi.events.ConfigEvents;
import org.jstgt.iscsi.log.BoundedSetting;
import org.jstgt.iscsi.log.LogSafe;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Ends a Normal session that its target no longer admits: when the SCSI core says the target's
 * access rules changed ({@link Nexus#onAccessChange}: ACL edited, file invalid, target removed),
 * each connection of the session is checked again with {@link ScsiTarget#allows} (initiator name
 * and that connection's address). A session no longer admitted is asked to log out (RFC 7143
 * §11.9.1, AsyncEvent 1 with Parameter3 = the target's {@value #GRACE_KEY}, default
 * {@value #DEFAULT_GRACE_SECONDS} s as when a portal closes) and its connections are closed when
 * that time is up, or at once when it is 0; other sessions see nothing. Runs on whatever thread
 * the core calls from: it only reads and schedules.
 */
final class AccessWatch implements Runnable {
    private static final Logger LOG = LoggerFactory.getLogger(AccessWatch.class);
    /** Target key: seconds a session no longer admitted gets to log out before it is closed. */
    static final String GRACE_KEY = "revoke.logout.seconds";
    static final int DEFAULT_GRACE_SECONDS = 2;
    private static final int MAX_GRACE_SECONDS = 60;

    private final Session session;
    private final SessionTable table;
    private final AtomicBoolean revoked = new AtomicBoolean();

    private AccessWatch(Session session, SessionTable table) {
        this.session = session;
        this.table = table;
    }

    /**
     * Watches a new Normal session, and checks it once now: the rules may have changed between
     * the login's ACL check and the nexus being opened.
     *
     * @param session the session (with its first connection)
     * @param table the table it is in
     */
    static void watch(Session session, SessionTable table) {
        AccessWatch w = new AccessWatch(session, table);
        session.nexus().onAccessChange(w);
        w.run();
    }

    @Override
    public void run() {
        if (revoked.get() || table.session(session.tsih()) != session) {
            return;
        }
        ScsiTarget target = session.target();
        List<ConnectionPort> refused = new ArrayList<>();
        List<ConnectionPort> all = session.connections();
        for (ConnectionPort c : all) {
            if (!target.allows(session.initiatorName(), c.remoteAddress())) {
                refused.add(c);
            }
        }
        if (refused.isEmpty()) {
            return;
        }
        if (refused.size() < all.size()) {
            // MC/S: only some of the session's connections come from addresses no longer admitted;
            // they are dropped (AsyncEvent 2), the session goes on through the others.
            LOG.info("session {} of {} on {}: {} of its connections no longer admitted ({}); dropping them",
                    session.tsih(), LogSafe.of(session.initiatorName()), target.iqn(), refused.size(), target.origin());
            refused.forEach(ConnectionPort::drop);
            return;
        }
        revoke(target, refused.get(0));
    }

    private void revoke(ScsiTarget target, ConnectionPort refused) {
        if (!revoked.compareAndSet(false, true)) {
            return;
        }
        session.noRecovery();
        int grace = grace(target);
        LOG.info("session {} of {} from {} on {}: no longer admitted ({}); {}", session.tsih(),
                LogSafe.of(session.initiatorName()), refused.remoteDescription(), target.iqn(), target.origin(),
                grace == 0 ? "closing it" : "asking it to log out within " + grace + " s");
        for (ConnectionPort c : session.connections()) {
            if (grace == 0) {
                c.close();
                continue;
            }
            c.requestLogout(grace);
            try {
                c.executor().schedule(SessionMdc.wrap(c.mdc(), SessionMdc.NO_LUN, c::close), grace, TimeUnit.SECONDS);
            } catch (RejectedExecutionException e) {
                c.close(); // the event loop is stopping: nothing to wait for
            }
        }
    }

    /** @return the target's {@value #GRACE_KEY}; a bad value is logged with file and key, the default used */
    static int grace(ScsiTarget target) {
        return BoundedSetting.read(LOG, target.origin(), GRACE_KEY, target.properties().get(GRACE_KEY), 0,
                MAX_GRACE_SECONDS, DEFAULT_GRACE_SECONDS, why -> ConfigEvents.refused(target.origin(), GRACE_KEY, why));
    }
}
