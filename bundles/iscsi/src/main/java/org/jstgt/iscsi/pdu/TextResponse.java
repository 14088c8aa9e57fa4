package org.jstgt.iscsi.pdu;

import io.netty.buffer.ByteBuf;

/** Text Response (RFC 7143 §11.11). */
public record TextResponse(boolean finalFlag, boolean cont, long lun, int itt, int ttt, int statSn, int expCmdSn,
        int maxCmdSn, ByteBuf data) implements Pdu {

    @Override
    public Opcode opcode() {
        return Opcode.TEXT_RESPONSE;
    }

    @Override
    public byte[] header() {
        byte[] h = Pdu.newHeader(opcode(), false, data.readableBytes(), itt);
        h[1] = (byte) ((finalFlag ? 0x80 : 0) | (cont ? 0x40 : 0));
        Bhs.put64(h, 8, lun);
        Bhs.put32(h, 20, ttt);
        Bhs.put32(h, 24, statSn);
        Bhs.put32(h, 28, expCmdSn);
        Bhs.put32(h, 32, maxCmdSn);
        return h;
    }

    static TextResponse decode(byte[] h, ByteBuf data) {
        return new TextResponse((h[1] & 0x80) != 0, (h[1] & 0x40) != 0, Bhs.i64(h, 8), Bhs.itt(h), Bhs.i32(h, 20),
                Bhs.i32(h, 24), Bhs.i32(h, 28), Bhs.i32(h, 32), data);
    }
}
