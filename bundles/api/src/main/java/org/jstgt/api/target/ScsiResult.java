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

    /**
     * The command was aborted (SAM-5 §5.6) by a task management function or a reset, possibly of
     * another I_T nexus: with TAS 0 in the Control mode page it ends without a response, so the
     * fabric drops it and frees its resources.
     */
    public static final ScsiResult ABORTED = new ScsiResult(ScsiStatus.TASK_ABORTED, NONE, 0);

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

    /** @return true when the command was aborted ({@link #ABORTED}): the fabric sends no response */
    public boolean aborted() {
        return status == ScsiStatus.TASK_ABORTED;
    }

    /**
     * @param status a status without sense (BUSY, TASK SET FULL, RESERVATION CONFLICT)
     * @return the result
     */
    public static ScsiResult status(int status) {
        return new ScsiResult(status, NONE, 0);
    }
}
