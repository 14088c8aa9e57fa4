package org.jstgt.api.target;

import org.jstgt.api.scsi.ScsiTask;
import org.osgi.annotation.versioning.ProviderType;

/**
 * An I_T nexus (SAM-5): one initiator port logged in to one target port. Holds per-nexus state such
 * as pending unit attentions and sense for REQUEST SENSE.
 */
@ProviderType
public interface Nexus extends AutoCloseable {

    /**
     * Parses and admits a command. Non-blocking; call on the connection's thread.
     *
     * @param task the task
     * @return the prepared command, never null
     */
    PreparedCommand prepare(ScsiTask task);

    /**
     * LOGICAL UNIT RESET task management function (SAM-5 §7.8): other nexuses get a unit attention.
     *
     * @param lun the LUN
     * @return true when the LUN exists
     */
    boolean logicalUnitReset(int lun);

    /** @return the LUN numbers currently mapped for this nexus, ascending */
    int[] luns();

    /**
     * Registers the fabric's listener for the target's access rules. It is called after the
     * target's configuration changed (its {@code initiators} rule among the rest), after the
     * configuration became invalid, and after the target was removed; the fabric then asks
     * {@link ScsiTarget#allows} again for the session's connections and ends the session when it
     * is no longer admitted. It runs on the thread that applies the configuration, possibly while
     * the core holds its configuration lock: it must not block, nor call back into the core other
     * than through {@link ScsiTarget#allows}. A later call replaces the listener.
     *
     * @param listener what to run on a change
     */
    default void onAccessChange(Runnable listener) {
    }

    /** Ends the nexus (logout, connection loss). Idempotent. */
    @Override
    void close();
}
