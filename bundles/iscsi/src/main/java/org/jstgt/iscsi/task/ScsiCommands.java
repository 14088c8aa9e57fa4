package org.jstgt.iscsi.task;

import java.util.List;
import java.util.concurrent.CompletionStage;

import io.netty.buffer.ByteBuf;

import org.jstgt.api.scsi.Cdb;
import org.jstgt.api.scsi.DataDirection;
import org.jstgt.api.scsi.SenseReason;
import org.jstgt.api.scsi.TaskAttribute;
import org.jstgt.api.target.PreparedCommand;
import org.jstgt.api.target.ScsiResult;
import org.jstgt.iscsi.flow.SessionFlow;
import org.jstgt.iscsi.flow.WriteBudget;
import org.jstgt.iscsi.log.LogBudget;
import org.jstgt.iscsi.log.LogSafe;
import org.jstgt.iscsi.log.SessionMdc;
import org.jstgt.iscsi.login.Negotiated;
import org.jstgt.iscsi.pdu.DataOut;
import org.jstgt.iscsi.pdu.RejectReason;
import org.jstgt.iscsi.pdu.ScsiCommand;
import org.jstgt.iscsi.poll.DeviceWork;
import org.jstgt.iscsi.session.ConnectionPort;
import org.jstgt.iscsi.session.Session;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * SCSI commands of one connection (RFC 7143 §11.3): checks the command's data rules, prepares it
 * in the SCSI core, hands its write data to the {@link DataOutCollector}, executes it, and answers
 * through {@link Responses} when the device completes (hopping back to the connection's event
 * loop when the device completed elsewhere).
 */
public final class ScsiCommands {
    private static final Logger LOG = LoggerFactory.getLogger(ScsiCommands.class);

    private final ConnectionPort port;
    private final Session session;
    private final TaskTable tasks;
    private final DataOutCollector collector;
    private final Responses responses;
    private final SessionFlow flow;
    private final DataPhaseTimer dataPhase;
    /** Peer-caused warnings of this connection's commands. */
    private final LogBudget peerLog = new LogBudget();

    /**
     * @param port the connection the commands come on
     * @param session its session
     */
    public ScsiCommands(ConnectionPort port, Session session) {
        this.port = port;
        this.session = session;
        this.tasks = session.tasks();
        this.responses = new Responses(port, session);
        this.collector = new DataOutCollector(port, session, this::execute, this::dataOutOfSequence);
        this.flow = session.flow();
        this.dataPhase = new DataPhaseTimer(port, tasks, flow.settings().dataPhaseTimeoutSeconds(),
                this::dataPhaseExpired);
    }

    /** @return where this connection's Data-Out goes */
    public DataOutCollector collector() {
        return collector;
    }

    /**
     * A SCSI Command, delivered in CmdSN order.
     *
     * @param cmd the command (the caller releases it)
     */
    public void command(ScsiCommand cmd) {
        if (tasks.get(cmd.itt()) != null) {
            port.reject(RejectReason.TASK_IN_PROGRESS, cmd.header());
            return;
        }
        if (cmd.immediate() && flow.immediateFull()) {
            // Immediate commands bypass the command window (RFC 7143 §3.2.2.1): bounded here.
            LOG.debug("{}: immediate command ITT 0x{} rejected: {} outstanding", port.remoteDescription(),
                    Integer.toHexString(cmd.itt()), flow.immediateOutstanding());
            port.reject(RejectReason.IMMEDIATE_COMMAND_REJECT, cmd.header());
            return;
        }
        Negotiated n = session.negotiated();
        int immediateLength = cmd.data().readableBytes();
        int edtl = cmd.expectedDataTransferLength();
        if (edtl < 0) {
            port.reject(RejectReason.INVALID_PDU_FIELD, cmd.header());
            return;
        }
        if (immediateLength > 0 && (!n.immediateData() || !cmd.write() || immediateLength > edtl
                || immediateLength > n.firstBurstLength())) {
            port.protocolError(cmd, "immediate data of " + immediateLength + " bytes not allowed (ImmediateData="
                    + n.immediateData() + ", W=" + cmd.write() + ", EDTL=" + edtl + ", FirstBurstLength="
                    + n.firstBurstLength() + ")");
            return;
        }
        if (!cmd.finalFlag() && (n.initialR2t() || !cmd.write())) {
            port.protocolError(cmd, "unsolicited Data-Out announced (F=0) with InitialR2T=Yes or without W");
            return;
        }
        List<DataOut> early = session.window().takeEarlyData(cmd.itt());
        try {
            start(cmd, immediateLength, edtl, early);
        } finally {
            if (early != null) {
                early.forEach(DataOut::release);
            }
        }
    }

