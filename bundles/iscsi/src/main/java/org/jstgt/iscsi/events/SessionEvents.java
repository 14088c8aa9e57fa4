package org.jstgt.iscsi.events;

import java.util.LinkedHashMap;
import java.util.Map;

import org.jstgt.iscsi.log.SessionMdc;

/**
 * The fabric's session events, for Event Admin (and so Decanter): one per login, logout,
 * reinstatement and refused authentication, posted asynchronously where the fabric logs the same
 * line. Properties: {@value #TARGET}, {@value #INITIATOR}, {@value #ISID}, {@value #TSIH},
 * {@value #PORTAL}, {@value #PEER} as far as they are known, and per topic {@value #REASON},
 * {@value #STATUS}, {@value #CID}, {@value #TYPE}; never a secret.
 *
 * <p>Without Event Admin nothing is posted: {@link EventAdminSink}, a component with an optional,
 * dynamic reference to it, plugs it in while it is there (the package import is optional too).
 */
public final class SessionEvents {
    /** A session logged in, or a connection joined one. */
    public static final String LOGIN = "org/jstgt/session/LOGIN";
    /** A session, or one of its connections, logged out. */
    public static final String LOGOUT = "org/jstgt/session/LOGOUT";
    /** A new login reinstated (ended) an older session of the same initiator port, or a connection of one. */
    public static final String REINSTATED = "org/jstgt/session/REINSTATED";
    /** A login was refused for its authentication (0x0201) or authorization (0x0202). */
    public static final String AUTH_FAILED = "org/jstgt/session/AUTH_FAILED";

    /** Property: target IQN. */
    public static final String TARGET = "target";
    /** Property: initiator name. */
    public static final String INITIATOR = "initiator";
    /** Property: ISID, 12 hex digits. */
    public static final String ISID = "isid";
    /** Property: TSIH (decimal string). */
    public static final String TSIH = "tsih";
    /** Property: portal name. */
    public static final String PORTAL = "portal";
    /** Property: initiator address:port. */
    public static final String PEER = "peer";
    /** Property: why (refusals), or what (logout of a connection or the session). */
    public static final String REASON = "reason";
    /** Property: login status, 0xSSSS. */
    public static final String STATUS = "status";
    /** Property: connection ID. */
    public static final String CID = "cid";
    /** Property: session type, normal or discovery. */
    public static final String TYPE = "type";

    private static volatile EventSink sink;

    private SessionEvents() {
    }

    /**
     * @param next where events go from now on, or null for nowhere
     */
    public static void sink(EventSink next) {
        sink = next;
    }

    /**
     * Stops posting to {@code gone} unless another sink replaced it already.
     *
     * @param gone the sink going away
     */
    public static void remove(EventSink gone) {
        if (sink == gone) {
            sink = null;
        }
    }

    /**
     * @param context the connection's context (names as far as known), or null
     * @return the properties it gives
     */
    public static Map<String, Object> properties(SessionMdc.Context context) {
        Map<String, Object> p = new LinkedHashMap<>();
        if (context != null) {
            putIf(p, TARGET, context.target());
            putIf(p, INITIATOR, context.initiator());
            putIf(p, ISID, context.isid());
            putIf(p, TSIH, context.tsih());
            putIf(p, PORTAL, context.portal());
            putIf(p, PEER, context.peer());
        }
        return p;
    }

    /**
     * @param properties the properties so far
     * @param key a key
     * @param value its value; nothing is put when null
     * @return {@code properties}
     */
    public static Map<String, Object> putIf(Map<String, Object> properties, String key, Object value) {
        if (value != null) {
            properties.put(key, value);
        }
        return properties;
    }

    /**
     * A session logged in, or a connection joined one.
     *
     * @param context the connection's context (session names set)
     * @param cid the connection ID
     * @param discovery whether it is a discovery session
     */
    public static void login(SessionMdc.Context context, int cid, boolean discovery) {
        Map<String, Object> p = properties(context);
        p.put(CID, cid);
        p.put(TYPE, discovery ? "discovery" : "normal");
        post(LOGIN, p);
    }

    /**
     * @param context the context of the connection logging out (or closed by the logout)
     * @param cid its connection ID
     * @param what {@code session}, {@code connection} or {@code recovery} (removed for recovery)
     */
    public static void logout(SessionMdc.Context context, int cid, String what) {
        Map<String, Object> p = properties(context);
        p.put(CID, cid);
        p.put(REASON, what);
        post(LOGOUT, p);
    }

    /**
     * @param context the context of the session (or connection) that ended
     * @param reason what replaced it
     */
    public static void reinstated(SessionMdc.Context context, String reason) {
        post(REINSTATED, putIf(properties(context), REASON, reason));
    }

    /**
     * @param context the connection's context
     * @param target the target the login asked for, or null
     * @param initiator the initiator name it gave, or null
     * @param isid its ISID
     * @param status the login status, 0x0201 or 0x0202
     * @param why why (never a secret: the login code words it)
     */
    public static void authFailed(SessionMdc.Context context, String target, String initiator, long isid, int status,
            String why) {
        Map<String, Object> p = properties(context);
        putIf(p, TARGET, target);
        putIf(p, INITIATOR, initiator);
        p.put(ISID, String.format("%012x", isid & 0xFFFF_FFFF_FFFFL));
        p.put(STATUS, String.format("0x%04x", status));
        p.put(REASON, why);
        post(AUTH_FAILED, p);
    }

    /**
     * Posts an event when a sink is there.
     *
     * @param topic the topic
     * @param properties its properties
     */
    public static void post(String topic, Map<String, Object> properties) {
        EventSink s = sink;
        if (s != null) {
            s.post(topic, Map.copyOf(properties));
        }
    }
}
