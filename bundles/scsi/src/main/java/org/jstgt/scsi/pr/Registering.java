package org.jstgt.scsi.pr;

import java.util.ArrayList;
import java.util.List;

import org.jstgt.api.scsi.ScsiException;
import org.jstgt.api.scsi.SenseReason;

/**
 * REGISTER, REGISTER AND IGNORE EXISTING KEY (SPC-4 §5.13.7) and REGISTER AND MOVE (§5.13.8). Each
 * successful one increments PRgeneration and takes its APTPL as the logical unit's (§5.13.5).
 */
final class Registering {
    private Registering() {
    }

    /**
     * An unregistered I_T nexus registers (with SPEC_I_PT, the I_T nexuses of its TransportIDs
     * through the same target port too; with ALL_TG_PT, through every target port); a registered one
     * changes its key, or with SERVICE ACTION RESERVATION KEY 0 unregisters. REGISTER checks
     * RESERVATION KEY: 0 for an unregistered I_T nexus, its key for a registered one.
     */
    static Outcome register(PrState s, ItNexus n, Registration mine, PrOutRequest r, int max) throws ScsiException {
        boolean ignoreKey = r.serviceAction() == PrOutRequest.REGISTER_AND_IGNORE_EXISTING_KEY;
        if (mine == null) {
            if (!ignoreKey && r.key() != 0) {
                return Outcome.conflict(s);
            }
            if (r.serviceActionKey() == 0) {
                // nothing to register and nothing to remove: GOOD, nothing changes
                return Outcome.good(s);
            }
            Registration own = Registration.of(r.serviceActionKey(), n, r.allTargetPorts());
            if (overlaps(s.registrations(), own)) {
                // ALL_TG_PT over a registration this initiator port holds through another target port
                return Outcome.conflict(s);
            }
            List<Registration> added = new ArrayList<>();
            added.add(own);
            for (TransportId id : r.transportIds()) {
                Registration other = new Registration(r.serviceActionKey(), id.initiatorName(), id.isid(),
                        own.targetPort(), own.relativeTargetPortId());
                // an I_T nexus registered already (or named twice) keeps its registration
                if (!overlaps(added, other) && !overlaps(s.registrations(), other)) {
                    added.add(other);
                }
            }
            if (s.registrations().size() + added.size() > max) {
                throw new ScsiException(SenseReason.INSUFFICIENT_REGISTRATION_RESOURCES,
                        added.size() + " registrations asked, " + s.registrations().size() + " of " + max + " held");
            }
            List<Registration> regs = new ArrayList<>(s.registrations());
            regs.addAll(added);
            return Outcome.good(s.with(regs, s.reservation()).withAptpl(r.aptpl()).bumped());
        }
        if (!ignoreKey && r.key() != mine.key()) {
            return Outcome.conflict(s);
        }
        if (r.specifyInitiatorPorts()) {
            // SPC-4 §5.13.7, the table of REGISTER behaviours: SPEC_I_PT from a registered I_T nexus
            throw new ScsiException(SenseReason.INVALID_FIELD_IN_CDB, "SPEC_I_PT from a registered I_T nexus");
        }
        List<Notice> notices = new ArrayList<>();
        PrState next = r.serviceActionKey() == 0 ? PrOut.unregister(s, n, mine, notices)
                : s.replaced(mine, mine.withKey(r.serviceActionKey()));
        return Outcome.good(next.withAptpl(r.aptpl()).bumped(), notices, List.of());
    }

    /**
     * The holder of a reservation that is not an all registrants one registers another I_T nexus
     * (its TransportID through the target port of RELATIVE TARGET PORT IDENTIFIER) with SERVICE
     * ACTION RESERVATION KEY, or changes that nexus's key, and moves the reservation to it; with
     * UNREG it unregisters itself. No reservation: INVALID FIELD IN CDB; not the holder or an all
     * registrants reservation: RESERVATION CONFLICT; key 0 or its own initiator port: INVALID FIELD IN
     * PARAMETER LIST.
     */
    static Outcome move(PrState s, ItNexus n, Registration mine, PrOutRequest r, int max) throws ScsiException {
        Reservation res = s.reservation();
        if (res == null) {
            throw new ScsiException(SenseReason.INVALID_FIELD_IN_CDB, "REGISTER AND MOVE without a reservation");
        }
        if (!res.heldBy(mine) || res.type().allRegistrants()) {
            return Outcome.conflict(s);
        }
        if (r.serviceActionKey() == 0) {
            throw PrOutRequest.invalid(8, -1, "SERVICE ACTION RESERVATION KEY 0");
        }
        TransportId id = r.transportIds().get(0);
        if (id.names(n)) {
            throw PrOutRequest.invalid(PrOutRequest.BASIC_LENGTH, -1, "the TransportID names the initiator port "
                    + "of the command");
        }
        Registration dest = new Registration(r.serviceActionKey(), id.initiatorName(), id.isid(),
                n.targetPortWithId(r.relativeTargetPortId()), r.relativeTargetPortId());
        List<Registration> there = new ArrayList<>();
        for (Registration x : s.registrations()) {
            if (x.overlaps(dest)) {
                there.add(x);
            }
        }
        PrState next;
        if (there.isEmpty()) {
            if (s.registrations().size() >= max) {
                throw new ScsiException(SenseReason.INSUFFICIENT_REGISTRATION_RESOURCES, max + " registrations held");
            }
            List<Registration> regs = new ArrayList<>(s.registrations());
            regs.add(dest);
            next = s.with(regs, s.reservation());
        } else if (there.size() == 1) {
            // SPC-4 §5.13.8: an I_T nexus registered already takes the new key
            dest = there.get(0).withKey(r.serviceActionKey());
            next = s.replaced(there.get(0), dest);
            mine = next.registrationOf(n);
        } else {
            throw PrOutRequest.invalid(PrOutRequest.BASIC_LENGTH, -1, "the TransportID names I_T nexuses of "
                    + there.size() + " registrations");
        }
        next = next.withReservation(new Reservation(res.type(), dest));
        List<Notice> notices = new ArrayList<>();
        if (r.unregister() && mine != null) {
            next = PrOut.unregister(next, n, mine, notices);
        }
        return Outcome.good(next.withAptpl(r.aptpl()).bumped(), notices, List.of());
    }

    private static boolean overlaps(List<Registration> regs, Registration r) {
        for (Registration x : regs) {
            if (x.overlaps(r)) {
                return true;
            }
        }
        return false;
    }
}
