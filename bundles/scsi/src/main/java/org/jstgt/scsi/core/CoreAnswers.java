package org.jstgt.scsi.core;

import java.util.Optional;

import org.jstgt.api.scsi.Cdb;
import org.jstgt.api.scsi.ScsiException;
import org.jstgt.api.scsi.ScsiTask;
import org.jstgt.api.scsi.Sense;
import org.jstgt.api.scsi.SenseReason;
import org.jstgt.api.target.PreparedCommand;
import org.jstgt.scsi.config.TargetConfig;
import org.jstgt.scsi.sense.SenseFormat;
import org.jstgt.scsi.sense.SenseRenderer;

/**
 * The first admission step, LUN lookup: the commands the core answers itself without a unit
 * (REPORT LUNS for any LUN number, REQUEST SENSE, INQUIRY of a LUN taken offline, and what a LUN
 * number without a logical unit gets: SPC-4 §6.6.2, SAM-5 §5.9.5).
 */
final class CoreAnswers {
    private final NexusImpl nexus;

    CoreAnswers(NexusImpl nexus) {
        this.nexus = nexus;
    }

    /**
     * @param task the command
     * @param lun the LUN at the task's number, or null
     * @return the core's answer, or null when the command goes to the unit
     */
    PreparedCommand answer(ScsiTask task, LunRuntime lun) {
        int op = task.cdb().opcode();
        if (op == CoreCommands.REPORT_LUNS) {
            return reportLuns(task, lun == null ? SenseFormat.FIXED : lun.senseFormat());
        }
        if (lun == null || lun.state() instanceof LunState.Removed) {
            return absent(task);
        }
        if (op == CoreCommands.REQUEST_SENSE) {
            return requestSense(task, lun, task.lun());
        }
        if (op == CoreCommands.INQUIRY && lun.state() instanceof LunState.Offline o) {
            return o.unit().inquiry(task, lun.senseFormat());
        }
        return null;
    }

    private PreparedCommand reportLuns(ScsiTask task, SenseFormat format) {
        int alloc;
        try {
            alloc = CoreCommands.reportLunsAllocation(task.cdb());
        } catch (ScsiException e) {
            return new Prepared.Immediate(SenseRenderer.checkCondition(e, format));
        }
        // the list can never exceed the header plus 16384 entries
        int bound = Math.min(alloc, 8 + 8 * (TargetConfig.MAX_LUN + 1));
        return new Prepared.Core(task, bound, () -> {
            // SPC-4 §6.33: REPORT LUNS clears REPORTED LUNS DATA HAS CHANGED for this I_T nexus
            nexus.attentions().clear(SenseReason.REPORTED_LUNS_DATA_HAS_CHANGED.sense());
            return CoreCommands.reportLunsData(task.cdb(), nexus.target().map.numbers());
        }, format);
    }

    /** SPC-4 §6.39: the pending unit attention as data (and cleared), else the LU's condition. */
    private PreparedCommand requestSense(ScsiTask task, LunRuntime lun, int lunNumber) {
        Cdb cdb = task.cdb();
        SenseFormat wanted = CoreCommands.requestSenseDescriptor(cdb) ? SenseFormat.DESCRIPTOR : SenseFormat.FIXED;
        int alloc = CoreCommands.requestSenseAllocation(cdb);
        return new Prepared.Core(task, alloc, () -> {
            if (alloc == 0) {
                return new byte[0];
            }
            Sense r = nexus.attentions().poll(lunNumber);
            if (r == null) {
                r = lun.state() instanceof LunState.Failed || lun.state() instanceof LunState.Offline
                        ? SenseReason.LOGICAL_UNIT_NOT_READY_MANUAL_INTERVENTION_REQUIRED.sense()
                        : condition(lun);
            }
            return SenseRenderer.render(r, wanted);
        }, lun.senseFormat());
    }

    /** The active unit's own condition (an empty drive is NOT READY), else NO ADDITIONAL SENSE INFORMATION. */
    private static Sense condition(LunRuntime lun) {
        UnitHandle h = lun.handle();
        if (h != null) {
            try {
                Optional<Sense> c = h.unit.condition();
                if (c.isPresent()) {
                    return c.get();
                }
            } catch (RuntimeException e) {
                return SenseReason.NO_ADDITIONAL_SENSE.sense();
            }
        }
        return SenseReason.NO_ADDITIONAL_SENSE.sense();
    }

    /** A LUN number with no logical unit (SPC-4 §6.6.2, SAM-5 §5.9.5). */
    private static PreparedCommand absent(ScsiTask task) {
        Cdb cdb = task.cdb();
        switch (cdb.opcode()) {
            case CoreCommands.INQUIRY -> {
                int alloc;
                try {
                    alloc = CoreCommands.absentInquiryAllocation(cdb);
                } catch (ScsiException e) {
                    return new Prepared.Immediate(SenseRenderer.checkCondition(e, SenseFormat.FIXED));
                }
                return new Prepared.Core(task, alloc, () -> CoreCommands.absentInquiryData(cdb), SenseFormat.FIXED);
            }
            case CoreCommands.REQUEST_SENSE -> {
                SenseFormat wanted = CoreCommands.requestSenseDescriptor(cdb) ? SenseFormat.DESCRIPTOR : SenseFormat.FIXED;
                return new Prepared.Core(task, CoreCommands.requestSenseAllocation(cdb),
                        () -> SenseRenderer.render(SenseReason.LOGICAL_UNIT_NOT_SUPPORTED.sense(), wanted),
                        SenseFormat.FIXED);
            }
            default -> {
                return new Prepared.Immediate(
                        SenseRenderer.checkCondition(SenseReason.LOGICAL_UNIT_NOT_SUPPORTED, SenseFormat.FIXED));
            }
        }
    }
}
