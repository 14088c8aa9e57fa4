package org.jstgt.iscsi.recovery;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;

import org.jstgt.iscsi.pdu.Bhs;
import org.jstgt.iscsi.pdu.DataIn;
import org.jstgt.iscsi.pdu.RejectReason;
import org.jstgt.iscsi.pdu.ScsiResponse;
import org.jstgt.iscsi.pdu.SnackRequest;
import org.jstgt.iscsi.session.CommandWindow;
import org.jstgt.iscsi.session.ConnectionPort;

/**
 * SNACK requests of one connection at ErrorRecoveryLevel 1 (RFC 7143 §11.16), answered from its
 * {@link Retention}: Data SNACK (Data-In of a read sent again, exact replicas), R2T SNACK (through
 * the task's data collector), Status SNACK (numbered responses sent again), R-Data SNACK (a read's
 * data split anew at the current MaxRecvDataSegmentLength, then its status in a SCSI Response
 * carrying the SNACK Tag, same StatSN, §11.16.3). The target never asks for a DataACK (no A bit in
 * Data-In), so a DataACK is rejected as invalid. A SNACK for something never sent or already
 * acknowledged is rejected with Protocol Error; for a response no longer kept, with SNACK Reject.
 */
public final class Snacks {
    /** Type codes (§11.16.1). */
    static final int DATA_R2T = 0;
    static final int STATUS = 1;
    static final int DATA_ACK = 2;
    static final int R_DATA = 3;

    /** Sends R2Ts of a write task again: exact replicas with the current StatSN (§11.16). */
    @FunctionalInterface
    public interface R2tResend {
        /**
         * @param itt the task
         * @param begRun first R2TSN
         * @param runLength how many, 0 for all from begRun
         * @return -1 when sent, else the next R2TSN the task would send (for the Reject)
         */
        int resend(int itt, int begRun, int runLength);
    }

    private final ConnectionPort port;
    private final CommandWindow window;
    private final Retention retention;
    private final R2tResend r2ts;

    /**
     * @param port the connection
     * @param window its session's command window
     * @param retention what the connection keeps
     * @param r2ts R2Ts sent again for a write task
     */
    public Snacks(ConnectionPort port, CommandWindow window, Retention retention, R2tResend r2ts) {
        this.port = port;
        this.window = window;
        this.retention = retention;
        this.r2ts = r2ts;
    }

    /**
     * Answers one SNACK.
     *
     * @param s the request
     */
    public void handle(SnackRequest s) {
        switch (s.type()) {
            case DATA_R2T -> dataOrR2t(s);
            case STATUS -> status(s);
            case DATA_ACK -> port.reject(RejectReason.INVALID_DATA_ACK, s.header());
            case R_DATA -> rData(s);
            default -> port.reject(RejectReason.PROTOCOL_ERROR, s.header());
        }
    }

    private void dataOrR2t(SnackRequest s) {
        Retention.Read read = retention.read(s.itt());
        if (read == null) {
            int next = r2ts.resend(s.itt(), s.begRun(), s.runLength());
            if (next >= 0) {
                port.reject(RejectReason.PROTOCOL_ERROR, s.header(), next);
            }
            return;
        }
        DataInPlan plan = read.plan();
        int count = plan.count();
        long end = s.runLength() == 0 ? count : (s.begRun() & 0xffffffffL) + (s.runLength() & 0xffffffffL);
        if (s.begRun() < 0 || s.begRun() >= count || end > count) {
            port.reject(RejectReason.PROTOCOL_ERROR, s.header(), count);
            return;
        }
        ByteBuf data = read.data().buffer();
        int offset = plan.offset(s.begRun());
        for (int sn = s.begRun(); sn < end; sn++) {
            DataIn d = plan.pdu(sn, offset, data, port.statSn(), window.expCmdSn(), window.maxCmdSn());
            offset += d.data().readableBytes();
            port.send(d);
        }
    }

    private void status(SnackRequest s) {
        int begin = s.begRun() == 0 && s.runLength() == 0 ? retention.acknowledged() : s.begRun();
        int end = s.runLength() == 0 ? retention.next() : s.begRun() + s.runLength();
        if (end - begin <= 0) {
            port.reject(RejectReason.PROTOCOL_ERROR, s.header());
            return;
        }
        for (int sn = begin; sn - end < 0; sn++) {
            int refused = retention.check(sn);
            if (refused != 0) {
                port.reject(refused, s.header());
                return;
            }
            Replay r = retention.response(sn);
            if (r != null) {
                port.send(r.again(window.expCmdSn(), window.maxCmdSn()));
                continue;
            }
            Retention.Read read = retention.readWithStatus(sn);
            if (read == null) {
                port.reject(RejectReason.PROTOCOL_ERROR, s.header());
                return;
            }
            DataInPlan plan = read.plan();
            int last = plan.count() - 1;
            port.send(plan.pdu(last, plan.offset(last), read.data().buffer(), port.statSn(), window.expCmdSn(),
                    window.maxCmdSn()));
        }
    }

    private void rData(SnackRequest s) {
        Retention.Read read = retention.read(s.itt());
        if (s.begRun() != 0 || s.runLength() != 0 || s.ttt() == 0 || s.ttt() == Bhs.NO_TAG) {
            port.reject(RejectReason.INVALID_PDU_FIELD, s.header());
            return;
        }
        if (read == null) {
            port.reject(RejectReason.PROTOCOL_ERROR, s.header());
            return;
        }
        Replay kept = retention.response(read.statusSn());
        if (kept == null && !read.plan().collapse()) {
            // its SCSI Response (which may carry CHECK CONDITION) is kept no longer: cannot answer
            port.reject(RejectReason.SNACK_REJECT, s.header());
            return;
        }
        DataInPlan plan = read.plan().resegmented(port.negotiated().initiatorMaxRecvDataSegmentLength());
        ByteBuf data = read.data().buffer();
        int offset = 0;
        int count = plan.count();
        for (int sn = 0; sn < count; sn++) {
            DataIn d = plan.pdu(sn, offset, data, port.statSn(), window.expCmdSn(), window.maxCmdSn());
            offset += d.data().readableBytes();
            port.send(d);
        }
        // the status again, with the SNACK Tag and the StatSN it had (§11.16.3)
        ScsiResponse status;
        if (kept != null) {
            byte[] h = kept.header();
            status = new ScsiResponse(false, false, (h[1] & 0x04) != 0, (h[1] & 0x02) != 0, h[2] & 0xff, h[3] & 0xff,
                    s.itt(), s.ttt(), read.statusSn(), window.expCmdSn(), window.maxCmdSn(), count, 0,
                    Bhs.i32(h, 44), kept.data().retainedDuplicate());
        } else {
            status = new ScsiResponse(false, false, plan.overflow(), plan.underflow(),
                    ScsiResponse.COMPLETED_AT_TARGET, plan.status(), s.itt(), s.ttt(), read.statusSn(),
                    window.expCmdSn(), window.maxCmdSn(), count, 0, plan.residual(), Unpooled.EMPTY_BUFFER);
        }
        retention.resegmented(read, plan, status);
        port.send(status);
    }
}
