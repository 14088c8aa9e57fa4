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
}
