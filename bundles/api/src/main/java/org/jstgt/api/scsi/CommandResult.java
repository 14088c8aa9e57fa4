package org.jstgt.api.scsi;

import java.util.Objects;

/**
 * How a command ended, as a device reports it: a status, the sense for CHECK CONDITION, and the
 * number of valid bytes in the task's Data-In buffer. Data and CHECK CONDITION may come together:
 * a tape READ that meets a filemark or a short block returns the data it read with FILEMARK or ILI
 * sense (SSC-3 §4.2.19); the fabric sends the data, then the status with the sense.
 *
 * @param status SAM status ({@link ScsiStatus})
 * @param sense the sense for CHECK CONDITION, else null
 * @param dataInLength valid Data-In bytes, 0 when none
 */
public record CommandResult(int status, Sense sense, int dataInLength) {
    private static final CommandResult GOOD = new CommandResult(ScsiStatus.GOOD, null, 0);

    public CommandResult {
        if (dataInLength < 0) {
            throw new IllegalArgumentException("negative Data-In length " + dataInLength);
        }
        if ((status == ScsiStatus.CHECK_CONDITION) != (sense != null)) {
            throw new IllegalArgumentException("sense goes with CHECK CONDITION and only with it");
        }
    }

    /** @return GOOD with no data */
    public static CommandResult good() {
        return GOOD;
    }

    /**
     * @param dataInLength valid Data-In bytes
     * @return GOOD with that much data
     */
    public static CommandResult good(int dataInLength) {
        return dataInLength == 0 ? GOOD : new CommandResult(ScsiStatus.GOOD, null, dataInLength);
    }

    /**
     * @param sense the sense
     * @param dataInLength valid Data-In bytes sent before the status
     * @return CHECK CONDITION with data
     */
    public static CommandResult checkCondition(Sense sense, int dataInLength) {
        return new CommandResult(ScsiStatus.CHECK_CONDITION, Objects.requireNonNull(sense, "sense"), dataInLength);
    }

    /**
     * @param sense the sense
     * @return CHECK CONDITION without data
     */
    public static CommandResult checkCondition(Sense sense) {
        return checkCondition(sense, 0);
    }
}
