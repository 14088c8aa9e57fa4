package org.jstgt.scsi.core;

import org.jstgt.api.scsi.CommandDescriptor;
import org.jstgt.api.scsi.ScsiTask;
import org.jstgt.api.scsi.Sense;
import org.jstgt.api.target.PreparedCommand;
import org.jstgt.scsi.sense.SenseFormat;
import org.jstgt.scsi.sense.SenseRenderer;

/**
 * Admission step, SAM-5 §5.14: a pending unit attention ends any command not exempt from it with
 * CHECK CONDITION, and reporting it clears it. INQUIRY is exempt, and so is what the device's
 * parse marks exempt (MMC's GET EVENT STATUS NOTIFICATION); REPORT LUNS and REQUEST SENSE never
 * reach this step.
 */
final class UnitAttentionGate {
    private final UnitAttentions attentions;

    UnitAttentionGate(UnitAttentions attentions) {
        this.attentions = attentions;
    }

    /**
     * @param task the command
     * @param lunNumber its LUN number
     * @param parsed the device's parse, or null when the command was not parsed
     * @param format the LUN's sense format
     * @return the CHECK CONDITION reporting the oldest pending unit attention (now cleared), or
     *     null when the command goes on
     */
    PreparedCommand check(ScsiTask task, int lunNumber, CommandDescriptor parsed, SenseFormat format) {
        boolean exempt = task.cdb().opcode() == CoreCommands.INQUIRY
                || parsed != null && parsed.allowedWithUnitAttention();
        if (exempt) {
            return null;
        }
        Sense ua = attentions.poll(lunNumber);
        return ua == null ? null : new Prepared.Immediate(SenseRenderer.checkCondition(ua, format));
    }
}
