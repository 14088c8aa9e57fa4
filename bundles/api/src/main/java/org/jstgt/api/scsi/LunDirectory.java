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

    /**
     * @param lunName the LUN name
     * @return its current definition (identification for a changer's DVCID, SMC-3 §6.10.3), whether
     *     or not the unit is active; empty when no such LUN is configured
     */
    default Optional<LunSpec> spec(String lunName) {
        return Optional.empty();
    }

    /**
     * Finds a logical unit by its identifier among those the task's target maps (never a unit of
     * another target: an initiator reaches only what it could address itself), for a command that
     * names other units by designator (EXTENDED COPY identification descriptors, SPC-4 §6.4.5.2).
     *
     * @param task the command asking, whose {@link ScsiTask#targetName()} bounds the search
     * @param naaId the NAA identifier of VPD page 83h ({@link LunSpec#naaId()})
     * @return a lease on the active unit, to close when the command ends; empty when no unit of the
     *     target has that identifier or it is not active (waiting, failed, closing)
     */
    default Optional<UnitLease> lease(ScsiTask task, long naaId) {
        return Optional.empty();
    }
}
