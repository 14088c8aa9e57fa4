package org.jstgt.scsi.core;

import java.util.concurrent.CompletionStage;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.atomic.AtomicBoolean;

import org.jstgt.api.scsi.Cdb;
import org.jstgt.api.scsi.CommandDescriptor;
import org.jstgt.api.scsi.DataDirection;
import org.jstgt.api.scsi.Queueing;
import org.jstgt.api.scsi.ScsiException;
import org.jstgt.api.scsi.ScsiStatus;
import org.jstgt.api.scsi.ScsiTask;
import org.jstgt.api.scsi.SenseReason;
import org.jstgt.api.target.PreparedCommand;
import org.jstgt.api.target.ScsiResult;
import org.jstgt.scsi.sense.SenseFormat;
import org.jstgt.scsi.sense.SenseRenderer;
import org.jstgt.scsi.taskset.InOrderTaskSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A command for a LUN that has no unit right now (provider gone, reopening). It is parsed by the
 * next unit. Until then the transport needs a direction and length for its data phase: they come
 * from the unit that parsed it before, or are inferred from the opcode and the initiator's
 * expected length. When the next unit disagrees, the command ends with BUSY and the initiator
 * retries it (SAM-5 §5.3.1).
 */
final class Held implements PreparedCommand {
    private static final Logger LOG = LoggerFactory.getLogger(Held.class);

    private final LunRuntime lun;
    private final ScsiTask task;
    private final DataDirection direction;
    private final int transferLength;
    private final SenseFormat format;
    /** True when the command already has its place in an in-order task set (it was parsed before). */
    private final boolean placed;
    /** Its life in the LU, for aborts; shared with the {@link Prepared.OnUnit} it came from. */
    final CoreTask control;
    private final AtomicBoolean started = new AtomicBoolean();
    volatile ScheduledFuture<?> timeout;

    Held(LunRuntime lun, ScsiTask task, DataDirection direction, int transferLength, SenseFormat format,
            boolean placed, CoreTask control) {
        this.lun = lun;
        this.placed = placed;
        this.task = task;
        this.direction = direction;
        this.transferLength = transferLength;
        this.format = format;
        this.control = control;
    }

    /**
     * A command that reached a LUN without a unit before being parsed. Its data phase takes the
     * initiator's expected length, bounded as a unit bounds one transfer ({@link LunRuntime#maxTransfer()}):
     * beyond it, ILLEGAL REQUEST / INVALID FIELD IN CDB, as the disk answers a transfer past
     * {@code max.transfer}.
     */
    static PreparedCommand unparsed(LunRuntime lun, NexusImpl owner, ScsiTask task, SenseFormat format) {
        int edtl = Math.max(0, task.expectedTransferLength());
        if (edtl > lun.maxTransfer()) {
            LOG.debug("LUN {}: command [{}] held for its provider asks {} bytes, past max.transfer {}", lun.name,
                    task.cdb(), edtl, lun.maxTransfer());
            return new Prepared.Immediate(SenseRenderer.checkCondition(SenseReason.INVALID_FIELD_IN_CDB, format));
        }
        DataDirection d = edtl == 0 ? DataDirection.NONE : writesData(task.cdb()) ? DataDirection.OUT : DataDirection.IN;
        return new Held(lun, task, d, edtl, format, false, new CoreTask(lun, owner, null));
    }

    /** Opcodes that carry Data-Out (SPC-4, SBC-4, SSC-4, SMC-3 command tables). */
    static boolean writesData(Cdb cdb) {
        return switch (cdb.opcode()) {
            case 0x0A, 0x2A, 0xAA, 0x8A, // WRITE (6/10/12/16)
                    0x2E, 0xAE, 0x8E, // WRITE AND VERIFY (10/12/16)
                    0x41, 0x93, // WRITE SAME (10/16)
                    0x42, // UNMAP
                    0x89, // COMPARE AND WRITE
                    0x15, 0x55, // MODE SELECT (6/10)
                    0x4C, // LOG SELECT
                    0x5F, // PERSISTENT RESERVE OUT
                    0x1D, // SEND DIAGNOSTIC
                    0x3B, // WRITE BUFFER
                    0x3F, 0x9F, // WRITE LONG (10/16)
                    0x83, // EXTENDED COPY
                    0x8D, // WRITE ATTRIBUTE
                    0xA4, // MAINTENANCE OUT
                    0xB5, // SECURITY PROTOCOL OUT
                    0x39 // COMPARE (obsolete)
                    -> true;
            // VERIFY (10/12/16) sends data when BYTCHK (byte 1 bits 2-1) is nonzero (SBC-4 §5.33)
            case 0x2F, 0xAF, 0x8F -> (cdb.u8(1) & 0x06) != 0;
            default -> false;
        };
    }

