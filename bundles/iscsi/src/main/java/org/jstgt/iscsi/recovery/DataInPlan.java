package org.jstgt.iscsi.recovery;

import io.netty.buffer.ByteBuf;

import org.jstgt.iscsi.pdu.Bhs;
import org.jstgt.iscsi.pdu.DataIn;

/**
 * How a read's data leaves as Data-In PDUs (RFC 7143 §11.7): split at the initiator's
 * MaxRecvDataSegmentLength, with F at each MaxBurstLength sequence end, the status in the last
 * one when it is phase-collapsed (§11.7.4). The plan rebuilds any of its PDUs the same way later,
 * which a Data SNACK asks for (§11.16: exact replicas but ExpCmdSN and MaxCmdSN).
 *
 * @param itt the task's ITT
 * @param lun the LUN field
 * @param moved bytes sent
 * @param segment the initiator's MaxRecvDataSegmentLength at the time
 * @param burst MaxBurstLength
 * @param collapse the status goes in the last Data-In
 * @param status the SCSI status (when collapsed)
 * @param overflow O bit of the status
 * @param underflow U bit of the status
 * @param residual the residual count
 * @param statusSn the StatSN of the status (when collapsed)
 */
public record DataInPlan(int itt, long lun, int moved, int segment, int burst, boolean collapse, int status,
        boolean overflow, boolean underflow, int residual, int statusSn) {

    /** @return how many Data-In PDUs carry the data */
    public int count() {
        int n = 0;
        for (int offset = 0; offset < moved; offset += length(offset)) {
            n++;
        }
        return n;
    }

    private int length(int offset) {
        int inBurst = burst - offset % burst;
        return Math.min(Math.min(segment, moved - offset), inBurst);
    }

    /**
     * @param dataSn 0 .. {@link #count()} - 1
     * @return the offset of that PDU's data in the read buffer
     */
    public int offset(int dataSn) {
        int offset = 0;
        for (int i = 0; i < dataSn; i++) {
            offset += length(offset);
        }
        return offset;
    }

    /**
     * Builds one Data-In PDU of the plan.
     *
     * @param dataSn its DataSN, 0 .. {@link #count()} - 1
     * @param offset its buffer offset ({@link #offset(int)}, or the running offset of a sender
     *     going through them in order)
     * @param data the read buffer (a retained slice of it goes in the PDU)
     * @param statSn the StatSN field when the PDU carries no status (the connection's next one)
     * @param expCmdSn current ExpCmdSN
     * @param maxCmdSn current MaxCmdSN
     * @return the PDU
     */
    public DataIn pdu(int dataSn, int offset, ByteBuf data, int statSn, int expCmdSn, int maxCmdSn) {
        int len = length(offset);
        int inBurst = burst - offset % burst;
        boolean last = offset + len == moved;
        boolean burstEnd = last || len == inBurst;
        boolean withStatus = last && collapse;
        return new DataIn(burstEnd, false, withStatus && overflow, withStatus && underflow, withStatus,
                withStatus ? status : 0, lun, itt, Bhs.NO_TAG, withStatus ? statusSn : statSn, expCmdSn, maxCmdSn,
                dataSn, offset, withStatus ? residual : 0, data.retainedSlice(offset, len));
    }

    /**
     * @param segment a new MaxRecvDataSegmentLength (R-Data SNACK, §11.16.3)
     * @return the same answer split anew, its status sent apart (in a SCSI Response)
     */
    public DataInPlan resegmented(int segment) {
        return new DataInPlan(itt, lun, moved, segment, burst, false, status, overflow, underflow, residual,
                statusSn);
    }
}
