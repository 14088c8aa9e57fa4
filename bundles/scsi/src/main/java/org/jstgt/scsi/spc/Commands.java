package org.jstgt.scsi.spc;

import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import org.jstgt.api.scsi.CommandResult;
import org.jstgt.api.scsi.CommandDescriptor;
import org.jstgt.api.scsi.DataDirection;
import org.jstgt.api.scsi.ScsiException;
import org.jstgt.api.scsi.ScsiTask;
import org.jstgt.api.scsi.SenseReason;

/** Ready-made {@link CommandDescriptor}s for commands that address no blocks. */
public final class Commands {
    private static final CompletionStage<CommandResult> NONE = CompletableFuture.completedFuture(CommandResult.good());

    private Commands() {
    }

    /** Builds parameter data when the command runs. */
    @FunctionalInterface
    public interface DataSource {
        /**
         * @param task the task
         * @return the complete parameter data (truncated to the allocation length by the caller)
         * @throws ScsiException when the data cannot be given
         */
        byte[] data(ScsiTask task) throws ScsiException;
    }

    /** The work of a command without data. */
    @FunctionalInterface
    public interface Action {
        /**
         * @param task the task
         * @return completes when done
         * @throws ScsiException when the command fails at once
         */
        CompletionStage<Void> run(ScsiTask task) throws ScsiException;
    }

    /** Takes the parameter list of a Data-Out command. */
    @FunctionalInterface
    public interface ParameterList {
        /**
         * @param task the task
         * @param list the parameter list, exactly PARAMETER LIST LENGTH bytes
         * @return completes when done
         * @throws ScsiException when the list is refused
         */
        CompletionStage<Void> take(ScsiTask task, byte[] list) throws ScsiException;
    }

    /**
     * A command whose Data-Out is a parameter list read whole (SPC-4 §4.2.5.5): a PARAMETER LIST
     * LENGTH of 0 transfers nothing and completes GOOD without calling {@code sink}; Data-Out
     * shorter than the length (the initiator's expected length was short) is a PARAMETER LIST
     * LENGTH ERROR.
     *
     * @param length the CDB's PARAMETER LIST LENGTH
     * @param sink takes the list
     * @return the descriptor
     */
    public static CommandDescriptor parameterList(int length, ParameterList sink) {
        if (length == 0) {
            return good();
        }
        return dataOut(length, task -> {
            ByteBuffer data = task.dataOut();
            if (data.remaining() < length) {
                throw new ScsiException(SenseReason.PARAMETER_LIST_LENGTH_ERROR);
            }
            byte[] list = new byte[length];
            data.duplicate().get(list);
            return sink.take(task, list).thenApply(v -> CommandResult.good());
        });
    }

    /**
     * A Data-In command whose data is built at execute time and cut at the allocation length
     * (SPC-4 §4.2.5.6).
     *
     * @param allocationLength the CDB's ALLOCATION LENGTH (0: no data, GOOD)
     * @param source builds the data
     * @return the descriptor
     */
    public static CommandDescriptor dataIn(int allocationLength, DataSource source) {
        return new CommandDescriptor() {
            @Override
            public DataDirection direction() {
                return allocationLength == 0 ? DataDirection.NONE : DataDirection.IN;
            }

            @Override
            public int transferLength() {
                return allocationLength;
            }

            @Override
            public CompletionStage<CommandResult> execute(ScsiTask task) {
                if (allocationLength == 0) {
                    return NONE;
                }
                try {
                    return CdbChecks.respond(task, source.data(task), allocationLength);
                } catch (ScsiException e) {
                    return CompletableFuture.failedFuture(e);
                }
            }
        };
    }

    /** The work of a command that takes a parameter list. */
    @FunctionalInterface
    public interface ParameterListWork {
        /**
         * @param task the task, its Data-Out received
         * @return completes with the result
         * @throws ScsiException when the command fails at once
         */
        CompletionStage<CommandResult> run(ScsiTask task) throws ScsiException;
    }

    /**
     * A Data-Out command: the fabric collects {@code length} bytes, then the work runs; a
     * {@link ScsiException} or other runtime failure it throws becomes the failed stage.
     *
     * @param length the CDB's PARAMETER LIST LENGTH, more than 0
     * @param work reads the parameter list and does the command
     * @return the descriptor
     */
    public static CommandDescriptor dataOut(int length, ParameterListWork work) {
        return command(DataDirection.OUT, length, work);
    }

    /**
     * A command of any direction whose work makes its whole result (a status other than GOOD or
     * CHECK CONDITION, say); a {@link ScsiException} or other runtime failure it throws becomes the
     * failed stage.
     *
     * @param direction its data direction
     * @param length the bytes it transfers (an upper bound for IN)
     * @param work runs it
     * @return the descriptor
     */
    public static CommandDescriptor command(DataDirection direction, int length, ParameterListWork work) {
        return new CommandDescriptor() {
            @Override
            public DataDirection direction() {
                return direction;
            }

            @Override
            public int transferLength() {
                return length;
            }

            @Override
            public CompletionStage<CommandResult> execute(ScsiTask task) {
                try {
                    return work.run(task);
                } catch (ScsiException | RuntimeException e) {
                    return CompletableFuture.failedFuture(e);
                }
            }
        };
    }

    /**
     * A command without data.
     *
     * @param action the work
     * @return the descriptor
     */
    public static CommandDescriptor noData(Action action) {
        return new CommandDescriptor() {
            @Override
            public DataDirection direction() {
                return DataDirection.NONE;
            }

            @Override
            public int transferLength() {
                return 0;
            }

            @Override
            public CompletionStage<CommandResult> execute(ScsiTask task) {
                try {
                    return action.run(task).thenApply(v -> CommandResult.good());
                } catch (ScsiException e) {
                    return CompletableFuture.failedFuture(e);
                }
            }
        };
    }

    /** @return a command without data that completes GOOD at once */
    public static CommandDescriptor good() {
        return noData(task -> CompletableFuture.completedFuture(null));
    }

    /**
     * @param d a descriptor
     * @return {@code d}, answering {@code true} to {@link CommandDescriptor#allowedWithUnitAttention()}
     */
    public static CommandDescriptor allowedWithUnitAttention(CommandDescriptor d) {
        if (d.allowedWithUnitAttention()) {
            return d;
        }
        return new CommandDescriptor() {
            @Override
            public DataDirection direction() {
                return d.direction();
            }

            @Override
            public int transferLength() {
                return d.transferLength();
            }

            @Override
            public long lba() {
                return d.lba();
            }

            @Override
            public long blocks() {
                return d.blocks();
            }

            @Override
            public boolean allowedWithUnitAttention() {
                return true;
            }

            @Override
            public CompletionStage<CommandResult> execute(ScsiTask task) {
                return d.execute(task);
            }
        };
    }
}
