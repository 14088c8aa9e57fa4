package org.jstgt.api.target;

import org.jstgt.api.scsi.ScsiStatus;

/**
 * The outcome of a command as the fabric sends it.
 *
 * @param status SAM status ({@link ScsiStatus})
 * @param sense rendered sense data (fixed or descriptor format) for CHECK CONDITION, else an empty array
 * @param dataInLength number of valid bytes in the task's Data-In buffer
 */
public record ScsiResult(int status, byte[] sense, int dataInLength) {
    private static final byte[] NONE = new byte[0];

    /** GOOD with no data. */
    public static final ScsiResult GOOD = new ScsiResult(ScsiStatus.GOOD, NONE, 0);

    public ScsiResult {
        sense = sense == null ? NONE : sense;
    }

    /**
     * @param dataInLength valid Data-In bytes
     * @return GOOD status with data
     */
    public static ScsiResult good(int dataInLength) {
        return dataInLength == 0 ? GOOD : new ScsiResult(ScsiStatus.GOOD, NONE, dataInLength);
    }

    /**
     * @param status a status without sense (BUSY, TASK SET FULL, RESERVATION CONFLICT)
     * @return the result
     */
    public static ScsiResult status(int status) {
        return new ScsiResult(status, NONE, 0);
    }
}
