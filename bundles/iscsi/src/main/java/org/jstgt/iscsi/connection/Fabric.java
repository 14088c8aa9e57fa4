package org.jstgt.iscsi.connection;

import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import org.jstgt.api.mgmt.SessionInfo;
import org.jstgt.api.target.TargetRegistry;
import org.jstgt.iscsi.limits.FloodLog;
import org.jstgt.iscsi.security.Authenticators;
import org.jstgt.iscsi.security.DiscoveryPolicy;
import org.jstgt.iscsi.session.SessionTable;
import org.jstgt.iscsi.text.PortalDirectory;

/**
 * State shared by all connections of all portals: the target registry (may come and go), the
 * serving portals, the authentication services, the discovery policy and the session table.
 */
public final class Fabric {
    private final Supplier<TargetRegistry> registry;
    private final PortalDirectory portals;
    private final Authenticators authenticators;
    private final SessionTable sessions = new SessionTable();
    /** Refused logins are logged once a minute per initiator address and status (floods). */
    private final FloodLog<String> loginRefusals = new FloodLog<>(TimeUnit.MINUTES.toNanos(1));
    private volatile DiscoveryPolicy discovery = DiscoveryPolicy.defaults();

    /**
     * @param registry the target registry, or null while the SCSI core is absent
     * @param portals the serving portals
     */
    public Fabric(Supplier<TargetRegistry> registry, PortalDirectory portals) {
        this(registry, portals, new Authenticators());
    }

    /**
     * @param registry the target registry, or null while the SCSI core is absent
     * @param portals the serving portals
     * @param authenticators the authentication services present
     */
    public Fabric(Supplier<TargetRegistry> registry, PortalDirectory portals, Authenticators authenticators) {
        this.registry = registry;
        this.portals = portals;
        this.authenticators = authenticators;
    }

    /** @return the target registry, or null while the SCSI core is absent */
    public TargetRegistry registry() {
        return registry.get();
    }

    Supplier<TargetRegistry> registrySupplier() {
        return registry;
    }

    /** @return the serving portals */
    public PortalDirectory portals() {
        return portals;
    }

    /** @return the authentication services present (whiteboard) */
    public Authenticators authenticators() {
        return authenticators;
    }

    /** @return the discovery policy in force: each discovery login reads it once, when it starts */
    public DiscoveryPolicy discoveryPolicy() {
        return discovery;
    }

    /** @param policy the discovery policy for the discovery logins that start from now on */
    public void discoveryPolicy(DiscoveryPolicy policy) {
        discovery = policy;
    }

    /** @return which refused logins are worth a log line (per initiator address and status) */
    public FloodLog<String> loginRefusals() {
        return loginRefusals;
    }

    /** @return every session */
    public SessionTable sessions() {
        return sessions;
    }

    /** @return listing rows by TSIH */
    public List<SessionInfo> sessionInfos() {
        return sessions.infos();
    }
}
