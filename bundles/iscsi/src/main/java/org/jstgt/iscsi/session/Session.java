package org.jstgt.iscsi.session;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

import io.netty.util.concurrent.EventExecutor;

import org.jstgt.api.mgmt.IoMeter;
import org.jstgt.api.mgmt.IoStats;
import org.jstgt.api.mgmt.SessionInfo;
import org.jstgt.api.target.Nexus;
import org.jstgt.api.target.ScsiTarget;
import org.jstgt.iscsi.events.SessionEvents;
import org.jstgt.iscsi.flow.SessionFlow;
import org.jstgt.iscsi.log.LogSafe;
import org.jstgt.iscsi.log.SessionMdc;
import org.jstgt.iscsi.login.LoginResult;
import org.jstgt.iscsi.login.LoginStatus;
import org.jstgt.iscsi.login.Negotiated;
import org.jstgt.iscsi.login.TargetSettings;
import org.jstgt.iscsi.recovery.Orphans;
import org.jstgt.iscsi.task.TaskTable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An iSCSI session (RFC 7143 §4.2.1): identity, negotiated parameters, its connections, the
 * command window shared by them, and the task table. Each task keeps allegiance to the connection
 * its command came on. Mutable state is confined to the session's event loop (every connection of
 * a session runs there); the connection list is copy-on-write so that listings, drains and
 * reinstatement can read it from other threads, and {@link #info()} reads volatile fields only.
 */
public final class Session {
    private static final Logger LOG = LoggerFactory.getLogger(Session.class);

    private final int tsih;
    private final long isid;
    private final boolean discovery;
    private final String initiatorName;
    private final String initiatorAlias;
    private final String initiatorPortName;
    private final ScsiTarget target;
    private final String targetPortName;
    private final TargetSettings settings;
    private final Negotiated negotiated;
    private final String portalName;
    private final int portalTag;
    private final Nexus nexus;
    private final CommandWindow window;
    private final TaskTable tasks;
    private final SessionFlow flow;
    private final List<ConnectionPort> connections = new CopyOnWriteArrayList<>();
    private final IoMeter meter = new IoMeter();

    private final Orphans orphans = new Orphans();
    private SessionTable table;
    /** Counts connection failures that left tasks waiting; each one's expiry ends those of its epoch. */
    private long orphanEpoch;
    /** The session is being ended on purpose: its connections' tasks are not kept for recovery. */
    private volatile boolean noRecovery;
    private int executing;
    private boolean ended;
    private boolean nexusClosed;
    /** The event loop of the session's connections (they all run on the first one's). */
    private volatile EventExecutor loop;
    /** Completes when the session ended and none of its commands remains in the device. */
    private final CompletableFuture<Void> drained = new CompletableFuture<>();

    /** How the initiator authenticated at the leading login, for listings; empty for none. */
    private final String authentication;

    /**
     * @param tsih the TSIH allocated for it
     * @param r what the leading login established
     * @param portalName the portal it came in on
     * @param portalTag that portal's group tag
     * @param nexus the I_T nexus (null for discovery)
     */
    public Session(int tsih, LoginResult r, String portalName, int portalTag, Nexus nexus) {
        this.tsih = tsih;
        this.isid = r.isid();
        this.discovery = r.discovery();
        this.initiatorName = r.initiatorName();
        this.initiatorAlias = r.initiatorAlias();
        this.initiatorPortName = portName(r.initiatorName(), r.isid());
        this.target = r.target();
        this.targetPortName = portName(targetName(), portalTag);
        this.settings = r.settings();
        this.negotiated = r.negotiated();
        this.portalName = portalName;
        this.portalTag = portalTag;
        this.nexus = nexus;
        this.window = new CommandWindow(r.expCmdSn(), settings.queueDepth());
        this.tasks = new TaskTable(window);
        this.flow = new SessionFlow(settings.flow());
        this.authentication = r.authenticated();
    }

    /** @return {@code <iqn>,i,0x<isid>} (RFC 7143 §4.2.7.4) */
    public static String portName(String initiatorName, long isid) {
        return initiatorName + ",i,0x" + String.format("%012x", isid);
    }

    /** @return {@code <iqn>,t,0x<tpgt>} (RFC 7143 §4.2.7.4) */
    public static String portName(String targetName, int portalTag) {
        return targetName + ",t,0x" + String.format("%04x", portalTag);
    }

    public int tsih() {
        return tsih;
    }

    public long isid() {
        return isid;
    }

    public boolean discovery() {
        return discovery;
    }

    public String initiatorName() {
        return initiatorName;
    }

    public String initiatorAlias() {
        return initiatorAlias;
    }

    public String initiatorPortName() {
        return initiatorPortName;
    }

    /** @return the target (null for discovery) */
    public ScsiTarget target() {
        return target;
    }

    /** @return what lines about the whole session carry in the MDC (no peer: it may have several connections) */
    public SessionMdc.Context mdc() {
        return SessionMdc.Context.connection(portalName, null).session(targetName(), initiatorName(), isid(), tsih());
    }

    public String targetName() {
        return target == null ? "" : target.iqn();
    }

    public String targetPortName() {
        return targetPortName;
    }

    public String portalName() {
        return portalName;
    }

    public int portalTag() {
        return portalTag;
    }

    public TargetSettings settings() {
        return settings;
    }

    /** @return the session-wide parameters (connection-scoped ones: {@link ConnectionPort#negotiated()}) */
    public Negotiated negotiated() {
        return negotiated;
    }

    /** @return the I_T nexus, null for discovery */
    public Nexus nexus() {
        return nexus;
    }

    public CommandWindow window() {
        return window;
    }

    public TaskTable tasks() {
        return tasks;
    }

    /** @return the session's write data budget and immediate command count */
    public SessionFlow flow() {
        return flow;
    }

    /** @return the I/O counters of the session's SCSI commands (recorded where each is answered) */
    public IoMeter meter() {
        return meter;
    }

    /** @return the session's I/O counters now, with its tasks as in flight; any thread */
    public IoStats ioStats() {
        return meter.snapshot(tasks.size());
    }

    // ---- connections

    /** @param c a connection that logged in to the session */
    public void addConnection(ConnectionPort c) {
        if (loop == null) {
            loop = c.executor();
        }
        connections.add(c);
    }

    /** @return the session's connections (a snapshot; any thread) */
    public List<ConnectionPort> connections() {
        return connections;
    }

    /**
     * @param cid a connection ID
     * @return the session's connection with it, or null
     */
    public ConnectionPort connection(int cid) {
        for (ConnectionPort c : connections) {
            if (c.cid() == cid) {
                return c;
            }
        }
        return null;
    }

    /** @return the session's event loop (its state is confined there), null before its first connection */
    public EventExecutor loop() {
        return loop;
    }

    /**
     * Runs on the session's event loop: at once when called there, else as a task of it.
     *
     * @param r what to run
     * @return false when the loop is gone (nothing ran)
     */
    public boolean onLoop(Runnable r) {
        EventExecutor l = loop;
        if (l == null || l.inEventLoop()) {
            r.run();
            return true;
        }
        try {
            l.execute(r);
            return true;
        } catch (RejectedExecutionException e) {
            return false;
        }
    }

    /**
     * A connection joins the session (RFC 7143 §6.3.1), on the session's event loop. It must come
     * from the same initiator port (InitiatorName and ISID) for the same target, through the same
     * portal group (§4.2.1); MaxConnections bounds the session (§13.2). A connection with the CID
     * of one already in the session replaces it (connection reinstatement, §6.3.4): the old one
     * closes and its tasks are aborted (ErrorRecoveryLevel below 2: nothing can take them over).
     *
     * @param r what the connection's login established
     * @param c the connection
     * @param tag the portal group tag it came in on
     * @return {@link LoginStatus#SUCCESS}, or the login status refusing it
     */
    public int join(LoginResult r, ConnectionPort c, int tag) {
        if (ended || !c.open()) {
            return LoginStatus.SESSION_DOES_NOT_EXIST;
        }
        if (r.isid() != isid || !r.initiatorName().equalsIgnoreCase(initiatorName) || r.discovery() != discovery
                || !discovery && !r.target().iqn().equalsIgnoreCase(targetName()) || tag != portalTag) {
            LOG.info("{}: login to join session {} of {} refused: it is for another target, session type or portal "
                    + "group (RFC 7143 §4.2.1)", c.remoteDescription(), tsih, LogSafe.of(initiatorName));
            return LoginStatus.SESSION_DOES_NOT_EXIST;
        }
        ConnectionPort old = connection(r.cid());
        int others = connections.size() - (old == null ? 0 : 1);
        if (others >= negotiated.maxConnections()) {
            return LoginStatus.TOO_MANY_CONNECTIONS;
        }
        if (old != null) {
            LOG.info("connection {} (CID {}) of session {} reinstated by a login from {}; closing the old one",
                    old.remoteDescription(), r.cid(), tsih, c.remoteDescription());
            SessionEvents.reinstated(old.mdc(), "connection reinstated by a login from " + c.remoteDescription());
            connectionLost(old, true); // at ErrorRecoveryLevel 2 its tasks wait for a TASK REASSIGN
            old.close();
        }
        connections.add(c);
        return LoginStatus.SUCCESS;
    }

    /**
     * A connection went away: its tasks are aborted (connection allegiance: at ErrorRecoveryLevel
     * below 2 no other connection can take them over, RFC 7143 §7.1.5), and the session goes on
     * while another connection remains. Idempotent; on the session's event loop.
     *
     * @param c the connection
     * @return true when it was the last: the session is over
     */
    public boolean connectionLost(ConnectionPort c) {
        return connectionLost(c, false);
    }

    /**
     * A connection went away. When it failed (not logged out) at ErrorRecoveryLevel 2, its tasks
     * and its answered but unacknowledged commands wait for a TASK REASSIGN on another connection
     * for DefaultTime2Wait + DefaultTime2Retain (RFC 7143 §7.2.2, §13.15, §13.16), and the session
     * waits as long for a connection even when it had no other; else see {@link #connectionLost(ConnectionPort)}.
     *
     * @param c the connection
     * @param failed true when it failed or was removed for recovery, false when logged out
     * @return true when the session is over
     */
    public boolean connectionLost(ConnectionPort c, boolean failed) {
        if (!connections.remove(c)) {
            return false;
        }
        if (failed && recoverable() && !noRecovery && loop != null) {
            long epoch = ++orphanEpoch;
            tasks.orphan(c, epoch);
            if (c.retention() != null) {
                orphans.adopt(c.retention(), epoch);
            }
            expireOrphansLater(epoch);
            return false;
        }
        tasks.connectionLost(c);
        if (connections.isEmpty()) {
            return true;
        }
        if (!noRecovery && !discovery) {
            GapWatch.start(this); // commands sent on c may never come: a CmdSN gap would stall the others
        }
        return false;
    }

    /** @return true when a failed connection's tasks can be reassigned (ErrorRecoveryLevel 2, Time2Retain > 0) */
    public boolean recoverable() {
        return negotiated.errorRecoveryLevel() >= 2 && negotiated.defaultTime2Retain() > 0;
    }

    /** @return the answered commands of failed connections, for TASK REASSIGN (ErrorRecoveryLevel 2) */
    public Orphans orphans() {
        return orphans;
    }

    /** Ends, once DefaultTime2Wait + DefaultTime2Retain passed, what no TASK REASSIGN took over. */
    private void expireOrphansLater(long epoch) {
        long seconds = (long) negotiated.defaultTime2Wait() + negotiated.defaultTime2Retain();
        EventExecutor l = loop;
        if (l == null) {
            return;
        }
        try {
            l.schedule(SessionMdc.wrap(mdc(), SessionMdc.NO_LUN, () -> {
                int left = tasks.abortOrphansBefore(epoch) + orphans.expireBefore(epoch);
                if (connections.isEmpty() && !ended && left == 0 && table != null) {
                    LOG.info("session {} of {}: no connection came back within {} s (DefaultTime2Wait + "
                            + "DefaultTime2Retain); ending it", tsih, LogSafe.of(initiatorName), seconds);
                    table.remove(this);
                    end();
                }
            }), seconds, TimeUnit.SECONDS);
        } catch (RejectedExecutionException e) {
            // the event loop is stopping: the session ends with it
        }
    }

    /**
     * The session's connections are about to be closed on purpose (reinstatement, access revoked,
     * TARGET COLD RESET): nothing of them waits for a TASK REASSIGN. Any thread.
     */
    public void noRecovery() {
        noRecovery = true;
    }

    /** @param t the table the session is in (it removes itself when it expires) */
    void table(SessionTable t) {
        this.table = t;
    }

    // ---- execution and the nexus

    /** A command went to the device. */
    public void executionStarted() {
        executing++;
    }

    /** A command came back from the device. */
    public void executionEnded() {
        executing--;
        closeNexusWhenIdle();
    }

    /**
     * The session is over: queued commands are released, the tasks still in the SCSI core are
     * aborted (at ErrorRecoveryLevel 0 nothing can take them over, so one held for its provider or
     * queued in a task set must not run later), and the nexus closes once nothing executes.
     */
    public void end() {
        if (ended) {
            return;
        }
        ended = true;
        window.release();
        orphans.clear();
        tasks.abortWhere(t -> true);
        flow.writeBudget().clear();
        closeNexusWhenIdle();
    }

    /**
     * The session is closed by a Logout (RFC 7143 §11.14): it leaves the table and ends now, so that
     * the Logout Response, which tells the initiator that the cleanup is complete (§11.15), can wait
     * until its I_T nexus ended (an SPC-2 reservation released, SPC-2 §7.21): an initiator that logs
     * in again, or another one, then finds it gone. On the session's loop.
     *
     * @return {@link #drained()}: completes when none of its commands remains in the device
     */
    public CompletableFuture<Void> logout() {
        noRecovery = true;
        if (table != null) {
            table.remove(this);
        }
        end();
        return drained;
    }

    /** @return true once {@link #end()} ran */
    public boolean ended() {
        return ended;
    }

    private void closeNexusWhenIdle() {
        if (!ended || executing != 0) {
            return;
        }
        if (nexus != null && !nexusClosed) {
            nexusClosed = true;
            nexus.close();
        }
        drained.complete(null);
    }

    /** @return completes (any thread) when the session ended and none of its commands remains in the device */
    public CompletableFuture<Void> drained() {
        return drained;
    }

    /**
     * Ends the session for a reinstatement (RFC 7143 §6.3.5): on its event loop, every task is
     * aborted (those held or queued in the SCSI core never run) and its connections close. Any
     * thread.
     *
     * @return completes when none of its commands remains in the device ({@link #drained()})
     */
    public CompletableFuture<Void> terminate() {
        noRecovery = true;
        Runnable end = SessionMdc.wrap(mdc(), SessionMdc.NO_LUN, () -> {
            tasks.abortWhere(t -> true);
            connections.forEach(ConnectionPort::close);
        });
        EventExecutor l = loop;
        if (l == null || l.inEventLoop()) {
            end.run();
        } else {
            try {
                l.execute(end);
            } catch (RejectedExecutionException e) {
                // its event loop is gone: nothing else touches the session's state any more
                end.run();
            }
        }
        return drained;
    }

    /** @return a listing row */
    public SessionInfo info() {
        List<String> neg = new ArrayList<>();
        negotiated.values().forEach((k, v) -> neg.add(k + "=" + v));
        List<String> remotes = new ArrayList<>();
        for (ConnectionPort c : connections) {
            remotes.add(c.remoteDescription());
        }
        return new SessionInfo(tsih, discovery ? "Discovery" : "Normal", initiatorName, String.format("%012x", isid),
                targetName(), portalTag, remotes, tasks.size(), neg, authentication);
    }
}
