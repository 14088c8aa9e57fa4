package org.jstgt.iscsi.pdu;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;

/** SNACK Request (RFC 7143 §11.16). Only meaningful at ErrorRecoveryLevel > 0. */
public record SnackRequest(int type, long lun, int itt, int ttt, int expStatSn, int begRun, int runLength)
        implements Pdu {

    @Override
    public Opcode opcode() {
        return Opcode.SNACK_REQUEST;
    }

    @Override
    public ByteBuf data() {
        return Unpooled.EMPTY_BUFFER;
    }

    @Override
    public byte[] header() {
        byte[] h = Pdu.newHeader(opcode(), false, 0, itt);
        h[1] = (byte) (0x80 | (type & 0x0f));
        Bhs.put64(h, 8, lun);
        Bhs.put32(h, 20, ttt);
        Bhs.put32(h, 28, expStatSn);
        Bhs.put32(h, 40, begRun);
        Bhs.put32(h, 44, runLength);
        return h;
    }

    static SnackRequest decode(byte[] h) {
        return new SnackRequest(h[1] & 0x0f, Bhs.i64(h, 8), Bhs.itt(h), Bhs.i32(h, 20), Bhs.i32(h, 28),
                Bhs.i32(h, 40), Bhs.i32(h, 44));
    }
}
