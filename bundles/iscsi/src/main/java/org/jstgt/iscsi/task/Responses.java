package org.jstgt.iscsi.task;

import io.netty.buffer.ByteBuf;

import org.jstgt.api.mgmt.IoMeter;
import org.jstgt.api.scsi.DataDirection;
import org.jstgt.api.scsi.ScsiStatus;
import org.jstgt.api.target.PreparedCommand;
import org.jstgt.api.target.ScsiResult;
import org.jstgt.iscsi.pdu.DataIn;
import org.jstgt.iscsi.pdu.ScsiResponse;
import org.jstgt.iscsi.recovery.DataInPlan;
import org.jstgt.iscsi.recovery.Retention;
import org.jstgt.iscsi.session.CommandWindow;
import org.jstgt.iscsi.session.ConnectionPort;
import org.jstgt.iscsi.session.Session;

/**
 * A task's answer on its connection: Data-In split at the initiator's MaxRecvDataSegmentLength
 * with F at each MaxBurstLength sequence end, and the status, phase-collapsed into the last
 * Data-In when GOOD without sense (RFC 7143 §11.7.4), with residuals (§11.4.5). Data the task sent
 * ahead ({@link DataInStream}) is not sent again: its status goes in a SCSI Response.
 */
final class Responses {
    private final ConnectionPort port;
    private final Session session;
    private final TaskTable tasks;
    private final CommandWindow window;

    Responses(ConnectionPort port, Session session) {
        this.port = port;
        this.session = session;
        this.tasks = session.tasks();
        this.window = session.window();
    }

    /**
     * Sends a task's Data-In and status, counts it in the session's I/O meter ({@link IoMeter.Kind#of}:
     * from its arrival to now) and ends it.
     */
    void respond(IscsiTask task, ScsiResult result, int dataInLength) {
        int edtl = task.edtl;
        ByteBuf in = task.dataInBuffer();
        boolean streamed = task.streamed >= 0; // the data already left (DataInStream): only the status goes
        int capacity = streamed ? task.streamProduced : in == null ? 0 : in.capacity();
        int produced = Math.min(Math.max(dataInLength, 0), capacity);
        boolean isIn = task.prepared != null && task.prepared.direction() == DataDirection.IN;
        int residual = 0;
        boolean overflow = false;
        boolean underflow = false;
        int moved;
        if (isIn || streamed) {
            moved = streamed ? task.streamed : Math.min(produced, edtl);
            if (produced > edtl) {
                overflow = true;
                residual = produced - edtl;
            } else if (edtl > moved) {
                underflow = true;
                residual = edtl - moved;
            }
        } else if (task.prepared != null && task.prepared.direction() == DataDirection.OUT) {
            moved = 0;
            int length = task.prepared.transferLength();
            if (edtl < length) {
                overflow = true;
                residual = length - edtl;
            } else if (edtl > length) {
                underflow = true;
                residual = edtl - length;
            }
        } else {
            moved = 0;
            if (edtl > 0) {
                underflow = true;
                residual = edtl;
            }
        }
        count(task, result, moved); // before the answer leaves: whoever sees it sees it counted
        boolean collapse = !streamed && moved > 0 && result.status() == ScsiStatus.GOOD && result.sense().length == 0;
        int sn = port.statSn();
        if (collapse) {
            port.nextStatSn(); // the last Data-In carries the status, with StatSN sn
        }
        DataInPlan plan = new DataInPlan(task.itt, task.lunField, moved, port.negotiated()
                .initiatorMaxRecvDataSegmentLength(), session.negotiated().maxBurstLength(), collapse,
                result.status(), overflow, underflow, residual, sn);
        int dataSn = streamed ? task.dataInPdus : 0;
        int offset = streamed ? moved : 0;
        while (offset < moved) {
            DataIn d = plan.pdu(dataSn++, offset, in, sn, window.expCmdSn(), tasks.maxCmdSnAfter(task));
            offset += d.data().readableBytes();
            port.send(d);
        }
        task.dataInPdus = dataSn;
        int statusSn = sn;
        if (!collapse) {
            int expDataSn = isIn || streamed ? dataSn : task.r2tSn;
            statusSn = port.nextStatSn();
            port.send(new ScsiResponse(false, false, overflow, underflow, ScsiResponse.COMPLETED_AT_TARGET,
                    result.status(), task.itt, 0, statusSn, window.expCmdSn(), tasks.maxCmdSnAfter(task),
                    expDataSn, 0, residual, Sense.segment(result.sense())));
        }
        Retention retention = port.retention();
        if (retention != null && moved > 0 && !streamed) {
            // ErrorRecoveryLevel 1: the read data stays (within the read budget) until the
            // initiator acknowledges the status, for a Data SNACK (RFC 7143 §11.16)
            retention.keepRead(plan, statusSn, task.takeDataIn());
        }
        tasks.finish(task);
    }

    /** Counts an answered command in the session's meter: two clock reads in all, nothing allocated. */
    private void count(IscsiTask task, ScsiResult result, int moved) {
        PreparedCommand p = task.prepared;
        IoMeter.Kind kind = IoMeter.Kind.of(task.cdb().opcode(), p == null ? DataDirection.NONE : p.direction());
        long bytes = switch (kind) {
            case READ -> moved;
            case WRITE -> Math.max(0, Math.min(task.covered, task.transferLength));
            default -> 0;
        };
        session.meter().record(kind, bytes, System.nanoTime() - task.arrived, result.status(),
                org.jstgt.api.scsi.SenseData.senseKey(result.sense()));
    }
}
