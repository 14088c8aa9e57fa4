package org.jstgt.scsi.core;

import org.jstgt.api.scsi.LogicalUnit;
import org.jstgt.api.scsi.ReservationClass;
import org.jstgt.api.scsi.ScsiStatus;
import org.jstgt.api.scsi.ScsiTask;
import org.jstgt.api.target.PreparedCommand;
import org.jstgt.api.target.ScsiResult;
import org.jstgt.scsi.pr.Conflicts;
import org.jstgt.scsi.pr.PrState;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Admission step after the unit attention check (SPC-4 §5.13.1): a command that conflicts with the
 * LU's reservations ends with RESERVATION CONFLICT. While the LU has no registration and no
 * reservation this is one volatile read; only then is the unit asked for the command's class.
 */
final class ReservationGate {
    private static final Logger LOG = LoggerFactory.getLogger(ReservationGate.class);
    static final ScsiResult CONFLICT = ScsiResult.status(ScsiStatus.RESERVATION_CONFLICT);

    private ReservationGate() {
    }

    /**
     * @param lun the LU
     * @param nexus the command's I_T nexus
     * @param task the command, parsed
     * @param h the unit that parsed it
     * @return RESERVATION CONFLICT, or null when the command goes on
     */
    static PreparedCommand check(LunRuntime lun, NexusImpl nexus, ScsiTask task, UnitHandle h) {
        return conflicts(lun, nexus, task, h.unit) ? new Prepared.Immediate(CONFLICT) : null;
    }

    /** @return true when the command conflicts with the LU's reservations now */
    static boolean conflicts(LunRuntime lun, NexusImpl nexus, ScsiTask task, LogicalUnit unit) {
        PrState s = lun.reservations.state();
        if (s.idle()) {
            return false;
        }
        int opcode = task.cdb().opcode();
        // the reservation commands decide their own conflicts when they run
        return !ReservationCommands.handles(opcode)
                && Conflicts.conflicts(s, nexus.itNexus, opcode, classOf(lun, unit, task));
    }

    private static ReservationClass classOf(LunRuntime lun, LogicalUnit unit, ScsiTask task) {
        try {
            ReservationClass c = unit.reservationClass(task.cdb());
            return c == null ? ReservationClass.WRITE : c;
        } catch (RuntimeException e) {
            LOG.warn("LUN {}: the unit failed to class [{}] against reservations; taken as WRITE", lun.name,
                    task.cdb(), e);
            return ReservationClass.WRITE;
        }
    }
}
