package org.jstgt.iscsi.pdu;

import io.netty.buffer.ByteBuf;

/** Text Request (RFC 7143 §11.10). */
public record TextRequest(boolean immediate, boolean finalFlag, boolean cont, long lun, int itt, int ttt,
        int cmdSn, int expStatSn, ByteBuf data) implements Pdu {

    @Override
    public Opcode opcode() {
        return Opcode.TEXT_REQUEST;
    }

    @Override
    public byte[] header() {
        byte[] h = Pdu.newHeader(opcode(), immediate, data.readableBytes(), itt);
        h[1] = (byte) ((finalFlag ? 0x80 : 0) | (cont ? 0x40 : 0));
        Bhs.put64(h, 8, lun);
        Bhs.put32(h, 20, ttt);
        Bhs.put32(h, 24, cmdSn);
        Bhs.put32(h, 28, expStatSn);
        return h;
    }

    static TextRequest decode(byte[] h, ByteBuf data) {
        return new TextRequest((h[0] & 0x40) != 0, (h[1] & 0x80) != 0, (h[1] & 0x40) != 0, Bhs.i64(h, 8),
                Bhs.itt(h), Bhs.i32(h, 20), Bhs.i32(h, 24), Bhs.i32(h, 28), data);
    }
}
