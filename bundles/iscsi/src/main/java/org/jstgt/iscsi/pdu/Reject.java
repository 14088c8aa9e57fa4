package org.jstgt.iscsi.pdu;

import io.netty.buffer.ByteBuf;

/**
 * Reject (RFC 7143 §11.17). The data segment is the complete header (BHS) of the rejected PDU.
 */
public record Reject(int reason, int statSn, int expCmdSn, int maxCmdSn, int dataSn, ByteBuf data) implements Pdu {

    @Override
    public Opcode opcode() {
        return Opcode.REJECT;
    }

    @Override
    public int itt() {
        return Bhs.NO_TAG;
    }

    @Override
    public byte[] header() {
        byte[] h = Pdu.newHeader(opcode(), false, data.readableBytes(), Bhs.NO_TAG);
        h[1] = (byte) 0x80;
        h[2] = (byte) reason;
        Bhs.put32(h, 24, statSn);
        Bhs.put32(h, 28, expCmdSn);
        Bhs.put32(h, 32, maxCmdSn);
        Bhs.put32(h, 36, dataSn);
        return h;
    }

    static Reject decode(byte[] h, ByteBuf data) {
        return new Reject(h[2] & 0xff, Bhs.i32(h, 24), Bhs.i32(h, 28), Bhs.i32(h, 32), Bhs.i32(h, 36), data);
    }
}
