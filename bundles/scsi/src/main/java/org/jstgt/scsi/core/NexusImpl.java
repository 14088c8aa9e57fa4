package org.jstgt.scsi.core;

import java.util.HashSet;
import java.util.Set;

import org.jstgt.api.scsi.Cdb;
import org.jstgt.api.scsi.CommandDescriptor;
import org.jstgt.api.scsi.ScsiException;
import org.jstgt.api.scsi.ScsiTask;
import org.jstgt.api.scsi.Sense;
import org.jstgt.api.scsi.SenseReason;
import org.jstgt.api.target.Nexus;
import org.jstgt.api.target.PreparedCommand;
import org.jstgt.scsi.config.TargetConfig;
import org.jstgt.scsi.sense.SenseFormat;
import org.jstgt.scsi.sense.SenseRenderer;

/**
 * An I_T nexus (SAM-5 §4.6.3): admits commands, keeps unit attentions, answers REPORT LUNS and
 * REQUEST SENSE. Lock-free on the command path except the per-nexus unit attention table.
 *
 * <p>Task attributes: every task is treated as SIMPLE. ORDERED and HEAD OF QUEUE are not honoured
 * (SAM-5 §8.6 allows a device server to do so only for SIMPLE; initiators in practice send SIMPLE).
 * The sense of a CHECK CONDITION is not kept for a later REQUEST SENSE: iSCSI delivers it with the
 * status (autosense, RFC 7143 §11.4.7).
 */
final class NexusImpl implements Nexus {
    private final TargetRuntime target;
    final String initiatorName;
    final String initiatorPortName;
    final String targetPortName;
    final int relativeTargetPortId;
    private final UnitAttentions attentions = new UnitAttentions();
    private volatile boolean closed;

    NexusImpl(TargetRuntime target, String initiatorName, String initiatorPortName, String targetPortName,
            int relativeTargetPortId) {
        this.target = target;
        this.initiatorName = initiatorName;
        this.initiatorPortName = initiatorPortName;
        this.targetPortName = targetPortName;
        this.relativeTargetPortId = relativeTargetPortId;
    }

    void unitAttention(int lun, Sense reason) {
        attentions.add(lun, reason);
    }

    boolean hasUnitAttention(int lun, SenseReason reason) {
        return attentions.has(lun, reason.sense());
    }

    void mapChanged(LunMap next) {
        Set<Integer> mapped = new HashSet<>(next.byNumber().keySet());
        attentions.retain(mapped);
        for (int lun : next.numbers()) {
            attentions.add(lun, SenseReason.REPORTED_LUNS_DATA_HAS_CHANGED.sense());
        }
        attentions.add(0, SenseReason.REPORTED_LUNS_DATA_HAS_CHANGED.sense());
    }

    @Override
    public PreparedCommand prepare(ScsiTask task) {
        Cdb cdb = task.cdb();
        int op = cdb.opcode();
        int lunNumber = task.lun();
        LunMap map = target.map;
        LunRuntime lun = map.get(lunNumber);
        SenseFormat format = lun == null ? SenseFormat.FIXED : lun.senseFormat();
        if (op == CoreCommands.REPORT_LUNS) {
            return reportLuns(task, format);
        }
        if (lun == null || lun.state() instanceof LunState.Removed) {
            return absent(task);
        }
        if (op == CoreCommands.REQUEST_SENSE) {
            return requestSense(task, lun, lunNumber);
        }
        boolean exempt = op == CoreCommands.INQUIRY;
        LunState state = lun.state();
        if (state instanceof LunState.Active active) {
            UnitHandle h = active.handle();
            if (!h.tryAcquire()) {
                return pendingUnitAttention(exempt, lunNumber, format, Held.unparsed(lun, task, format));
            }
            CommandDescriptor d;
            try {
                d = h.unit.parse(task);
            } catch (ScsiException e) {
                return pendingUnitAttention(exempt, lunNumber, format,
                        new Prepared.Immediate(SenseRenderer.checkCondition(e, format)));
            } catch (RuntimeException e) {
                return pendingUnitAttention(exempt, lunNumber, format,
                        new Prepared.Immediate(Execution.failure(lun.name, task, e, format)));
            } finally {
                h.release();
            }
            return pendingUnitAttention(exempt || d.allowedWithUnitAttention(), lunNumber, format,
                    new Prepared.OnUnit(lun, h, d, task, format));
        }
        if (state instanceof LunState.Failed) {
            return pendingUnitAttention(exempt, lunNumber, format, new Prepared.Immediate(SenseRenderer.checkCondition(
                    SenseReason.LOGICAL_UNIT_NOT_READY_MANUAL_INTERVENTION_REQUIRED, format)));
        }
        return pendingUnitAttention(exempt, lunNumber, format, Held.unparsed(lun, task, format));
    }

    /**
     * SAM-5 §5.14: a pending unit attention ends any command not exempt from it with CHECK
     * CONDITION, and reporting it clears it.
     */
    private PreparedCommand pendingUnitAttention(boolean exempt, int lunNumber, SenseFormat format,
            PreparedCommand otherwise) {
        if (exempt) {
            return otherwise;
        }
        Sense ua = attentions.poll(lunNumber);
        return ua == null ? otherwise : new Prepared.Immediate(SenseRenderer.checkCondition(ua, format));
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
            attentions.clear(SenseReason.REPORTED_LUNS_DATA_HAS_CHANGED.sense());
            return CoreCommands.reportLunsData(task.cdb(), target.map.numbers());
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
            Sense r = attentions.poll(lunNumber);
            if (r == null) {
                r = lun.state() instanceof LunState.Failed
                        ? SenseReason.LOGICAL_UNIT_NOT_READY_MANUAL_INTERVENTION_REQUIRED.sense()
                        : SenseReason.NO_ADDITIONAL_SENSE.sense();
            }
            return SenseRenderer.render(r, wanted);
        }, lun.senseFormat());
    }

    /** A LUN number with no logical unit (SPC-4 §6.6.2, SAM-5 §5.9.5). */
    private PreparedCommand absent(ScsiTask task) {
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
                        () -> SenseRenderer.render(new ScsiException(SenseReason.LOGICAL_UNIT_NOT_SUPPORTED), wanted),
                        SenseFormat.FIXED);
            }
            default -> {
                return new Prepared.Immediate(
                        SenseRenderer.checkCondition(SenseReason.LOGICAL_UNIT_NOT_SUPPORTED, SenseFormat.FIXED));
            }
        }
    }

    @Override
    public boolean logicalUnitReset(int lun) {
        LunRuntime l = target.map.get(lun);
        if (l == null) {
            return false;
        }
        target.manager.resetOthers(this, l);
        return true;
    }

    TargetRuntime target() {
        return target;
    }

    @Override
    public int[] luns() {
        return target.map.numbers().clone();
    }

    boolean closed() {
        return closed;
    }

    @Override
    public void close() {
        closed = true;
        target.remove(this);
    }
}
