package org.jstgt.iscsi.pdu;

import io.netty.buffer.ByteBuf;

/** NOP-In (RFC 7143 §11.19): answer to a NOP-Out ping, or a target ping (ITT 0xffffffff). */
public record NopIn(long lun, int itt, int ttt, int statSn, int expCmdSn, int maxCmdSn, ByteBuf data)
        implements Pdu {

    @Override
    public Opcode opcode() {
        return Opcode.NOP_IN;
    }

    @Override
    public byte[] header() {
        byte[] h = Pdu.newHeader(opcode(), false, data.readableBytes(), itt);
        h[1] = (byte) 0x80;
        Bhs.put64(h, 8, lun);
        Bhs.put32(h, 20, ttt);
        Bhs.put32(h, 24, statSn);
        Bhs.put32(h, 28, expCmdSn);
        Bhs.put32(h, 32, maxCmdSn);
        return h;
    }

    static NopIn decode(byte[] h, ByteBuf data) {
        return new NopIn(Bhs.i64(h, 8), Bhs.itt(h), Bhs.i32(h, 20), Bhs.i32(h, 24), Bhs.i32(h, 28),
                Bhs.i32(h, 32), data);
    }
}
