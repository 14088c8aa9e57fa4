package org.jstgt.scsi.pr;

import java.util.ArrayList;
import java.util.List;

import org.jstgt.api.scsi.ScsiException;
import org.jstgt.api.scsi.SenseReason;

/**
 * PREEMPT and PREEMPT AND ABORT (SPC-4 §5.13.11.2.4, §5.13.11.2.5); the aborting of the preempted
 * I_T nexuses' commands is the core's, from {@link Outcome#preempted()}. Every successful preempt
 * increments PRgeneration, and the I_T nexuses whose registrations it removes get REGISTRATIONS
 * PREEMPTED. The preempting I_T nexus never preempts its own registration.
 */
final class Preempting {
    private Preempting() {
    }

    /**
     * <ul>
     * <li>No reservation, or SERVICE ACTION RESERVATION KEY not the holder's (an all registrants
     * reservation: not 0): the registrations with that key go, the reservation stays; key 0 is INVALID
     * FIELD IN PARAMETER LIST, and no registration with the key is a RESERVATION CONFLICT.</li>
     * <li>An all registrants reservation and key 0: every other registration goes, and the preempting
     * I_T nexus holds a new reservation of the command's TYPE.</li>
     * <li>The holder's key: the registrations with it go, and the preempting I_T nexus holds a new
     * reservation of the command's TYPE (the holder may preempt itself to change the type); when
     * the type changed, the other registered I_T nexuses get RESERVATIONS RELEASED.</li>
     * </ul>
     */
    static Outcome preempt(PrState s, ItNexus n, Registration mine, PrOutRequest r) throws ScsiException {
        Reservation res = s.reservation();
        long victim = r.serviceActionKey();
        boolean allRegistrants = res != null && res.type().allRegistrants();
        if (res == null || (allRegistrants ? victim != 0 : victim != res.holder().key())) {
            if (victim == 0) {
                throw PrOutRequest.invalid(8, -1, "SERVICE ACTION RESERVATION KEY 0 preempts nothing");
            }
            List<Registration> gone = withKey(s, victim, mine);
            if (gone.isEmpty()) {
                return Outcome.conflict(s);
            }
            // under an all registrants type the preempting I_T nexus stays a holder when the one kept goes
            Reservation kept = res != null && gone.contains(res.holder()) ? new Reservation(res.type(), mine) : res;
            return removed(s, n, gone, kept, List.of());
        }
        List<Registration> gone = allRegistrants ? others(s, mine) : withKey(s, victim, mine);
        List<Notice> notices = new ArrayList<>();
        if (!allRegistrants && r.type() != res.type()) {
            List<Registration> staying = new ArrayList<>(s.registrations());
            staying.removeAll(gone);
            notices.add(new Notice(SenseReason.RESERVATIONS_RELEASED.sense(), staying, n));
        }
        return removed(s, n, gone, new Reservation(r.type(), mine), notices);
    }

    private static Outcome removed(PrState s, ItNexus n, List<Registration> gone, Reservation res,
            List<Notice> more) {
        List<Registration> regs = new ArrayList<>(s.registrations());
        regs.removeAll(gone);
        List<Notice> notices = new ArrayList<>(more);
        notices.add(new Notice(SenseReason.REGISTRATIONS_PREEMPTED.sense(), gone, n));
        return Outcome.good(s.with(regs, res).bumped(), notices, gone);
    }

    private static List<Registration> withKey(PrState s, long key, Registration mine) {
        List<Registration> out = new ArrayList<>();
        for (Registration x : s.registrations()) {
            if (x.key() == key && !x.equals(mine)) {
                out.add(x);
            }
        }
        return out;
    }

    private static List<Registration> others(PrState s, Registration mine) {
        List<Registration> out = new ArrayList<>(s.registrations());
        out.remove(mine);
        return out;
    }
}
