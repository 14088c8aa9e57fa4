package org.jstgt.scsi.pr;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import org.jstgt.api.scsi.ScsiException;
import org.jstgt.api.scsi.SenseReason;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The reservations of one logical unit. Changes are serialized by a lock of the logical unit's
 * own and publish a new immutable {@link PrState}; the command path reads the published state
 * without a lock ({@link #state()}), and when {@link PrState#idle()} (no registration, no
 * reservation) it has nothing more to do. Each change of the persistent part is handed to the
 * {@link PrStore} in order.
 */
public final class PrEngine {
    /** The registrations a logical unit holds at most (SPC-4 §6.16.2: INSUFFICIENT REGISTRATION RESOURCES). */
    public static final int MAX_REGISTRATIONS = 4096;
    private static final Logger LOG = LoggerFactory.getLogger(PrEngine.class);
    private static final CompletionStage<Void> SAVED = CompletableFuture.completedFuture(null);

    private final String lun;
    private final PrStore store;
    private final int max;
    private final Object lock = new Object();
    private volatile PrState state;

    /**
     * @param lun the LUN's configuration name
     * @param store where its state is kept; what it saved is loaded now
     */
    public PrEngine(String lun, PrStore store) {
        this(lun, store, MAX_REGISTRATIONS);
    }

    PrEngine(String lun, PrStore store, int max) {
        this.lun = lun;
        this.store = store;
        this.max = max;
        this.state = store.load(lun);
    }

    /** @return the state now; never null */
    public PrState state() {
        return state;
    }

    /** @return true when APTPL can be honoured (PTPL_C) */
    public boolean survivesRestart() {
        return store.survivesRestart();
    }

    /**
     * Runs a PERSISTENT RESERVE OUT.
     *
     * @param n the I_T nexus it came through
     * @param r the command
     * @return the outcome, its state published
     * @throws ScsiException ILLEGAL REQUEST for a field the state makes invalid; nothing changed
     */
    public Outcome persistentReserveOut(ItNexus n, PrOutRequest r) throws ScsiException {
        synchronized (lock) {
            return publish(PrOut.apply(state, n, r, max));
        }
    }

    /**
     * @param n the I_T nexus of a RESERVE(6) or RESERVE(10)
     * @return GOOD or RESERVATION CONFLICT
     */
    public Outcome reserve(ItNexus n) {
        synchronized (lock) {
            return publish(Spc2.reserve(state, n));
        }
    }

    /**
     * @param n the I_T nexus of a RELEASE(6) or RELEASE(10)
     * @return GOOD or RESERVATION CONFLICT
     */
    public Outcome release(ItNexus n) {
        synchronized (lock) {
            return publish(Spc2.release(state, n));
        }
    }

    /**
     * The I_T nexus ended: an SPC-2 reservation it held is released (SPC-2 §7.21).
     *
     * @param n the very object the nexus's commands came with: a nexus that replaced it (session
     *     reinstatement) and reserved again keeps its reservation when the old one's end comes late
     */
    public void nexusLost(ItNexus n) {
        synchronized (lock) {
            if (state.spc2Holder() == n) {
                state = state.withSpc2(null);
            }
        }
    }

    /**
     * A logical unit reset or a hard reset (SAM-5 §6.3): an SPC-2 reservation is released; persistent
     * reservations are not changed.
     */
    public void reset() {
        synchronized (lock) {
            if (state.spc2Holder() != null) {
                state = state.withSpc2(null);
            }
        }
    }

    /**
     * An administrator's recovery: every registration and reservation goes, as by a CLEAR from no I_T
     * nexus (the SPC-2 reservation too). Logged at WARN.
     *
     * @return the outcome: RESERVATIONS PREEMPTED for every registered I_T nexus
     */
    public Outcome clear() {
        synchronized (lock) {
            PrState s = state;
            LOG.warn("LUN {}: reservations cleared by an administrator ({} registrations, reservation {}, SPC-2 "
                    + "reservation {})", lun, s.registrations().size(), s.reservation(), s.spc2Holder());
            List<Notice> notices = s.registrations().isEmpty() ? List.of()
                    : List.of(new Notice(SenseReason.RESERVATIONS_PREEMPTED.sense(), s.registrations(), null));
            PrState next = s.registrations().isEmpty() && s.reservation() == null ? s.withSpc2(null)
                    : new PrState(s.generation() + 1, List.of(), null, s.aptpl(), null);
            return publish(Outcome.good(next, notices, List.of()));
        }
    }

    /** Under the lock: publishes the outcome's state and hands a changed persistent part to the store. */
    private Outcome publish(Outcome o) {
        PrState before = state;
        PrState after = o.state();
        if (after == before) {
            return o;
        }
        state = after;
        if (after.samePersistentState(before)) {
            return o;
        }
        CompletionStage<Void> saved;
        try {
            saved = store.save(lun, after);
        } catch (RuntimeException e) {
            LOG.error("LUN {}: cannot save the reservations", lun, e);
            saved = CompletableFuture.failedFuture(e);
        }
        return o.saving(saved == null ? SAVED : saved, before.aptpl() || after.aptpl());
    }
}
