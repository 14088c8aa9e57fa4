package org.jstgt.scsi.sense;

import org.jstgt.api.scsi.ScsiException;
import org.jstgt.api.scsi.ScsiStatus;
import org.jstgt.api.scsi.SenseData;
import org.jstgt.api.scsi.SenseReason;
import org.jstgt.api.target.ScsiResult;

/**
 * CHECK CONDITION results with sense data in the LUN's format; the layout is {@link SenseData}'s.
 */
public final class SenseRenderer {
    private SenseRenderer() {
    }

    /**
     * @param e the failure
     * @param format the LUN's format
     * @return CHECK CONDITION with the rendered sense
     */
    public static ScsiResult checkCondition(ScsiException e, SenseFormat format) {
        return new ScsiResult(ScsiStatus.CHECK_CONDITION, render(e, format), 0);
    }

    /**
     * @param reason the reason
     * @param format the format
     * @return CHECK CONDITION with the rendered sense
     */
    public static ScsiResult checkCondition(SenseReason reason, SenseFormat format) {
        return checkCondition(new ScsiException(reason), format);
    }

    /**
     * @param e the failure
     * @param format the format
     * @return the sense bytes
     */
    public static byte[] render(ScsiException e, SenseFormat format) {
        return format == SenseFormat.DESCRIPTOR ? SenseData.descriptor(e) : SenseData.fixed(e);
    }
}
