package org.jstgt.iscsi.session;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import org.jstgt.api.mgmt.SessionInfo;
import org.jstgt.api.target.Nexus;
import org.jstgt.iscsi.events.SessionEvents;
import org.jstgt.iscsi.limits.ConnectionLimiter;
import org.jstgt.iscsi.limits.FloodLog;
import org.jstgt.iscsi.limits.TargetLimits;
import org.jstgt.iscsi.log.LogSafe;
import org.jstgt.iscsi.login.LoginHost;
import org.jstgt.iscsi.login.LoginResult;
import org.jstgt.iscsi.login.LoginStatus;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every session of the fabric by TSIH (RFC 7143 §11.12.7: never 0), with the login rules that
 * involve other sessions: adding a connection to a session (§6.3.1) and session reinstatement
 * (§6.3.5).
 */
public final class SessionTable {
    private static final Logger LOG = LoggerFactory.getLogger(SessionTable.class);

    /**
     * The outcome of a login's admission.
     *
     * @param session the session the connection belongs to, or null when refused
     * @param answer what the final Login Response tells (TSIH and command window), or the refusal
     */
    public record Admission(Session session, LoginHost.Admission answer) {
        static Admission refused(int status) {
            return new Admission(null, LoginHost.Admission.refused(status));
        }

        static Admission of(Session s) {
            return new Admission(s, new LoginHost.Admission(s.tsih(), LoginStatus.SUCCESS, s.window().expCmdSn(),
                    s.window().maxCmdSn()));
        }
    }

    private final ConcurrentHashMap<Integer, Session> sessions = new ConcurrentHashMap<>();
    /** Sessions that ended while commands of theirs were still in the device; a reinstatement waits for them. */
    private final Set<Session> draining = ConcurrentHashMap.newKeySet();
    private int nextTsih = 1;
    /** Targets refusing sessions over sessions.max, logged once a minute each. */
    private final FloodLog<String> sessionsFull = new FloodLog<>(
            TimeUnit.SECONDS.toNanos(ConnectionLimiter.LOG_INTERVAL_SECONDS));

    /**
     * Checks a login that adds a connection to an existing session (TSIH != 0, RFC 7143 §6.3.1).
     *
     * @param tsih the TSIH the initiator sent
     * @param isid its ISID
     * @param initiatorName its name
     * @return a login status, {@link LoginStatus#SUCCESS} to go on
     */
    public int checkExistingSession(int tsih, long isid, String initiatorName) {
        Session s = sessions.get(tsih);
        if (s == null || s.isid() != isid || !s.initiatorName().equalsIgnoreCase(initiatorName)) {
            return LoginStatus.SESSION_DOES_NOT_EXIST;
        }
        return LoginStatus.SUCCESS;
    }

    /**
     * Adds a connection to the session it names (TSIH != 0, RFC 7143 §6.3.1), on the session's
     * thread ({@link Session#join}). Any thread.
     *
     * @param r what the connection's login established
     * @param connection the connection
     * @param portalTag the portal group it came in on
     * @return completes with the session joined, or the refusal
     */
    public CompletableFuture<Admission> join(LoginResult r, ConnectionPort connection, int portalTag) {
        Session s = sessions.get(r.tsih());
        if (s == null) {
            return CompletableFuture.completedFuture(Admission.refused(LoginStatus.SESSION_DOES_NOT_EXIST));
        }
        CompletableFuture<Admission> joined = new CompletableFuture<>();
        Runnable join = () -> {
            int status = s.join(r, connection, portalTag);
            joined.complete(status == LoginStatus.SUCCESS ? Admission.of(s) : Admission.refused(status));
        };
        if (!s.onLoop(join)) {
            joined.complete(Admission.refused(LoginStatus.SESSION_DOES_NOT_EXIST));
        }
        return joined;
    }

