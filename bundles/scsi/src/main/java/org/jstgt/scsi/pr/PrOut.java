package org.jstgt.scsi.pr;

import java.util.ArrayList;
import java.util.List;

import org.jstgt.api.scsi.ScsiException;
import org.jstgt.api.scsi.SenseReason;

/**
 * The service actions of PERSISTENT RESERVE OUT (SPC-4 §5.13, §6.16) as functions from a state to
 * an {@link Outcome}: RESERVE, RELEASE and CLEAR here, the registering ones in {@link Registering},
 * PREEMPT and PREEMPT AND ABORT in {@link Preempting}. A command from an unregistered I_T nexus, or
 * with a RESERVATION KEY that is not its registration's, conflicts (except REGISTER's first
 * registration and REGISTER AND IGNORE EXISTING KEY).
 */
final class PrOut {
    private PrOut() {
    }

    /**
     * @param s the state before
     * @param n the I_T nexus of the command
     * @param r the command
     * @param max the most registrations the logical unit holds
     * @return the outcome
     * @throws ScsiException ILLEGAL REQUEST for a field the state makes invalid
     */
    static Outcome apply(PrState s, ItNexus n, PrOutRequest r, int max) throws ScsiException {
        if (s.spc2Holder() != null) {
            // SPC-2 §5.5.1 (kept by SPC-4 §5.13.3, CRH 1): while a RESERVE holds the logical unit, every
            // PERSISTENT RESERVE IN and OUT conflicts, whatever its I_T nexus
            return Outcome.conflict(s);
        }
        Registration mine = s.registrationOf(n);
        switch (r.serviceAction()) {
            case PrOutRequest.REGISTER, PrOutRequest.REGISTER_AND_IGNORE_EXISTING_KEY:
                return Registering.register(s, n, mine, r, max);
            case PrOutRequest.REGISTER_AND_MOVE:
                return mine == null || mine.key() != r.key() ? Outcome.conflict(s)
                        : Registering.move(s, n, mine, r, max);
            default:
                break;
        }
        if (mine == null || mine.key() != r.key()) {
            return Outcome.conflict(s);
        }
        return switch (r.serviceAction()) {
            case PrOutRequest.RESERVE -> reserve(s, mine, r.type());
            case PrOutRequest.RELEASE -> release(s, n, mine, r.type());
            case PrOutRequest.CLEAR -> clear(s, n);
            default -> Preempting.preempt(s, n, mine, r);
        };
    }

    /**
     * SPC-4 §5.13.9: a holder asking again for the same type is GOOD; any other reservation
     * conflicts. PRgeneration does not change.
     */
    private static Outcome reserve(PrState s, Registration mine, PrType type) {
        Reservation now = s.reservation();
        if (now == null) {
            return Outcome.good(s.withReservation(new Reservation(type, mine)));
        }
        return now.heldBy(mine) && now.type() == type ? Outcome.good(s) : Outcome.conflict(s);
    }

    /**
     * SPC-4 §5.13.11.2.2: nothing to release, or not the holder: GOOD and nothing changes; the holder
     * naming another type: INVALID RELEASE OF PERSISTENT RESERVATION. Releasing a registrants only or
     * all registrants reservation tells the other registered I_T nexuses: RESERVATIONS RELEASED.
     */
    private static Outcome release(PrState s, ItNexus n, Registration mine, PrType type) throws ScsiException {
        Reservation now = s.reservation();
        if (now == null || !now.heldBy(mine)) {
            return Outcome.good(s);
        }
        if (now.type() != type) {
            throw new ScsiException(SenseReason.INVALID_RELEASE_OF_PERSISTENT_RESERVATION,
                    "TYPE " + type + " does not match " + now.type());
        }
        List<Notice> notices = new ArrayList<>();
        if (now.type().registrantsOnly() || now.type().allRegistrants()) {
            notices.add(new Notice(SenseReason.RESERVATIONS_RELEASED.sense(), s.registrations(), n));
        }
        return Outcome.good(s.withReservation(null), notices, List.of());
    }

    /**
     * SPC-4 §5.13.11.2.6: every registration and the reservation go; the other registered I_T nexuses
     * get RESERVATIONS PREEMPTED.
     */
    private static Outcome clear(PrState s, ItNexus n) {
        Notice preempted = new Notice(SenseReason.RESERVATIONS_PREEMPTED.sense(), s.registrations(), n);
        return Outcome.good(s.with(List.of(), null).bumped(), List.of(preempted), List.of());
    }

    /**
     * Removes a registration (SPC-4 §5.13.11.3): a holder of a reservation that is not an all
     * registrants one releases it, and under a registrants only type the other registered I_T
     * nexuses get RESERVATIONS RELEASED; an all registrants reservation stays while a registration
     * does.
     *
     * @param notices where the unit attention goes
     * @return the state without the registration (PRgeneration unchanged)
     */
    static PrState unregister(PrState s, ItNexus n, Registration gone, List<Notice> notices) {
        List<Registration> regs = new ArrayList<>(s.registrations());
        regs.remove(gone);
        Reservation res = s.reservation();
        if (res != null && res.heldBy(gone)) {
            if (res.type().allRegistrants()) {
                Reservation kept = res.holder().equals(gone) ? null : res;
                res = regs.isEmpty() ? null : kept == null ? new Reservation(res.type(), regs.get(0)) : kept;
            } else {
                if (res.type().registrantsOnly()) {
                    notices.add(new Notice(SenseReason.RESERVATIONS_RELEASED.sense(), regs, n));
                }
                res = null;
            }
        }
        return s.with(regs, res);
    }
}