    private void start(ScsiCommand cmd, int immediateLength, int edtl, List<DataOut> early) {
        Negotiated n = session.negotiated();
        IscsiTask task = new IscsiTask(session, port, cmd.itt(), cmd.cmdSn(), cmd.immediate(), cmd.lun(),
                new Cdb(cmd.cdb()), TaskAttribute.fromIscsi(cmd.attribute()), edtl,
                cmd.write() ? DataDirection.OUT : cmd.read() ? DataDirection.IN : DataDirection.NONE);
        task.engine = this;
        tasks.started(task);
        if (task.immediate) {
            flow.immediateStarted();
            task.immediateSlot = true;
        }
        if (cmd.read() && cmd.write()) {
            // Bidirectional commands (RFC 7143 §11.3.6) are not implemented: fail the command.
            responses.respond(task, Sense.checkCondition(SenseReason.INVALID_FIELD_IN_COMMAND_INFORMATION_UNIT), 0);
            return;
        }
        PreparedCommand prepared;
        try {
            prepared = session.nexus().prepare(task);
        } catch (RuntimeException e) {
            LOG.warn("prepare failed for CDB {}", task.cdb(), e);
            responses.respond(task, Sense.checkCondition(SenseReason.INTERNAL_TARGET_FAILURE), 0);
            return;
        }
        task.prepared = prepared;
        ScsiResult result = prepared.immediateResult();
        if (result != null) {
            // Any immediate or unsolicited data is discarded (Data-Out for ended tasks is ignored).
            responses.respond(task, result, 0);
            return;
        }
        if (prepared.direction() != DataDirection.OUT) {
            execute(task);
            return;
        }
        int length = prepared.transferLength();
        // Overflow (EDTL shorter than the CDB asks, RFC 7143 §11.4.5.1): collect and hand over only
        // the EDTL bytes; the device stores what is whole and the response carries the O bit and
        // the residual (what Debian's libiscsi Write*Residuals tests expect).
        task.transferLength = Math.min(length, edtl);
        task.unsolicitedLimit = n.initialR2t() ? immediateLength : Math.min(n.firstBurstLength(), edtl);
        ByteBuf immediate = cmd.data();
        boolean adopt = immediateLength > 0 && collector.isPlaced(immediate)
                && immediate.capacity() >= task.transferLength;
        int size = adopt ? immediate.capacity() : Math.max(task.transferLength, 1);
        WriteBudget budget = flow.writeBudget();
        if (budget.bytes().tooLarge(size)) {
            LOG.debug("{}: WRITE of {} bytes exceeds write.buffer.max {}", port.remoteDescription(), size,
                    budget.bytes().max());
            prepared.abandon();
            responses.respond(task, Overload.TOO_LARGE, 0);
            return;
        }
        if (!budget.tryTake(size)) {
            if (immediateLength > 0 || !cmd.finalFlag() || early != null) {
                // Its data comes unasked and would have nowhere to go (SAM-5 §5.3.3).
                prepared.abandon();
                responses.respond(task, Overload.TASK_SET_FULL, 0);
                return;
            }
            // No data before our R2Ts: the command waits for buffer space (WriteBudget).
            budget.await(size, () -> task.engine.waiting(task), () -> task.engine.budgetGranted(task, size));
            return;
        }
        task.budgeted = size;
        if (adopt) {
            // The immediate data was received into a buffer sized for the whole transfer: keep it.
            task.out = immediate.retain();
            task.accept(0, immediate, true);
        } else {
            task.out = Overload.directBuffer(port.alloc(), size);
            if (task.out == null) {
                prepared.abandon();
                responses.respond(task, Overload.BUSY, 0);
                return;
            }
            if (immediateLength > 0) {
                task.accept(0, immediate, false);
            }
        }
        task.unsolicitedNext = immediateLength;
        task.unsolicitedDone = cmd.finalFlag();
        if (task.unsolicitedDone) {
            task.nextR2tOffset = Math.min(immediateLength, task.transferLength);
        }
        if (early != null) {
            for (DataOut d : early) {
                if (port.fullFeature() && tasks.get(cmd.itt()) == task) {
                    collector.accept(task, d);
                }
            }
            if (tasks.get(cmd.itt()) != task || !port.fullFeature()) {
                return;
            }
        }
        collector.earlyDataLost(task);
        collector.progress(task);
        watchDataPhase(task);
    }

