package org.jstgt.api.scsi;

import java.util.Optional;

import org.osgi.annotation.versioning.ProviderType;

/**
 * The logical units the core runs, by LUN name ({@code etc/jstgt.lun-<name>.cfg}), for a unit that
 * drives others (a media changer loads cartridges into tape drives served by another bundle).
 * Lookups resolve at call time, so a unit replaced by a bundle update or reconfiguration is found
 * in its new incarnation; keep the name, not the unit.
 */
@ProviderType
public interface LunDirectory {

    /**
     * @param lunName the LUN name
     * @return the active unit of that name, or empty when it is unknown, waiting for a provider, or
     *     failed
     */
    Optional<LogicalUnit> unit(String lunName);
}
