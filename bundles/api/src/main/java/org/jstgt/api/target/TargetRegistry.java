package org.jstgt.api.target;

import java.util.List;
import java.util.Optional;

import org.osgi.annotation.versioning.ProviderType;

/**
 * The SCSI core's view of configured targets, registered as an OSGi service. Lookups are lock-free
 * reads of a snapshot.
 */
@ProviderType
public interface TargetRegistry {

    /** @return all targets, sorted by IQN */
    List<ScsiTarget> targets();

    /**
     * @param iqn the target node name (compared case-insensitively, RFC 3722)
     * @return the target
     */
    Optional<ScsiTarget> target(String iqn);

    /**
     * The fabric publishes its portals with their target port groups and the groups' asymmetric
     * access states (SPC-4 §5.16): after a portal opens, closes or changes, and when the registry
     * appears. Each call replaces the previous list; all portals of one tag carry the same state.
     * A portal group the registry was never told of is active/optimized. Called on a configuration
     * thread, never on the command path; must not block.
     *
     * @param portals every portal the fabric serves
     */
    default void portalGroups(List<PortalGroup> portals) {
    }
}
