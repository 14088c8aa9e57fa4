package org.jstgt.api.scsi;

import org.osgi.annotation.versioning.ProviderType;

/**
 * A logical unit held open for a command of another unit that reaches it (EXTENDED COPY, SPC-4
 * §6.4: the copy manager reads and writes the units its target descriptors name). While the lease
 * is open the core does not close the unit (a reconfiguration or bundle update waits for it, as for
 * a command); close it when the command ends. Closing twice is harmless.
 */
@ProviderType
public interface UnitLease extends AutoCloseable {

    /** @return the unit */
    LogicalUnit unit();

    /** @return the LUN number the unit has in the target the lease was asked through */
    int lun();

    /** @return the unit's definition (identity, read-only flag, block size) */
    LunSpec spec();

    /** Gives the unit back. */
    @Override
    void close();
}