    /** A task still waiting for Data-Out after its start is timed (data.phase.timeout). */
    private void watchDataPhase(IscsiTask task) {
        if (task.state == IscsiTask.State.COLLECTING && tasks.get(task.itt) == task && port.fullFeature()) {
            dataPhase.watch(task);
        }
    }

    /** Starts a task in the device; its data, if any, is all in. */
    private void execute(IscsiTask task) {
        task.state = IscsiTask.State.EXECUTING;
        session.executionStarted();
        CompletionStage<ScsiResult> stage;
        try {
            stage = task.prepared.execute();
        } catch (RuntimeException e) {
            LOG.warn("execute failed for CDB {}", task.cdb(), e);
            completed(task, Sense.checkCondition(SenseReason.INTERNAL_TARGET_FAILURE), null);
            return;
        }
        task.execution = stage;
        // a write still working elsewhere (io_uring's workers, I/O threads): the loop does not poll
        // meanwhile. Reads are left out: a READ whose data this loop sends (DataInStream) waits for
        // nobody else, and one the task set runs later has not even started.
        boolean away = task.declaredDirection() != DataDirection.IN && !stage.toCompletableFuture().isDone()
                && port.executor().inEventLoop();
        if (away) {
            DeviceWork.started();
        }
        // completed by the engine of the connection the task is allegiant to by then (TASK REASSIGN)
        stage.whenComplete((result, error) -> {
            // the completion's lines name the session and LUN (SessionMdc), on whatever thread it runs
            Runnable done = () -> {
                if (away) {
                    DeviceWork.ended();
                }
                try (SessionMdc.Scope s = SessionMdc.enter(port.mdc(), IscsiTask.lunNumber(task.lunField()))) {
                    task.engine.completed(task, result, error);
                }
            };
            if (port.executor().inEventLoop()) {
                done.run();
            } else {
                port.executor().execute(done);
            }
        });
    }

    private void completed(IscsiTask task, ScsiResult result, Throwable error) {
        // ended without a response in the core (aborted for this nexus: a reset it asked for, its
        // end). One aborted by another nexus's action has TASK ABORTED status (TAS 1) and is answered.
        boolean noResponse = result != null && result.aborted();
        result = Overload.answer(task, result, error);
        if (task.orphaned && !task.aborted && !noResponse) {
            // its connection failed at ErrorRecoveryLevel 2: answered where it is reassigned to
            task.held = result;
            session.executionEnded();
            return;
        }
        if (!port.fullFeature() || task.aborted || noResponse) {
            tasks.finish(task);
            session.executionEnded();
            return;
        }
        session.executionEnded();
        answer(task, result);
        port.flushSoon();
    }

    /** Sends a completed task's answer (a failure while answering: see answerFailure) and ends it. */
    private void answer(IscsiTask task, ScsiResult result) {
        int statSn = port.statSn();
        try {
            responses.respond(task, result, result.dataInLength());
        } catch (RuntimeException e) {
            answerFailure(task, statSn, e);
        } finally {
            tasks.finish(task);
        }
    }

