package org.jstgt.api.target;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

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
     * Raises the unit attention of a LOGICAL UNIT RESET (SAM-5 §7.8) on every nexus of the logical
     * unit, this one included, without aborting anything; fabrics call {@link #resetLogicalUnit(int)}.
     *
     * @param lun the LUN
     * @return true when the LUN exists
     */
    boolean logicalUnitReset(int lun);

    /**
     * LOGICAL UNIT RESET task management function (SAM-5 §7.8): aborts every task of the logical
     * unit, of every I_T nexus (held, queued in the task set or running; see
     * {@link PreparedCommand#abort()}), and once they are all gone raises BUS DEVICE RESET FUNCTION
     * OCCURRED on every nexus of the logical unit, this one included. Tasks of this nexus end with
     * {@link ScsiResult#ABORTED} (no response), those of other nexuses with
     * {@link ScsiResult#TASK_ABORTED} (TAS 1). The default only raises the unit attention.
     *
     * @param lun the LUN
     * @return completes with true when the LUN existed and its tasks are gone, false when there is
     *     no such LUN; never exceptionally
     */
    default CompletionStage<Boolean> resetLogicalUnit(int lun) {
        return CompletableFuture.completedFuture(logicalUnitReset(lun));
    }

    /**
     * CLEAR TASK SET task management function (SAM-5 §7.5; one task set per logical unit, TST
     * 000b): aborts every task of the logical unit, of every I_T nexus, as
     * {@link #resetLogicalUnit(int)} does (this nexus's tasks without a response, other nexuses'
     * with TASK ABORTED status), but without the other effects of a reset. With TAS 1 the status
     * is how the other nexuses learn of it: no unit attention is raised (COMMANDS CLEARED BY
     * ANOTHER INITIATOR belongs to TAS 0, SAM-5 §5.6).
     *
     * @param lun the LUN
     * @return completes with true when the LUN existed and its tasks are gone, false when there is
     *     no such LUN; never exceptionally
     */
    CompletionStage<Boolean> clearTaskSet(int lun);

    /**
     * A hard reset of the target (the target reset of SAM-2 §5.9.7, which iSCSI's TARGET WARM
     * RESET and TARGET COLD RESET carry, RFC 7143 §11.5.1; SAM-5 §6.3.2): a logical unit reset of
     * every logical unit the target maps, for every I_T nexus. Once every task of those units is
     * gone, every I_T nexus of the target, this one included, gets POWER ON, RESET, OR BUS DEVICE
     * RESET OCCURRED (29h/00h) on each of its LUNs. Ending the sessions (a cold reset) is the
     * fabric's part.
     *
     * @return completes when the tasks of every logical unit of the target are gone; never
     *     exceptionally
     */
    CompletionStage<Void> resetTarget();

    /**
     * The TPGS field of standard INQUIRY data (SPC-4 §6.6.2, byte 5 bits 5-4) for the logical units
     * reached through this nexus: 00b no asymmetric access, 01b implicit, 10b explicit (SET TARGET
     * PORT GROUPS), 11b both. Read from the target's configuration; no allocation.
     *
     * @return 0..3; the default, 0, reports no asymmetric logical unit access
     */
    default int targetPortGroupSupport() {
        return 0;
    }

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

    /**
     * Registers the fabric's listener for unit attention conditions raised on this nexus (SAM-5
     * §5.14), so that a transport can also report them asynchronously (iSCSI Asynchronous Message,
     * AsyncEvent 0, RFC 7143 §11.9.1). It is called once for each condition newly established, on
     * whatever thread raised it, possibly under the core's locks: it must not block nor call back
     * into the core. The condition stays pending and is still reported with the next command. A
     * later call replaces the listener.
     *
     * @param listener what to tell
     */
    default void onUnitAttention(UnitAttentionListener listener) {
    }

    /** Ends the nexus (logout, connection loss). Idempotent. */
    @Override
    void close();
}
