package org.jstgt.scsi.sense;

import org.jstgt.api.scsi.CommandResult;
import org.jstgt.api.scsi.ScsiException;
import org.jstgt.api.scsi.Sense;
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
     * @param result a device's result
     * @param format the LUN's format
     * @return the result with its sense rendered
     */
    public static ScsiResult result(CommandResult result, SenseFormat format) {
        if (result.sense() == null) {
            return result.status() == ScsiStatus.GOOD ? ScsiResult.good(result.dataInLength())
                    : new ScsiResult(result.status(), null, result.dataInLength());
        }
        return new ScsiResult(result.status(), render(result.sense(), format), result.dataInLength());
    }

    /**
     * @param sense the sense
     * @param format the format
     * @return CHECK CONDITION with the rendered sense
     */
    public static ScsiResult checkCondition(Sense sense, SenseFormat format) {
        return new ScsiResult(ScsiStatus.CHECK_CONDITION, render(sense, format), 0);
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
        return render(e.sense(), format);
    }

    /**
     * @param sense the sense
     * @param format the format
     * @return the sense bytes
     */
    public static byte[] render(Sense sense, SenseFormat format) {
        return format == SenseFormat.DESCRIPTOR ? SenseData.descriptor(sense) : SenseData.fixed(sense);
    }
}
