package org.jstgt.iscsi.pdu;

import io.netty.buffer.ByteBuf;

/** NOP-Out (RFC 7143 §11.18): ping from the initiator or answer to a target NOP-In. */
public record NopOut(boolean immediate, long lun, int itt, int ttt, int cmdSn, int expStatSn, ByteBuf data)
        implements Pdu {

    @Override
    public Opcode opcode() {
        return Opcode.NOP_OUT;
    }

    @Override
    public byte[] header() {
        byte[] h = Pdu.newHeader(opcode(), immediate, data.readableBytes(), itt);
        h[1] = (byte) 0x80;
        Bhs.put64(h, 8, lun);
        Bhs.put32(h, 20, ttt);
        Bhs.put32(h, 24, cmdSn);
        Bhs.put32(h, 28, expStatSn);
        return h;
    }

    static NopOut decode(byte[] h, ByteBuf data) {
        return new NopOut((h[0] & 0x40) != 0, Bhs.i64(h, 8), Bhs.itt(h), Bhs.i32(h, 20), Bhs.i32(h, 24),
                Bhs.i32(h, 28), data);
    }
}
