package org.jstgt.api.target;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import org.jstgt.api.scsi.DataDirection;

/**
 * A command the SCSI core has parsed and admitted. Either it already has a result (bad CDB, unit
 * attention, unknown LUN: no data phase, send the result), or the fabric runs the data-out phase
 * for {@link #transferLength()} bytes and then calls {@link #execute()}.
 */
public interface PreparedCommand {

    /** @return the result when the command ended at parse time, else null */
    ScsiResult immediateResult();

    /** @return data direction (NONE when {@link #immediateResult()} is not null) */
    DataDirection direction();

    /** @return bytes the device will transfer (see {@code CommandDescriptor#transferLength()}) */
    int transferLength();

    /**
     * Runs the command; called at most once, after all Data-Out bytes are in the task. Never
     * completes exceptionally: failures are CHECK CONDITION results. The stage may complete on
     * another thread.
     *
     * @return the result
     */
    CompletionStage<ScsiResult> execute();

    /**
     * Called instead of {@link #execute()} when the fabric drops the command (connection lost,
     * ABORT TASK before the data phase ended).
     */
    default void abandon() {
    }

    /**
     * Aborts the command for its own I_T nexus (ABORT TASK, ABORT TASK SET, a reset the nexus asked
     * for, session reinstatement; SAM-5 §5.6). A command held or queued in the task set is removed
     * and never runs; one not executed yet never runs ({@link #execute()} then completes at once
     * with {@link ScsiResult#ABORTED}); one running completes in the device. Either way the stage
     * of {@link #execute()} completes with {@link ScsiResult#ABORTED} once the command can no
     * longer touch the store. Idempotent; any thread. (A command aborted by another nexus's action
     * ends the same way, but with {@link ScsiResult#TASK_ABORTED}, which the fabric sends.)
     *
     * <p>The default, for commands that cannot be stopped, does nothing and completes at once: a
     * fabric waits for the stage of {@link #execute()} as well before it reports the task gone.
     *
     * @return completes (never exceptionally) when the command can no longer touch the store
     */
    default CompletionStage<Void> abort() {
        return CompletableFuture.completedFuture(null);
    }
}
