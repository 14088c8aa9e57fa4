package org.jstgt.api.mgmt;

import java.util.List;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * Registered by bundles that have something to list. The SCSI core provides LUNs and targets,
 * the iSCSI fabric portals and sessions; a provider returns empty lists for what it does not own.
 */
@ConsumerType
public interface ManagementView {

    /** @return LUNs */
    default List<LunInfo> luns() {
        return List.of();
    }

    /** @return targets */
    default List<TargetInfo> targets() {
        return List.of();
    }

    /** @return portals */
    default List<PortalInfo> portals() {
        return List.of();
    }

    /** @return sessions */
    default List<SessionInfo> sessions() {
        return List.of();
    }
}
