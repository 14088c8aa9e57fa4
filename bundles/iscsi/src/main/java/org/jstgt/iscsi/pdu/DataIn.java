package org.jstgt.iscsi.pdu;

import io.netty.buffer.ByteBuf;

/**
 * SCSI Data-In (RFC 7143 §11.7). With the S bit it also carries the command's status
 * (phase collapse, §11.7.4) and residuals.
 */
public record DataIn(boolean finalFlag, boolean acknowledge, boolean overflow, boolean underflow,
        boolean statusPresent, int status, long lun, int itt, int ttt, int statSn, int expCmdSn, int maxCmdSn,
        int dataSn, int bufferOffset, int residualCount, ByteBuf data) implements Pdu {

    @Override
    public Opcode opcode() {
        return Opcode.DATA_IN;
    }

    @Override
    public byte[] header() {
        byte[] h = Pdu.newHeader(opcode(), false, data.readableBytes(), itt);
        h[1] = (byte) ((finalFlag ? 0x80 : 0) | (acknowledge ? 0x40 : 0) | (overflow ? 0x04 : 0)
                | (underflow ? 0x02 : 0) | (statusPresent ? 0x01 : 0));
        h[3] = (byte) (statusPresent ? status : 0);
        Bhs.put64(h, 8, lun);
        Bhs.put32(h, 20, ttt);
        Bhs.put32(h, 24, statSn);
        Bhs.put32(h, 28, expCmdSn);
        Bhs.put32(h, 32, maxCmdSn);
        Bhs.put32(h, 36, dataSn);
        Bhs.put32(h, 40, bufferOffset);
        Bhs.put32(h, 44, residualCount);
        return h;
    }

    static DataIn decode(byte[] h, ByteBuf data) {
        return new DataIn((h[1] & 0x80) != 0, (h[1] & 0x40) != 0, (h[1] & 0x04) != 0, (h[1] & 0x02) != 0,
                (h[1] & 0x01) != 0, h[3] & 0xff, Bhs.i64(h, 8), Bhs.itt(h), Bhs.i32(h, 20), Bhs.i32(h, 24),
                Bhs.i32(h, 28), Bhs.i32(h, 32), Bhs.i32(h, 36), Bhs.i32(h, 40), Bhs.i32(h, 44), data);
    }
}
