package org.jstgt.scsi.core;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import org.jstgt.api.scsi.CommandResult;
import org.jstgt.api.scsi.ScsiStatus;
import org.jstgt.api.scsi.ScsiTask;
import org.jstgt.api.scsi.SenseReason;
import org.jstgt.scsi.pr.ItNexus;
import org.jstgt.scsi.pr.Notice;
import org.jstgt.scsi.pr.Outcome;
import org.jstgt.scsi.pr.Registration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a change of reservations does beyond the state: the unit attentions it establishes on the
 * I_T nexuses that map the LU, in every target (SPC-4 §5.13.11), the aborts of PREEMPT AND ABORT
 * (§5.13.11.2.5) through the LU's task set, and, with APTPL, the wait until the state is durable;
 * the command completes on its own executor once all of that is done.
 */
final class ReservationEffects {
    private static final Logger LOG = LoggerFactory.getLogger(ReservationEffects.class);
    static final CompletionStage<CommandResult> GOOD = CompletableFuture.completedFuture(CommandResult.good());
    static final CompletionStage<CommandResult> CONFLICT = CompletableFuture.completedFuture(
            new CommandResult(ScsiStatus.RESERVATION_CONFLICT, null, 0));

    private ReservationEffects() {
    }

    /**
     * @param lun the LU
     * @param nexus the I_T nexus of the command
     * @param task the command
     * @param o what it did
     * @param abort true for PREEMPT AND ABORT: the commands of the preempted I_T nexuses on the LU are
     *     aborted, and the command completes only when they are gone
     * @return its result
     */
    static CompletionStage<CommandResult> complete(LunRuntime lun, NexusImpl nexus, ScsiTask task, Outcome o,
            boolean abort) {
        if (o.conflict()) {
            return CONFLICT;
        }
        deliver(nexus.target().maps, lun, o.notices());
        CompletableFuture<Void> gone = CompletableFuture.completedFuture(null);
        if (!o.preempted().isEmpty()) {
            int[] aborted = {0};
            if (abort) {
                // TAS 1: the preempted nexuses' commands complete with TASK ABORTED status
                gone = lun.abort(other -> {
                    boolean hit = other != nexus && covered(o.preempted(), other.itNexus);
                    aborted[0] += hit ? 1 : 0;
                    return hit;
                }, nexus);
            }
            // a node fenced by another: what a cluster's admin looks for first
            LOG.info("LUN {}: {} from {} removed {} registrations{}", lun.name,
                    abort ? "PREEMPT AND ABORT" : "PREEMPT", nexus.initiatorPortName, o.preempted().size(),
                    abort ? "; " + aborted[0] + " of their commands aborted with TASK ABORTED status" : "");
        }
        CompletableFuture<?> saved = o.waitForSave() ? o.saved().toCompletableFuture() : gone;
        CompletableFuture<Void> all = CompletableFuture.allOf(gone, saved);
        if (all.isDone() && !all.isCompletedExceptionally()) {
            return GOOD;
        }
        // the state is changed already; a save that failed (and was logged) leaves it not durable
        return all.handleAsync((v, e) -> e == null ? CommandResult.good()
                : CommandResult.checkCondition(SenseReason.INTERNAL_TARGET_FAILURE.sense()), task.executor());
    }

    /** Establishes each notice's unit attention on the I_T nexuses it reaches, under their LUN numbers. */
    static void deliver(TargetMaps maps, LunRuntime lun, List<Notice> notices) {
        for (Notice n : notices) {
            maps.raiseWhere(lun, nexus -> n.reaches(nexus.itNexus), n.sense());
        }
    }

    private static boolean covered(List<Registration> regs, ItNexus n) {
        for (Registration r : regs) {
            if (r.covers(n)) {
                return true;
            }
        }
        return false;
    }
}
