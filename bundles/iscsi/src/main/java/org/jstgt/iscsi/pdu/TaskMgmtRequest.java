package org.jstgt.iscsi.pdu;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;

/** Task Management Function Request (RFC 7143 §11.5). */
public record TaskMgmtRequest(boolean immediate, int function, long lun, int itt, int referencedTaskTag,
        int cmdSn, int expStatSn, int refCmdSn, int expDataSn) implements Pdu {

    public static final int ABORT_TASK = 1;
    public static final int ABORT_TASK_SET = 2;
    public static final int CLEAR_ACA = 3;
    public static final int CLEAR_TASK_SET = 4;
    public static final int LOGICAL_UNIT_RESET = 5;
    public static final int TARGET_WARM_RESET = 6;
    public static final int TARGET_COLD_RESET = 7;
    public static final int TASK_REASSIGN = 8;

    @Override
    public Opcode opcode() {
        return Opcode.TASK_MGMT_REQUEST;
    }

    @Override
    public ByteBuf data() {
        return Unpooled.EMPTY_BUFFER;
    }

    @Override
    public byte[] header() {
        byte[] h = Pdu.newHeader(opcode(), immediate, 0, itt);
        h[1] = (byte) (0x80 | (function & 0x7f));
        Bhs.put64(h, 8, lun);
        Bhs.put32(h, 20, referencedTaskTag);
        Bhs.put32(h, 24, cmdSn);
        Bhs.put32(h, 28, expStatSn);
        Bhs.put32(h, 32, refCmdSn);
        Bhs.put32(h, 36, expDataSn);
        return h;
    }

    static TaskMgmtRequest decode(byte[] h) {
        return new TaskMgmtRequest((h[0] & 0x40) != 0, h[1] & 0x7f, Bhs.i64(h, 8), Bhs.itt(h), Bhs.i32(h, 20),
                Bhs.i32(h, 24), Bhs.i32(h, 28), Bhs.i32(h, 32), Bhs.i32(h, 36));
    }
}
