package org.jstgt.scsi.core;

import java.util.ArrayList;
import java.util.List;

import org.jstgt.api.mgmt.ReservationInfo;
import org.jstgt.scsi.pr.ItNexus;
import org.jstgt.scsi.pr.Outcome;
import org.jstgt.scsi.pr.PrState;
import org.jstgt.scsi.pr.Registration;
import org.jstgt.scsi.pr.Reservation;

/** The shell's view of a LUN's reservations ({@code iscsi:pr-list}) and their recovery ({@code iscsi:pr-clear}). */
final class ReservationAdmin {
    private ReservationAdmin() {
    }

    static ReservationInfo info(LunRuntime lun) {
        PrState s = lun.reservations.state();
        Reservation res = s.reservation();
        List<ReservationInfo.Registration> regs = new ArrayList<>();
        for (Registration r : s.registrations()) {
            regs.add(new ReservationInfo.Registration(r.key(), r.initiatorPort(),
                    r.allTargetPorts() ? "" : r.targetPort(), res != null && res.heldBy(r)));
        }
        ItNexus spc2 = s.spc2Holder();
        return new ReservationInfo(lun.name, Integer.toUnsignedLong(s.generation()), s.aptpl(),
                res == null ? "" : res.type().label(), regs,
                spc2 == null ? "" : spc2.initiatorPort() + " -> " + spc2.targetPort());
    }

    /** Clears the LUN's reservations; the registered nexuses get RESERVATIONS PREEMPTED. */
    static void clear(LunRuntime lun, TargetMaps maps) {
        Outcome o = lun.reservations.clear();
        ReservationEffects.deliver(maps, lun, o.notices());
    }
}
