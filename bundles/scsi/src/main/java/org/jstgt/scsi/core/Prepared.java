package org.jstgt.scsi.core;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicBoolean;

import org.jstgt.api.mgmt.IoMeter;
import org.jstgt.api.scsi.CommandDescriptor;
import org.jstgt.api.scsi.DataDirection;
import org.jstgt.api.scsi.ScsiException;
import org.jstgt.api.scsi.ScsiTask;
import org.jstgt.api.target.PreparedCommand;
import org.jstgt.api.target.ScsiResult;
import org.jstgt.scsi.sense.SenseFormat;
import org.jstgt.scsi.taskset.Place;

/** The kinds of {@link PreparedCommand} the core hands out. */
final class Prepared {
    private Prepared() {
    }

    /**
     * Sets how a parsed command counts in the I/O meters ({@link Metering}).
     *
     * @param control the command's life in its LU
     * @param task the command
     * @param d its parse
     */
    static void meter(CoreTask control, ScsiTask task, CommandDescriptor d) {
        int edtl = Math.max(task.expectedTransferLength(), 0);
        DataDirection dir = d.direction();
        control.metered(IoMeter.Kind.of(task.cdb().opcode(), dir),
                dir == DataDirection.OUT ? Math.min(Math.max(d.transferLength(), 0), edtl) : 0, edtl);
    }

    /** Ended at parse time: no data phase. */
    record Immediate(ScsiResult result) implements PreparedCommand {
        @Override
        public ScsiResult immediateResult() {
            return result;
        }

        @Override
        public DataDirection direction() {
            return DataDirection.NONE;
        }

        @Override
        public int transferLength() {
            return 0;
        }

        @Override
        public CompletionStage<ScsiResult> execute() {
            return CompletableFuture.completedFuture(result);
        }
    }

    /** Produces Data-In bytes at execute time, for what the core answers itself. */
    @FunctionalInterface
    interface DataSource {
        byte[] data() throws ScsiException;
    }

    /** A Data-In command the core answers itself (REPORT LUNS, REQUEST SENSE, INQUIRY of an absent LUN). */
    static final class Core implements PreparedCommand {
        private final ScsiTask task;
        private final int allocationLength;
        private final DataSource source;
        private final SenseFormat format;
        /** Where the command counts ({@link #metered}); the LUN's is null for a LUN number without LUN. */
        private IoMeter lunMeter;
        private IoMeter targetMeter;

        Core(ScsiTask task, int allocationLength, DataSource source, SenseFormat format) {
            this.task = task;
            this.allocationLength = allocationLength;
            this.source = source;
            this.format = format;
        }

        @Override
        public ScsiResult immediateResult() {
            return null;
        }

        /**
         * @param lun the LUN's meter, or null
         * @param target the target's meter
         */
        void metered(IoMeter lun, IoMeter target) {
            this.lunMeter = lun;
            this.targetMeter = target;
        }

        @Override
        public DataDirection direction() {
            return DataDirection.IN;
        }

        @Override
        public int transferLength() {
            return allocationLength;
        }

        @Override
        public CompletionStage<ScsiResult> execute() {
            ScsiResult r = answer();
            if (targetMeter != null) {
                Metering.other(lunMeter, targetMeter, r);
            }
            return CompletableFuture.completedFuture(r);
        }

        private ScsiResult answer() {
            try {
                byte[] data = source.data();
                // allocation length truncates; it is not an error (SPC-4 §4.2.5.6)
                int n = Math.min(allocationLength, data.length);
                if (n > 0) {
                    task.dataIn(n).put(data, 0, n);
                }
                return ScsiResult.good(n);
            } catch (Throwable t) {
                return Execution.failure("(core)", task, t, format);
            }
        }
    }

    /** Parsed by a unit; runs there unless the unit has begun closing, then waits for the next one. */
    static final class OnUnit implements PreparedCommand {
        private final LunRuntime lun;
        private final UnitHandle handle;
        private final CommandDescriptor descriptor;
        private final ScsiTask task;
        private final SenseFormat format;
        /** The command's place in its LUN's task set. */
        private final Place place;
        private final AtomicBoolean started = new AtomicBoolean();
        private final CoreTask control;

        OnUnit(LunRuntime lun, NexusImpl owner, UnitHandle handle, CommandDescriptor descriptor, ScsiTask task,
                SenseFormat format, Place place) {
            this.lun = lun;
            this.handle = handle;
            this.descriptor = descriptor;
            this.task = task;
            this.format = format;
            this.place = place;
            this.control = new CoreTask(lun, owner, place::leave);
            meter(control, task, descriptor);
        }

        @Override
        public ScsiResult immediateResult() {
            return null;
        }

        @Override
        public DataDirection direction() {
            return descriptor.direction();
        }

        @Override
        public int transferLength() {
            return descriptor.transferLength();
        }

        @Override
        public CompletionStage<ScsiResult> execute() {
            if (!started.compareAndSet(false, true)) {
                throw new IllegalStateException("execute() called twice");
            }
            if (place.enabled()) {
                // nothing to wait for (the common case): no abort hook needed while it waits
                place.run(task.executor(), this::start);
            } else if (control.waiting(place::leave)) {
                place.run(task.executor(), this::start);
            } else {
                place.leave();
            }
            return control.result();
        }

        @Override
        public void abandon() {
            if (started.compareAndSet(false, true)) {
                place.leave();
            }
            control.finish(ScsiResult.ABORTED);
        }

        @Override
        public CompletionStage<Void> abort() {
            return control.abort(ScsiResult.ABORTED);
        }

        /** @return completes when the command is done, freeing an in-order set for the next one */
        private CompletionStage<ScsiResult> start() {
            if (!handle.tryAcquire()) {
                // The unit closes (provider leaving, reconfiguration): run on its successor.
                Held held = new Held(lun, task, descriptor.direction(), descriptor.transferLength(), format,
                        true, control);
                lun.submit(held);
                return held.result();
            }
            return control.run(done -> Execution.run(handle, descriptor, task, format, done), handle::release);
        }
    }
}
