package org.jstgt.scsi.pr;

import java.util.List;

import org.jstgt.api.scsi.Sense;

/**
 * A unit attention a change of reservations establishes (SPC-4 §5.13.11: RESERVATIONS PREEMPTED,
 * RESERVATIONS RELEASED, REGISTRATIONS PREEMPTED) for the I_T nexuses some registrations covered.
 *
 * @param sense the unit attention
 * @param to the registrations whose I_T nexuses get it
 * @param except the I_T nexus the change came through, which gets none; null for none
 */
public record Notice(Sense sense, List<Registration> to, ItNexus except) {

    public Notice {
        to = List.copyOf(to);
    }

    /** @return true when the I_T nexus gets the unit attention */
    public boolean reaches(ItNexus n) {
        if (except != null && except.same(n)) {
            return false;
        }
        for (Registration r : to) {
            if (r.covers(n)) {
                return true;
            }
        }
        return false;
    }
}
