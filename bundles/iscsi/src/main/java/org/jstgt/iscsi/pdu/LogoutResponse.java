package org.jstgt.iscsi.pdu;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;

/** Logout Response (RFC 7143 §11.15). */
public record LogoutResponse(int response, int itt, int statSn, int expCmdSn, int maxCmdSn, int time2Wait,
        int time2Retain) implements Pdu {

    public static final int SUCCESS = 0;
    public static final int CID_NOT_FOUND = 1;
    public static final int RECOVERY_NOT_SUPPORTED = 2;
    public static final int CLEANUP_FAILED = 3;

    @Override
    public Opcode opcode() {
        return Opcode.LOGOUT_RESPONSE;
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
        Bhs.put16(h, 40, time2Wait);
        Bhs.put16(h, 42, time2Retain);
        return h;
    }

    static LogoutResponse decode(byte[] h) {
        return new LogoutResponse(h[2] & 0xff, Bhs.itt(h), Bhs.i32(h, 24), Bhs.i32(h, 28), Bhs.i32(h, 32),
                Bhs.u16(h, 40), Bhs.u16(h, 42));
    }
}
