package org.jstgt.api.target;

import org.jstgt.api.scsi.ScsiStatus;

/**
 * The outcome of a command as the fabric sends it.
 *
 * @param status SAM status ({@link ScsiStatus}), or {@link #NO_RESPONSE} for a command that ends without
 *     one ({@link #ABORTED})
 * @param sense rendered sense data (fixed or descriptor format) for CHECK CONDITION, else an empty array
 * @param dataInLength number of valid bytes in the task's Data-In buffer
 */
public record ScsiResult(int status, byte[] sense, int dataInLength) {
    private static final byte[] NONE = new byte[0];

    /** GOOD with no data. */
    public static final ScsiResult GOOD = new ScsiResult(ScsiStatus.GOOD, NONE, 0);

    /** The {@link #status()} of {@link #ABORTED}: no SAM status, nothing is sent. */
    public static final int NO_RESPONSE = -1;

    /**
     * The command was aborted (SAM-5 §5.6) by its own I_T nexus (ABORT TASK, ABORT TASK SET, a
     * CLEAR TASK SET or reset it asked for, the nexus ending): it ends without a response, so the
     * fabric drops it and frees its resources.
     */
    public static final ScsiResult ABORTED = new ScsiResult(NO_RESPONSE, NONE, 0);

    /**
     * The command was aborted by the action of another I_T nexus (a CLEAR TASK SET, LOGICAL UNIT
     * RESET or target reset it asked for, its PREEMPT AND ABORT): with TAS 1 in the Control mode
     * page (SPC-4 §7.5.8) it completes with TASK ABORTED status, which the fabric sends like any
     * other status (SAM-5 §5.6).
     */
    public static final ScsiResult TASK_ABORTED = new ScsiResult(ScsiStatus.TASK_ABORTED, NONE, 0);

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
     * @return true when the command ends without a response ({@link #ABORTED}): the fabric sends
     *     nothing; false for every status, {@link #TASK_ABORTED} included
     */
    public boolean aborted() {
        return status == NO_RESPONSE;
    }

    /**
     * @param status a status without sense (BUSY, TASK SET FULL, RESERVATION CONFLICT)
     * @return the result
     */
    public static ScsiResult status(int status) {
        return new ScsiResult(status, NONE, 0);
    }
}
