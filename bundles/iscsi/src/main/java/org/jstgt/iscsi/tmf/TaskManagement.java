package org.jstgt.iscsi.tmf;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

import org.jstgt.iscsi.log.SessionMdc;
import org.jstgt.iscsi.pdu.TaskMgmtRequest;
import org.jstgt.iscsi.pdu.TaskMgmtResponse;
import org.jstgt.iscsi.session.CommandWindow;
import org.jstgt.iscsi.session.ConnectionPort;
import org.jstgt.iscsi.session.Session;
import org.jstgt.iscsi.session.SessionTable;
import org.jstgt.iscsi.task.IscsiTask;
import org.jstgt.iscsi.task.ScsiCommands;
import org.jstgt.iscsi.task.TaskTable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Task management requests of one connection (RFC 7143 §11.5, §11.6), acting on the session's
 * tasks and command window; CLEAR TASK SET and LOGICAL UNIT RESET also reach the logical unit's
 * tasks of every nexus through the SCSI core, TARGET WARM RESET and TARGET COLD RESET those of
 * every logical unit of the target ({@link TargetReset}). A discovery session has no logical unit:
 * every function there is answered "Function authorization failed".
 *
 * <p>An abort is answered only when every affected task is gone (as LIO and SCST do): abandoned in
 * its data phase, removed before it ran, or completed in the device with its response suppressed
 * (RFC 7143 §4.2.3.4). Other commands keep flowing meanwhile. A store that never completes keeps
 * the answer waiting; after {@link #SLOW_WARNING_SECONDS} a WARN names the function and the LUN, as
 * the initiator's own TMF timeout will then escalate (usually to a session reinstatement).
 */
public final class TaskManagement {
    private static final Logger LOG = LoggerFactory.getLogger(TaskManagement.class);
    /** Seconds after which a task management function still waiting for its tasks is logged. */
    static final long SLOW_WARNING_SECONDS = 30;

    private final ConnectionPort port;
    private final Session session;
    private final TaskTable tasks;
    private final CommandWindow window;
    private final SessionTable sessions;
    private final ScsiCommands commands;
    /** What a TASK REASSIGN does once its response is sent (answered at once, on this loop). */
    private Runnable afterResponse;

    /**
     * @param port the connection the requests come on
     * @param session its session
     * @param sessions the fabric's sessions (a TARGET COLD RESET ends those of the target)
     * @param commands this connection's SCSI command engine (tasks reassigned to it)
     */
    public TaskManagement(ConnectionPort port, Session session, SessionTable sessions, ScsiCommands commands) {
        this.port = port;
        this.commands = commands;
        this.session = session;
        this.sessions = sessions;
        this.tasks = session.tasks();
        this.window = session.window();
    }

    /**
     * Handles one request, delivered in CmdSN order (or at once when immediate); the response
     * leaves when the affected tasks are gone.
     *
     * @param req the request (the caller releases it once this returns)
     */
    public void request(TaskMgmtRequest req) {
        CompletionStage<Integer> response;
        if (session.discovery()) {
            answerWhenDone(now(TaskMgmtResponse.AUTHORIZATION_FAILED), req.itt(), req.function(), req.lun());
            return;
        }
        switch (req.function()) {
            case TaskMgmtRequest.ABORT_TASK -> response = abortTask(req);
            case TaskMgmtRequest.ABORT_TASK_SET -> {
                long lun = req.lun();
                int cmdSn = req.cmdSn();
                response = tasks.abortWhere(t -> t.lunField() == lun && (t.immediate() || t.cmdSn() - cmdSn < 0))
                        .thenApply(v -> TaskMgmtResponse.FUNCTION_COMPLETE);
            }
            // SAM-5 §7.5: every task of the LU, of every nexus; no other effect of a reset
            case TaskMgmtRequest.CLEAR_TASK_SET -> response = unit(req.lun(),
                    session.nexus().clearTaskSet(IscsiTask.lunNumber(req.lun())));
            case TaskMgmtRequest.LOGICAL_UNIT_RESET -> response = unit(req.lun(),
                    session.nexus().resetLogicalUnit(IscsiTask.lunNumber(req.lun())));
            // SAM-5 §7.3: no logical unit here supports ACA (standard INQUIRY NORMACA 0, a NACA bit
            // set in a CDB is refused), so there is no ACA condition to clear and CLEAR ACA is a
            // function the task manager does not support: "Task management function not supported",
            // which RFC 7143 §11.6.1 maps to the SAM service response FUNCTION REJECTED.
            case TaskMgmtRequest.CLEAR_ACA -> response = now(TaskMgmtResponse.NOT_SUPPORTED);
            case TaskMgmtRequest.TARGET_WARM_RESET, TaskMgmtRequest.TARGET_COLD_RESET ->
                    response = TargetReset.start(port, session, req.function());
            case TaskMgmtRequest.TASK_REASSIGN -> {
                answerWhenDone(reassign(req), req.itt(), req.function(), req.lun());
                return;
            }
            default -> response = now(TaskMgmtResponse.NOT_SUPPORTED);
        }
        answerWhenDone(response, req.itt(), req.function(), req.lun());
    }

    /**
     * TASK REASSIGN (RFC 7143 §11.5.1, §7.2.2): at ErrorRecoveryLevel 2 a task of a failed
     * connection becomes allegiant to this one; the move takes effect once the response left
     * (its answer, R2Ts or data come after it). A task whose connection still serves is "still
     * allegiant"; below level 2, reassignment is not supported.
     */
    private CompletionStage<Integer> reassign(TaskMgmtRequest req) {
        if (!session.recoverable()) {
            return now(TaskMgmtResponse.REASSIGNMENT_NOT_SUPPORTED);
        }
        int itt = req.referencedTaskTag();
        IscsiTask t = tasks.get(itt);
        if (t != null) {
            if (!t.orphaned()) {
                return now(TaskMgmtResponse.TASK_STILL_ALLEGIANT);
            }
            afterResponse = () -> {
                if (tasks.get(itt) == t && t.orphaned()) {
                    commands.adopt(t);
                }
            };
            return now(TaskMgmtResponse.FUNCTION_COMPLETE);
        }
        if (session.orphans().has(itt)) {
            int expDataSn = req.expDataSn();
            afterResponse = () -> session.orphans().resend(itt, expDataSn, port, window);
            return now(TaskMgmtResponse.FUNCTION_COMPLETE);
        }
        return now(TaskMgmtResponse.TASK_DOES_NOT_EXIST);
    }

    /**
     * This session's tasks of the LU are aborted here (those in their data phase included), every
     * nexus's in the core by {@code core}.
     */
    private CompletionStage<Integer> unit(long lun, CompletionStage<Boolean> core) {
        CompletableFuture<Void> own = tasks.abortWhere(t -> t.lunField() == lun);
        return own.thenCombine(core.toCompletableFuture(), (v, exists) -> Boolean.TRUE.equals(exists)
                ? TaskMgmtResponse.FUNCTION_COMPLETE : TaskMgmtResponse.LUN_DOES_NOT_EXIST);
    }

    private void answerWhenDone(CompletionStage<Integer> response, int itt, int function, long lun) {
        CompletableFuture<Integer> r = response.toCompletableFuture();
        if (r.isDone()) {
            answer(itt, function, r);
            return;
        }
        ScheduledFuture<?> slow = port.executor().schedule(SessionMdc.wrap(port.mdc(), IscsiTask.lunNumber(lun), () -> LOG.warn(
                "{}: task management function {} (ITT 0x{}) on LUN {} still waits after {} s for its tasks to "
                        + "complete in the device; its response follows when they do", port.remoteDescription(),
                function, Integer.toHexString(itt), IscsiTask.lunNumber(lun), SLOW_WARNING_SECONDS)),
                SLOW_WARNING_SECONDS, TimeUnit.SECONDS);
        r.whenComplete((v, e) -> {
            try {
                port.executor().execute(SessionMdc.wrap(port.mdc(), SessionMdc.NO_LUN, () -> {
                    slow.cancel(false);
                    answer(itt, function, r);
                    port.flushSoon();
                }));
            } catch (RejectedExecutionException gone) {
                // the connection's event loop has shut down: nobody waits for the answer
                slow.cancel(false);
            }
        });
    }

    /**
     * Sends the response, on the connection's event loop, when the connection still serves; after
     * a TARGET COLD RESET, closes the target's connections (this one once the response has left).
     */
    private void answer(int itt, int function, CompletableFuture<Integer> done) {
        int response;
        try {
            response = done.join();
        } catch (RuntimeException e) {
            LOG.warn("{}: task management function (ITT 0x{}) failed", port.remoteDescription(),
                    Integer.toHexString(itt), e);
            response = TaskMgmtResponse.REJECTED;
        }
        if (port.fullFeature()) {
            port.send(new TaskMgmtResponse(response, itt, port.nextStatSn(), window.expCmdSn(), window.maxCmdSn()));
            Runnable then = afterResponse;
            afterResponse = null;
            if (then != null && function == TaskMgmtRequest.TASK_REASSIGN) {
                then.run();
            }
        }
        if (function == TaskMgmtRequest.TARGET_COLD_RESET && response == TaskMgmtResponse.FUNCTION_COMPLETE) {
            TargetReset.closeAll(sessions, session, port);
        }
    }

    private CompletionStage<Integer> abortTask(TaskMgmtRequest req) {
        IscsiTask t = tasks.get(req.referencedTaskTag());
        if (t != null && t.lunField() == req.lun()) {
            return tasks.abort(t).thenApply(v -> TaskMgmtResponse.FUNCTION_COMPLETE);
        }
        if (window.dropQueued(req.referencedTaskTag())) {
            return now(TaskMgmtResponse.FUNCTION_COMPLETE);
        }
        // RFC 7143 §11.5.1: a RefCmdSN inside the window and before the TMF is treated as received.
        if (req.refCmdSn() - window.expCmdSn() >= 0 && req.refCmdSn() - req.cmdSn() < 0
                && window.inWindow(req.refCmdSn())) {
            window.skip(req.refCmdSn());
            return now(TaskMgmtResponse.FUNCTION_COMPLETE);
        }
        return now(TaskMgmtResponse.TASK_DOES_NOT_EXIST);
    }

    private static CompletionStage<Integer> now(int response) {
        return CompletableFuture.completedFuture(response);
    }
}