    CompletionStage<ScsiResult> result() {
        return control.result();
    }

    ScsiTask task() {
        return task;
    }

    @Override
    public ScsiResult immediateResult() {
        return null;
    }

    @Override
    public DataDirection direction() {
        return direction;
    }

    @Override
    public int transferLength() {
        return transferLength;
    }

    @Override
    public CompletionStage<ScsiResult> execute() {
        if (!started.compareAndSet(false, true)) {
            throw new IllegalStateException("execute() called twice");
        }
        lun.submit(this);
        return control.result();
    }

    @Override
    public void abandon() {
        dequeue();
        control.finish(ScsiResult.ABORTED);
    }

    @Override
    public CompletionStage<Void> abort() {
        return control.abort(ScsiResult.ABORTED);
    }

    /** Leaves the LU's held list (aborted, abandoned). */
    void dequeue() {
        lun.forget(this);
        ScheduledFuture<?> t = timeout;
        if (t != null) {
            t.cancel(false);
        }
    }

    void complete(ScsiResult r) {
        ScheduledFuture<?> t = timeout;
        if (t != null) {
            t.cancel(false);
        }
        control.finish(r);
    }

    /** Runs now that the LUN left WAITING. */
    void resume(LunState state) {
        if (state instanceof LunState.Active a) {
            runOn(a.handle());
        } else if (state instanceof LunState.Failed || state instanceof LunState.Offline) {
            complete(SenseRenderer.checkCondition(
                    SenseReason.LOGICAL_UNIT_NOT_READY_MANUAL_INTERVENTION_REQUIRED, format));
        } else if (state instanceof LunState.Removed) {
            complete(SenseRenderer.checkCondition(SenseReason.LOGICAL_UNIT_NOT_SUPPORTED, format));
        } else {
            complete(ScsiResult.status(ScsiStatus.BUSY));
        }
    }

    private void runOn(UnitHandle h) {
        if (!h.tryAcquire()) {
            lun.submit(this);
            return;
        }
        CommandDescriptor d;
        try {
            d = DeviceParse.parseOn(lun, h, control.owner, task);
        } catch (ScsiException e) {
            h.release();
            complete(SenseRenderer.checkCondition(e, format));
            return;
        } catch (RuntimeException e) {
            h.release();
            complete(Execution.failure(lun.name, task, e, format));
            return;
        }
        if (ReservationGate.conflicts(lun, control.owner, task, h.unit)) {
            h.release();
            complete(ReservationGate.CONFLICT);
            return;
        }
        boolean wantOut = d.direction() == DataDirection.OUT && d.transferLength() > 0;
        boolean haveOut = direction == DataDirection.OUT;
        ScsiTask effective = task;
        // Data-Out may legitimately be short of the parsed length when the initiator's EDTL is
        // (an overflow, see ScsiTask#dataOut); anything shorter than that was collected for a
        // different guess and cannot run.
        int needed = Math.min(d.transferLength(), Math.max(task.expectedTransferLength(), 0));
        if (wantOut != haveOut || (wantOut && needed > task.dataOut().remaining())) {
            h.release();
            LOG.debug("LUN {}: held command [{}] disagrees with its new parse ({} {}); BUSY for a retry",
                    lun.name, task.cdb(), d.direction(), d.transferLength());
            complete(ScsiResult.status(ScsiStatus.BUSY));
            return;
        }
        // admitted now: it counts as what its parse says (an end above counts as OTHER)
        Prepared.meter(control, task, d);
        if (wantOut && d.transferLength() < task.dataOut().remaining()) {
            effective = new SlicedTask(task, d.transferLength());
        }
        ScsiTask run = effective;
        if (placed || h.unit.queueing() != Queueing.IN_ORDER) {
            control.run(done -> Execution.run(h, d, run, format, done), h::release);
            return;
        }
        // held commands resume in arrival order: each takes its place in the set now, so a tape's
        // commands held across a bundle update still run one at a time, in that order
        InOrderTaskSet.Slot place = lun.ordered.enter();
        // the handle is taken: whoever takes the place out before it runs gives it back
        if (!control.waiting(() -> {
            if (place.leave()) {
                h.release();
            }
        })) {
            if (place.leave()) {
                h.release();
            }
            return;
        }
        place.run(task.executor(), () -> control.run(done -> Execution.run(h, d, run, format, done), h::release))
                .whenComplete((r, e) -> complete(e == null ? r : Execution.failure(lun.name, task, e, format)));
    }
}
