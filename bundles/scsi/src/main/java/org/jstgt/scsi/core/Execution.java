package org.jstgt.scsi.core;

import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.function.Consumer;

import org.jstgt.api.scsi.CommandDescriptor;
import org.jstgt.api.scsi.CommandResult;
import org.jstgt.api.scsi.ScsiException;
import org.jstgt.api.scsi.ScsiTask;
import org.jstgt.api.scsi.SenseReason;
import org.jstgt.api.target.ScsiResult;
import org.jstgt.scsi.sense.SenseFormat;
import org.jstgt.scsi.sense.SenseRenderer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Runs a parsed command on a unit and turns whatever happens into a {@link ScsiResult}. */
final class Execution {
    private static final Logger LOG = LoggerFactory.getLogger(Execution.class);

    private Execution() {
    }

    /**
     * Runs {@code d} on an acquired handle and releases it when the command ends.
     *
     * @param done receives the result once, on the thread the device completes on; never a failure
     *     (failures are CHECK CONDITION results)
     */
    static void run(UnitHandle h, CommandDescriptor d, ScsiTask task, SenseFormat format, Consumer<ScsiResult> done) {
        CompletionStage<CommandResult> stage;
        try {
            stage = d.execute(task);
            if (stage == null) {
                throw new IllegalStateException("device returned no completion stage");
            }
        } catch (Throwable t) {
            h.release();
            done.accept(failure(h.config.name(), task, t, format));
            return;
        }
        stage.whenComplete((result, err) -> {
            h.release();
            ScsiResult r;
            try {
                if (err != null) {
                    r = failure(h.config.name(), task, err, format);
                } else if (result == null) {
                    r = failure(h.config.name(), task, new IllegalStateException("device completed with no result"),
                            format);
                } else {
                    r = SenseRenderer.result(result, format);
                }
            } catch (Throwable t) {
                r = SenseRenderer.checkCondition(SenseReason.INTERNAL_TARGET_FAILURE, format);
            }
            done.accept(r);
        });
    }

    /**
     * @param lun LUN name for the log
     * @param task the task (its CDB is logged)
     * @param t what went wrong
     * @param format sense format
     * @return CHECK CONDITION with the sense of a {@link ScsiException}, else HARDWARE ERROR /
     *     INTERNAL TARGET FAILURE (44h/00h) after logging the failure with the CDB
     */
    static ScsiResult failure(String lun, ScsiTask task, Throwable t, SenseFormat format) {
        Throwable c = t;
        while ((c instanceof CompletionException || c instanceof ExecutionException) && c.getCause() != null) {
            c = c.getCause();
        }
        if (c instanceof ScsiException se) {
            return SenseRenderer.checkCondition(se, format);
        }
        LOG.error("LUN {} (LUN number {}): command failed, CDB [{}]", lun, task.lun(), task.cdb(), c);
        return SenseRenderer.checkCondition(SenseReason.INTERNAL_TARGET_FAILURE, format);
    }
}
