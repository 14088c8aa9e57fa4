package org.jstgt.scsi.pr;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import org.jstgt.api.scsi.ScsiStatus;

/**
 * What a reservation command did: its status (GOOD or RESERVATION CONFLICT; ILLEGAL REQUEST is a
 * {@link org.jstgt.api.scsi.ScsiException}), the state after it, the unit attentions to establish,
 * the registrations whose I_T nexuses' commands a PREEMPT AND ABORT aborts, and when the state is
 * saved.
 *
 * @param status {@link ScsiStatus#GOOD} or {@link ScsiStatus#RESERVATION_CONFLICT}
 * @param state the state after the command
 * @param notices the unit attentions to establish
 * @param preempted the registrations preempted (their I_T nexuses' commands are aborted by PREEMPT
 *     AND ABORT, SPC-4 §5.13.11.2.5)
 * @param saved completes when the state is saved (at once when nothing was to be saved), or
 *     exceptionally when the save failed
 * @param waitForSave true when the command completes only once saved: APTPL was or is set (SPC-4
 *     §5.13.5), so the state must survive a loss of power once GOOD is returned
 */
public record Outcome(int status, PrState state, List<Notice> notices, List<Registration> preempted,
        CompletionStage<Void> saved, boolean waitForSave) {
    private static final CompletionStage<Void> NOTHING = CompletableFuture.completedFuture(null);

    public Outcome {
        notices = List.copyOf(notices);
        preempted = List.copyOf(preempted);
    }

    static Outcome good(PrState s, List<Notice> notices, List<Registration> preempted) {
        return new Outcome(ScsiStatus.GOOD, s, notices, preempted, NOTHING, false);
    }

    static Outcome good(PrState s) {
        return good(s, List.of(), List.of());
    }

    static Outcome conflict(PrState unchanged) {
        return new Outcome(ScsiStatus.RESERVATION_CONFLICT, unchanged, List.of(), List.of(), NOTHING, false);
    }

    /** @return true for RESERVATION CONFLICT */
    public boolean conflict() {
        return status == ScsiStatus.RESERVATION_CONFLICT;
    }

    Outcome saving(CompletionStage<Void> stage, boolean waitFor) {
        return new Outcome(status, state, notices, preempted, stage, waitFor);
    }
}
