package org.jstgt.iscsi;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

import org.jstgt.api.mgmt.SessionInfo;
import org.jstgt.api.target.TargetRegistry;
import org.jstgt.iscsi.security.Authenticators;
import org.jstgt.iscsi.text.PortalDirectory;

/**
 * State shared by all connections of all portals: the target registry (may come and go), the
 * serving portals, and the session table with TSIH allocation (RFC 7143 §11.12.7: never 0).
 */
final class Fabric {
    private final Supplier<TargetRegistry> registry;
    private final PortalDirectory portals;
    private final Authenticators authenticators;
    private final ConcurrentHashMap<Integer, Session> sessions = new ConcurrentHashMap<>();
    private int nextTsih = 1;

    Fabric(Supplier<TargetRegistry> registry, PortalDirectory portals) {
        this(registry, portals, new Authenticators());
    }

    Fabric(Supplier<TargetRegistry> registry, PortalDirectory portals, Authenticators authenticators) {
        this.registry = registry;
        this.portals = portals;
        this.authenticators = authenticators;
    }

    /** @return the authentication services present (whiteboard) */
    Authenticators authenticators() {
        return authenticators;
    }

    TargetRegistry registry() {
        return registry.get();
    }

    PortalDirectory portals() {
        return portals;
    }

    /**
     * @param session a session to add; its TSIH is allocated here
     * @param factory builds the session once the TSIH is known
     * @return the TSIH, or -1 when all 65535 are in use
     */
    synchronized int register(java.util.function.IntFunction<Session> factory) {
        for (int i = 0; i < 65535; i++) {
            int tsih = nextTsih;
            nextTsih = nextTsih == 65535 ? 1 : nextTsih + 1;
            if (!sessions.containsKey(tsih)) {
                sessions.put(tsih, factory.apply(tsih));
                return tsih;
            }
        }
        return -1;
    }

    Session session(int tsih) {
        return sessions.get(tsih);
    }

    void remove(Session s) {
        sessions.remove(s.tsih, s);
    }

    /**
     * Session reinstatement (RFC 7143 §6.3.5): the session with the same initiator, ISID, target
     * and portal group.
     */
    Session find(String initiatorName, long isid, String targetName, int tag) {
        for (Session s : sessions.values()) {
            if (!s.discovery && s.isid == isid && s.initiatorName().equalsIgnoreCase(initiatorName)
                    && s.targetName().equalsIgnoreCase(targetName) && s.portalTag() == tag) {
                return s;
            }
        }
        return null;
    }

    List<Session> sessions() {
        return new ArrayList<>(sessions.values());
    }

    List<SessionInfo> sessionInfos() {
        List<SessionInfo> l = new ArrayList<>();
        for (Session s : sessions.values()) {
            l.add(s.info());
        }
        l.sort(Comparator.comparingInt(SessionInfo::tsih));
        return l;
    }
}
