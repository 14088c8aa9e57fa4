package org.jstgt.iscsi.pdu;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;

/** Logout Request (RFC 7143 §11.14). */
public record LogoutRequest(boolean immediate, int reason, int itt, int cid, int cmdSn, int expStatSn)
        implements Pdu {

    public static final int CLOSE_SESSION = 0;
    public static final int CLOSE_CONNECTION = 1;
    public static final int REMOVE_FOR_RECOVERY = 2;

    @Override
    public Opcode opcode() {
        return Opcode.LOGOUT_REQUEST;
    }

    @Override
    public ByteBuf data() {
        return Unpooled.EMPTY_BUFFER;
    }

    @Override
    public byte[] header() {
        byte[] h = Pdu.newHeader(opcode(), immediate, 0, itt);
        h[1] = (byte) (0x80 | (reason & 0x7f));
        Bhs.put16(h, 20, cid);
        Bhs.put32(h, 24, cmdSn);
        Bhs.put32(h, 28, expStatSn);
        return h;
    }

    static LogoutRequest decode(byte[] h) {
        return new LogoutRequest((h[0] & 0x40) != 0, h[1] & 0x7f, Bhs.itt(h), Bhs.u16(h, 20), Bhs.i32(h, 24),
                Bhs.i32(h, 28));
    }
}
