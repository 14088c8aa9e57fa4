package org.jstgt.scsi.core;

import org.jstgt.api.scsi.CommandDescriptor;
import org.jstgt.api.scsi.ScsiException;
import org.jstgt.api.scsi.ScsiTask;
import org.jstgt.api.scsi.SenseReason;
import org.jstgt.api.target.PreparedCommand;
import org.jstgt.scsi.sense.SenseFormat;
import org.jstgt.scsi.sense.SenseRenderer;

/**
 * Admission step: the LUN's unit parses the CDB (direction, length, range, or a CHECK CONDITION
 * for a bad field); the reservation commands get the core's parse instead
 * ({@link ReservationCommands}). A LUN without a unit holds the command unparsed until one arrives;
 * a failed or offline LUN answers NOT READY.
 */
final class DeviceParse {
    /**
     * @param handle the unit that parsed, when {@code descriptor} is set
     * @param descriptor the parsed command, or null
     * @param ended what the command gets instead (bad CDB, held, NOT READY), when not parsed
     */
    record Parsed(UnitHandle handle, CommandDescriptor descriptor, PreparedCommand ended) {
    }

    private DeviceParse() {
    }

    /**
     * The unit's parse, except for the commands the core runs for every device type, which the
     * unit never sees: REPORT and SET TARGET PORT GROUPS ({@link AccessStates}).
     */
    static CommandDescriptor parseOn(LunRuntime lun, UnitHandle h, NexusImpl owner, ScsiTask task)
            throws ScsiException {
        CommandDescriptor core = owner.target().maps.alua.parse(owner, task);
        return core != null ? core : ReservationCommands.parse(lun, owner, task, h.unit);
    }

    static Parsed parse(LunRuntime lun, NexusImpl owner, ScsiTask task, SenseFormat format) {
        LunState state = lun.state();
        if (state instanceof LunState.Active active) {
            UnitHandle h = active.handle();
            if (!h.tryAcquire()) {
                // the unit is closing (provider leaving, reconfiguration): wait for the next one
                return new Parsed(null, null, Held.unparsed(lun, owner, task, format));
            }
            try {
                return new Parsed(h, parseOn(lun, h, owner, task), null);
            } catch (ScsiException e) {
                return new Parsed(null, null, new Prepared.Immediate(SenseRenderer.checkCondition(e, format)));
            } catch (RuntimeException e) {
                return new Parsed(null, null, new Prepared.Immediate(Execution.failure(lun.name, task, e, format)));
            } finally {
                h.release();
            }
        }
        if (state instanceof LunState.Offline) {
            return new Parsed(null, null, OfflineUnit.notReady(format));
        }
        if (state instanceof LunState.Failed) {
            return new Parsed(null, null, new Prepared.Immediate(SenseRenderer.checkCondition(
                    SenseReason.LOGICAL_UNIT_NOT_READY_MANUAL_INTERVENTION_REQUIRED, format)));
        }
        return new Parsed(null, null, Held.unparsed(lun, owner, task, format));
    }
}
