package org.jstgt.api.scsi;

import java.util.concurrent.CompletionStage;

/**
 * A parsed command: what the transport needs before the data phase (direction and byte count),
 * and the step that runs it.
 */
public interface CommandDescriptor {

    /** @return the data transfer direction */
    DataDirection direction();

    /**
     * @return the number of bytes the command transfers as the device computes it from the CDB
     *     (for IN, an upper bound: allocation length or blocks * block size)
     */
    int transferLength();

    /**
     * @return the first LBA touched, or -1 for commands that address no blocks (for ordering and
     *     reservations)
     */
    default long lba() {
        return -1;
    }

    /** @return the number of blocks touched, 0 for commands that address no blocks */
    default long blocks() {
        return 0;
    }

    /** @return true when the command is allowed while a unit attention is pending (INQUIRY, REPORT LUNS, REQUEST SENSE) */
    default boolean allowedWithUnitAttention() {
        return false;
    }

    /**
     * Runs the command. Called once, on the transport's thread ({@link ScsiTask#executor()}), after
     * the Data-Out phase. Must not block: storage I/O is asynchronous.
     *
     * @param task the task (data buffers)
     * @return completes with the result (status, sense, valid Data-In bytes), or exceptionally with
     *     a {@link ScsiException} for CHECK CONDITION without data; any other failure becomes
     *     HARDWARE ERROR
     */
    CompletionStage<CommandResult> execute(ScsiTask task);
}
