package org.jstgt.iscsi.pdu;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;

/** Ready To Transfer (RFC 7143 §11.8). */
public record R2t(long lun, int itt, int ttt, int statSn, int expCmdSn, int maxCmdSn, int r2tSn, int bufferOffset,
        int desiredDataTransferLength) implements Pdu {

    @Override
    public Opcode opcode() {
        return Opcode.R2T;
    }

    @Override
    public ByteBuf data() {
        return Unpooled.EMPTY_BUFFER;
    }

    @Override
    public byte[] header() {
        byte[] h = Pdu.newHeader(opcode(), false, 0, itt);
        h[1] = (byte) 0x80;
        Bhs.put64(h, 8, lun);
        Bhs.put32(h, 20, ttt);
        Bhs.put32(h, 24, statSn);
        Bhs.put32(h, 28, expCmdSn);
        Bhs.put32(h, 32, maxCmdSn);
        Bhs.put32(h, 36, r2tSn);
        Bhs.put32(h, 40, bufferOffset);
        Bhs.put32(h, 44, desiredDataTransferLength);
        return h;
    }

    static R2t decode(byte[] h) {
        return new R2t(Bhs.i64(h, 8), Bhs.itt(h), Bhs.i32(h, 20), Bhs.i32(h, 24), Bhs.i32(h, 28), Bhs.i32(h, 32),
                Bhs.i32(h, 36), Bhs.i32(h, 40), Bhs.i32(h, 44));
    }
}