    /**
     * Creates the session at the end of a successful leading login, reinstating (ending) an
     * older one of the same initiator port and target portal group.
     *
     * @param r what the login established
     * @param connection the connection that logged in
     * @param portalName the portal it came in on
     * @param portalTag that portal's group tag
     * @return the session joined or created, or the status refusing it
     */
    public Admission admit(LoginResult r, ConnectionPort connection, String portalName, int portalTag) {
        if (r.tsih() != 0) {
            throw new IllegalArgumentException("a connection joins its session through join()");
        }
        Nexus nexus = null;
        if (!r.discovery()) {
            Session old = find(r.initiatorName(), r.isid(), r.target().iqn(), portalTag);
            if (old != null) {
                // Session reinstatement at ErrorRecoveryLevel 0 (RFC 7143 §6.3.5): end the old one.
                LOG.info("session {} of {} reinstated by a new login; closing the old one", old.tsih(),
                        LogSafe.of(r.initiatorName()));
                SessionEvents.reinstated(old.mdc(), "session reinstated by a new login");
                remove(old);
                old.connections().forEach(ConnectionPort::close);
            }
            try {
                nexus = r.target().openNexus(r.initiatorName(), Session.portName(r.initiatorName(), r.isid()),
                        Session.portName(r.target().iqn(), portalTag), portalTag);
            } catch (RuntimeException e) {
                LOG.warn("cannot open the I_T nexus for {} on {}", LogSafe.of(r.initiatorName()), r.target().iqn(), e);
                return Admission.refused(LoginStatus.TARGET_ERROR);
            }
        }
        Session s = register(r, portalName, portalTag, nexus);
        if (s == null) {
            if (nexus != null) {
                nexus.close();
            }
            // RFC 7143 §11.13.5: out of session resources (TSIHs, or the target's sessions.max).
            return Admission.refused(LoginStatus.OUT_OF_RESOURCES);
        }
        s.addConnection(connection);
        if (nexus != null) {
            AccessWatch.watch(s, this);
            if (r.settings().asyncEvents()) {
                AsyncEvents.watch(s);
            }
        }
        return Admission.of(s);
    }

    private synchronized Session register(LoginResult r, String portalName, int portalTag, Nexus nexus) {
        if (!r.discovery()) {
            int max = r.settings().maxSessions();
            long n = sessions.values().stream()
                    .filter(s -> !s.discovery() && s.targetName().equalsIgnoreCase(r.target().iqn())).count();
            if (n >= max) {
                long suppressed = sessionsFull.record(r.target().iqn(), System.nanoTime());
                if (suppressed >= 0) {
                    LOG.warn("{}: key {}: target {} has {} sessions; refusing new ones with login status 0x0302{}",
                            r.target().origin(), TargetLimits.SESSIONS_MAX.key(), r.target().iqn(), n,
                            suppressed == 0 ? "" : " (" + suppressed + " more refused since the last report)");
                }
                return null;
            }
        }
        for (int i = 0; i < 65535; i++) {
            int tsih = nextTsih;
            nextTsih = nextTsih == 65535 ? 1 : nextTsih + 1;
            if (!sessions.containsKey(tsih)) {
                Session s = new Session(tsih, r, portalName, portalTag, nexus);
                s.table(this);
                sessions.put(tsih, s);
                return s;
            }
        }
        return null;
    }

    /**
     * @param tsih a TSIH
     * @return the session, or null
     */
    public Session session(int tsih) {
        return sessions.get(tsih);
    }

    /** @param s a session that ended; it stays findable for reinstatement until {@link Session#drained()} */
    public void remove(Session s) {
        sessions.remove(s.tsih(), s);
        if (!s.discovery() && !s.drained().isDone()) {
            draining.add(s);
            s.drained().whenComplete((v, e) -> draining.remove(s));
        }
    }

    /**
     * Session reinstatement (RFC 7143 §6.3.5), before the new session is admitted: the older
     * session of the same initiator port (ISID) on the same target portal group ends, its tasks
     * aborted as by ABORT TASK SET, so that none of its commands can reach the store once the new
     * session runs. The login answers when this completes (bounded by the login timeout).
     *
     * @param r what the new login established
     * @param portalTag its portal group tag
     * @return completes when the older session's commands are gone; at once when there is none
     */
    public CompletionStage<Void> endOlderSession(LoginResult r, int portalTag) {
        if (r.tsih() != 0 || r.discovery()) {
            return CompletableFuture.completedFuture(null);
        }
        Session old = find(r.initiatorName(), r.isid(), r.target().iqn(), portalTag);
        if (old == null) {
            return CompletableFuture.completedFuture(null);
        }
        LOG.info("session {} of {} reinstated by a new login; its tasks end before the new session starts",
                old.tsih(), r.initiatorName());
        SessionEvents.reinstated(old.mdc(), "session reinstated by a new login");
        remove(old);
        return old.terminate();
    }

    /**
     * Session reinstatement (RFC 7143 §6.3.5): the session with the same initiator, ISID, target
     * and portal group.
     */
    private Session find(String initiatorName, long isid, String targetName, int tag) {
        List<Session> all = new ArrayList<>(sessions.values());
        all.addAll(draining);
        for (Session s : all) {
            if (!s.discovery() && s.isid() == isid && s.initiatorName().equalsIgnoreCase(initiatorName)
                    && s.targetName().equalsIgnoreCase(targetName) && s.portalTag() == tag) {
                return s;
            }
        }
        return null;
    }

    /** @return every session */
    public List<Session> sessions() {
        return new ArrayList<>(sessions.values());
    }

    /** @return listing rows by TSIH */
    public List<SessionInfo> infos() {
        List<SessionInfo> l = new ArrayList<>();
        for (Session s : sessions.values()) {
            l.add(s.info());
        }
        l.sort(Comparator.comparingInt(SessionInfo::tsih));
        return l;
    }
}
