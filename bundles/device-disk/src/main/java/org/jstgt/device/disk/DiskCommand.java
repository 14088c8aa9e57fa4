package org.jstgt.device.disk;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;

import org.jstgt.api.scsi.Cdb;
import org.jstgt.api.scsi.CommandResult;
import org.jstgt.api.scsi.DataDirection;
import org.jstgt.api.scsi.ScsiTask;
import org.jstgt.scsi.spc.BlockCommand;
import org.jstgt.scsi.spc.CdbLayout;

/**
 * A parsed disk command that moves blocks: the CDB fields decoded at parse plus the work. The one
 * object a READ or WRITE allocates at parse.
 */
abstract class DiskCommand extends BlockCommand {
    private final DataDirection direction;

    DiskCommand(CdbLayout layout, Cdb cdb, DataDirection direction) {
        super(layout, cdb);
        this.direction = direction;
    }

    @Override
    public final DataDirection direction() {
        return direction;
    }

    /**
     * @param task the task (data buffers, completion executor)
     * @return completes with the result
     */
    abstract CompletionStage<CommandResult> run(ScsiTask task);

    @Override
    public final CompletionStage<CommandResult> execute(ScsiTask task) {
        try {
            return run(task);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /**
     * Runs a command's work, a {@link RuntimeException} becoming a failed stage (HARDWARE ERROR).
     *
     * @param work the work
     * @param task the task
     * @return the work's stage
     */
    static CompletionStage<CommandResult> execute(Function<ScsiTask, CompletionStage<CommandResult>> work,
            ScsiTask task) {
        try {
            return work.apply(task);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }
}
