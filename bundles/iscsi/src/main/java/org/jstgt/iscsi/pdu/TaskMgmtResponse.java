package org.jstgt.iscsi.pdu;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;

/** Task Management Function Response (RFC 7143 §11.6). */
public record TaskMgmtResponse(int response, int itt, int statSn, int expCmdSn, int maxCmdSn) implements Pdu {

    public static final int FUNCTION_COMPLETE = 0;
    public static final int TASK_DOES_NOT_EXIST = 1;
    public static final int LUN_DOES_NOT_EXIST = 2;
    public static final int TASK_STILL_ALLEGIANT = 3;
    public static final int REASSIGNMENT_NOT_SUPPORTED = 4;
    public static final int NOT_SUPPORTED = 5;
    public static final int AUTHORIZATION_FAILED = 6;
    public static final int REJECTED = 255;

    @Override
    public Opcode opcode() {
        return Opcode.TASK_MGMT_RESPONSE;
    }

    @Override
    public ByteBuf data() {
        return Unpooled.EMPTY_BUFFER;
    }

    @Override
    public byte[] header() {
        byte[] h = Pdu.newHeader(opcode(), false, 0, itt);
        h[1] = (byte) 0x80;
        h[2] = (byte) response;
        Bhs.put32(h, 24, statSn);
        Bhs.put32(h, 28, expCmdSn);
        Bhs.put32(h, 32, maxCmdSn);
        return h;
    }

    static TaskMgmtResponse decode(byte[] h) {
        return new TaskMgmtResponse(h[2] & 0xff, Bhs.itt(h), Bhs.i32(h, 24), Bhs.i32(h, 28), Bhs.i32(h, 32));
    }
}
