package org.jstgt.iscsi.pdu;

import io.netty.buffer.ByteBuf;

/** SCSI Data-Out (RFC 7143 §11.7). */
public record DataOut(boolean finalFlag, long lun, int itt, int ttt, int expStatSn, int dataSn, int bufferOffset,
        ByteBuf data) implements Pdu {

    @Override
    public Opcode opcode() {
        return Opcode.DATA_OUT;
    }

    @Override
    public byte[] header() {
        byte[] h = Pdu.newHeader(opcode(), false, data.readableBytes(), itt);
        h[1] = (byte) (finalFlag ? 0x80 : 0);
        Bhs.put64(h, 8, lun);
        Bhs.put32(h, 20, ttt);
        Bhs.put32(h, 28, expStatSn);
        Bhs.put32(h, 36, dataSn);
        Bhs.put32(h, 40, bufferOffset);
        return h;
    }

    static DataOut decode(byte[] h, ByteBuf data) {
        return new DataOut((h[1] & 0x80) != 0, Bhs.i64(h, 8), Bhs.itt(h), Bhs.i32(h, 20), Bhs.i32(h, 28),
                Bhs.i32(h, 36), Bhs.i32(h, 40), data);
    }
}