    /**
     * TASK REASSIGN (RFC 7143 §11.5.1, ErrorRecoveryLevel 2): an orphaned task of this session
     * becomes allegiant to this connection, after the Task Management Response left. Completed
     * meanwhile: its answer goes now. Executing: it will be answered here. In its data phase: the
     * data not yet received is asked for with R2Ts from the first byte missing.
     *
     * @param task the task
     */
    public void adopt(IscsiTask task) {
        task.connection = port;
        task.engine = this;
        task.orphaned = false;
        if (task.held != null) {
            ScsiResult r = task.held;
            task.held = null;
            answer(task, r);
        } else if (task.state == IscsiTask.State.COLLECTING && task.out != null) {
            collector.resume(task);
            watchDataPhase(task);
        }
        port.flushSoon();
    }

    /**
     * Answering a completed task failed: while its status has not left, the initiator gets CHECK
     * CONDITION / INTERNAL TARGET FAILURE (44h/00h) and no data; once it has (StatSN moved on), what
     * the initiator saw is unknown and the connection is given up (ErrorRecoveryLevel 0).
     */
    private void answerFailure(IscsiTask task, int statSn, RuntimeException e) {
        LOG.error("{}: answering command {} (ITT 0x{}) failed", port.remoteDescription(), task.cdb(),
                Integer.toHexString(task.itt), e);
        if (port.statSn() == statSn) {
            // answered as a command without data: nothing of the command's own view is trusted
            task.prepared = null;
            try {
                responses.respond(task, Sense.checkCondition(SenseReason.INTERNAL_TARGET_FAILURE), 0);
                return;
            } catch (RuntimeException again) {
                LOG.error("{}: answering command {} with CHECK CONDITION failed too", port.remoteDescription(),
                        task.cdb(), again);
            }
        }
        port.close();
    }

    /**
     * Buffer space for a waiting WRITE (see {@link WriteBudget#await}): its data phase starts now,
     * with its R2Ts; a command that ended meanwhile gives the space back.
     */
    private void budgetGranted(IscsiTask task, int size) {
        if (!waiting(task)) {
            flow.writeBudget().give(size, port.executor());
            return;
        }
        task.budgeted = size;
        task.out = Overload.directBuffer(port.alloc(), size);
        if (task.out == null) {
            task.prepared.abandon();
            responses.respond(task, Overload.BUSY, 0);
        } else {
            collector.progress(task);
            watchDataPhase(task);
        }
        port.flushSoon();
    }

    /** @return true while a WRITE queued for buffer space still wants it */
    private boolean waiting(IscsiTask task) {
        return tasks.get(task.itt) == task && task.state == IscsiTask.State.COLLECTING && port.fullFeature();
    }

    /**
     * A Data-Out of the task was out of sequence and rejected, or its data was lost more often than
     * recovery R2Ts may ask for it again: the task ends with CHECK CONDITION, ABORTED COMMAND, DATA
     * PHASE ERROR (the initiator may retry it) and its buffer is freed.
     */
    private void dataOutOfSequence(IscsiTask task, String why) {
        if (peerLog.allow(LOG, port.remoteDescription())) {
            LOG.warn("{} session {}: ITT 0x{}: {}; the command ends with CHECK CONDITION, DATA PHASE ERROR",
                    port.remoteDescription(), session.tsih(), Integer.toHexString(task.itt),
                    LogSafe.of(why, LogSafe.MESSAGE));
        }
        task.prepared.abandon();
        responses.respond(task, Overload.DATA_PHASE_ERROR, 0);
        port.flushSoon();
    }

    /** The initiator stopped sending a task's Data-Out for {@code data.phase.timeout} seconds. */
    private void dataPhaseExpired(IscsiTask task) {
        LOG.info("{} session {}: no Data-Out for ITT 0x{} ({} of {} bytes in) within {} s (data.phase.timeout); "
                + "answering CHECK CONDITION, DATA PHASE ERROR", port.remoteDescription(), session.tsih(),
                Integer.toHexString(task.itt), task.covered, task.transferLength,
                flow.settings().dataPhaseTimeoutSeconds());
        task.prepared.abandon();
        responses.respond(task, Overload.DATA_PHASE_ERROR, 0);
        port.flushSoon();
    }
}
