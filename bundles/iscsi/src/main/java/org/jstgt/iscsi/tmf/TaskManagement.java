package org.jstgt.iscsi.tmf;

import org.jstgt.iscsi.pdu.TaskMgmtRequest;
import org.jstgt.iscsi.pdu.TaskMgmtResponse;
import org.jstgt.iscsi.session.CommandWindow;
import org.jstgt.iscsi.session.ConnectionPort;
import org.jstgt.iscsi.session.Session;
import org.jstgt.iscsi.task.IscsiTask;
import org.jstgt.iscsi.task.TaskTable;

/**
 * Task management requests of one connection (RFC 7143 §11.5, §11.6), acting on the session's
 * tasks and command window; LOGICAL UNIT RESET also reaches the logical unit through the nexus.
 */
public final class TaskManagement {
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
     * Answers one request, delivered in CmdSN order (or at once when immediate).
     *
     * @param req the request (the caller releases it)
     */
    public void request(TaskMgmtRequest req) {
        int response;
        switch (req.function()) {
            case TaskMgmtRequest.ABORT_TASK -> response = abortTask(req);
            case TaskMgmtRequest.ABORT_TASK_SET -> {
                tasks.abortWhere(t -> t.lunField() == req.lun() && (t.immediate() || t.cmdSn() - req.cmdSn() < 0));
                response = TaskMgmtResponse.FUNCTION_COMPLETE;
            }
            case TaskMgmtRequest.LOGICAL_UNIT_RESET -> {
                int lun = IscsiTask.lunNumber(req.lun());
                tasks.abortWhere(t -> t.lunField() == req.lun());
                response = session.nexus().logicalUnitReset(lun) ? TaskMgmtResponse.FUNCTION_COMPLETE
                        : TaskMgmtResponse.LUN_DOES_NOT_EXIST;
            }
            case TaskMgmtRequest.TASK_REASSIGN -> response = TaskMgmtResponse.REASSIGNMENT_NOT_SUPPORTED;
            default -> response = TaskMgmtResponse.NOT_SUPPORTED;
        }
        port.send(new TaskMgmtResponse(response, req.itt(), port.nextStatSn(), window.expCmdSn(), window.maxCmdSn()));
    }

    private int abortTask(TaskMgmtRequest req) {
        IscsiTask t = tasks.get(req.referencedTaskTag());
        if (t != null && t.lunField() == req.lun()) {
            tasks.abort(t);
            return TaskMgmtResponse.FUNCTION_COMPLETE;
        }
        if (window.dropQueued(req.referencedTaskTag())) {
            return TaskMgmtResponse.FUNCTION_COMPLETE;
        }
        // RFC 7143 §11.5.1: a RefCmdSN inside the window and before the TMF is treated as received.
        if (req.refCmdSn() - window.expCmdSn() >= 0 && req.refCmdSn() - req.cmdSn() < 0
                && window.inWindow(req.refCmdSn())) {
            window.skip(req.refCmdSn());
            return TaskMgmtResponse.FUNCTION_COMPLETE;
        }
        return TaskMgmtResponse.TASK_DOES_NOT_EXIST;
    }
}
