package org.jstgt.iscsi.tmf;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

import org.jstgt.iscsi.pdu.TaskMgmtRequest;
import org.jstgt.iscsi.pdu.TaskMgmtResponse;
import org.jstgt.iscsi.session.CommandWindow;
import org.jstgt.iscsi.session.ConnectionPort;
import org.jstgt.iscsi.session.Session;
import org.jstgt.iscsi.task.IscsiTask;
import org.jstgt.iscsi.task.TaskTable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Task management requests of one connection (RFC 7143 §11.5, §11.6), acting on the session's
 * tasks and command window; LOGICAL UNIT RESET also reaches the logical unit's tasks of every
 * nexus through the SCSI core.
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

    /**
     * @param port the connection the requests come on
     * @param session its session
     */
    public TaskManagement(ConnectionPort port, Session session) {
        this.port = port;
        this.session = session;
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
        switch (req.function()) {
            case TaskMgmtRequest.ABORT_TASK -> response = abortTask(req);
            case TaskMgmtRequest.ABORT_TASK_SET -> {
                long lun = req.lun();
                int cmdSn = req.cmdSn();
                response = tasks.abortWhere(t -> t.lunField() == lun && (t.immediate() || t.cmdSn() - cmdSn < 0))
                        .thenApply(v -> TaskMgmtResponse.FUNCTION_COMPLETE);
            }
            case TaskMgmtRequest.LOGICAL_UNIT_RESET -> {
                long lun = req.lun();
                CompletableFuture<Void> own = tasks.abortWhere(t -> t.lunField() == lun);
                CompletableFuture<Boolean> unit = session.nexus().resetLogicalUnit(IscsiTask.lunNumber(lun))
                        .toCompletableFuture();
                response = own.thenCombine(unit, (v, exists) -> Boolean.TRUE.equals(exists)
                        ? TaskMgmtResponse.FUNCTION_COMPLETE : TaskMgmtResponse.LUN_DOES_NOT_EXIST);
            }
            case TaskMgmtRequest.TASK_REASSIGN -> response = now(TaskMgmtResponse.REASSIGNMENT_NOT_SUPPORTED);
            default -> response = now(TaskMgmtResponse.NOT_SUPPORTED);
        }
        answerWhenDone(response, req.itt(), req.function(), req.lun());
    }

    private void answerWhenDone(CompletionStage<Integer> response, int itt, int function, long lun) {
        CompletableFuture<Integer> r = response.toCompletableFuture();
        if (r.isDone()) {
            answer(itt, r);
            return;
        }
        ScheduledFuture<?> slow = port.executor().schedule(() -> LOG.warn(
                "{}: task management function {} (ITT 0x{}) on LUN {} still waits after {} s for its tasks to "
                        + "complete in the device; its response follows when they do", port.remoteDescription(),
                function, Integer.toHexString(itt), IscsiTask.lunNumber(lun), SLOW_WARNING_SECONDS),
                SLOW_WARNING_SECONDS, TimeUnit.SECONDS);
        r.whenComplete((v, e) -> {
            try {
                port.executor().execute(() -> {
                    slow.cancel(false);
                    answer(itt, r);
                    port.flushSoon();
                });
            } catch (RejectedExecutionException gone) {
                // the connection's event loop has shut down: nobody waits for the answer
                slow.cancel(false);
            }
        });
    }

    /** Sends the response, on the connection's event loop, when the connection still serves. */
    private void answer(int itt, CompletableFuture<Integer> done) {
        if (!port.fullFeature()) {
            return;
        }
        int response;
        try {
            response = done.join();
        } catch (RuntimeException e) {
            LOG.warn("{}: task management function (ITT 0x{}) failed", port.remoteDescription(),
                    Integer.toHexString(itt), e);
            response = TaskMgmtResponse.REJECTED;
        }
        port.send(new TaskMgmtResponse(response, itt, port.nextStatSn(), window.expCmdSn(), window.maxCmdSn()));
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
