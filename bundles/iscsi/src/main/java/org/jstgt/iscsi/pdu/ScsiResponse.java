package org.jstgt.iscsi.pdu;

import io.netty.buffer.ByteBuf;

/**
 * SCSI Response (RFC 7143 §11.4). The data segment carries SenseLength and sense data (§11.4.7).
 */
public record ScsiResponse(boolean bidiOverflow, boolean bidiUnderflow, boolean overflow, boolean underflow,
        int response, int status, int itt, int snackTag, int statSn, int expCmdSn, int maxCmdSn, int expDataSn,
        int bidiResidualCount, int residualCount, ByteBuf data) implements Pdu {

    /** Response code: Command Completed at Target (§11.4.3). */
    public static final int COMPLETED_AT_TARGET = 0x00;
    /** Response code: Target Failure. */
    public static final int TARGET_FAILURE = 0x01;

    @Override
    public Opcode opcode() {
        return Opcode.SCSI_RESPONSE;
    }

    @Override
    public byte[] header() {
        byte[] h = Pdu.newHeader(opcode(), false, data.readableBytes(), itt);
        h[1] = (byte) (0x80 | (bidiOverflow ? 0x10 : 0) | (bidiUnderflow ? 0x08 : 0) | (overflow ? 0x04 : 0)
                | (underflow ? 0x02 : 0));
        h[2] = (byte) response;
        h[3] = (byte) status;
        Bhs.put32(h, 20, snackTag);
        Bhs.put32(h, 24, statSn);
        Bhs.put32(h, 28, expCmdSn);
        Bhs.put32(h, 32, maxCmdSn);
        Bhs.put32(h, 36, expDataSn);
        Bhs.put32(h, 40, bidiResidualCount);
        Bhs.put32(h, 44, residualCount);
        return h;
    }

    static ScsiResponse decode(byte[] h, ByteBuf data) {
        return new ScsiResponse((h[1] & 0x10) != 0, (h[1] & 0x08) != 0, (h[1] & 0x04) != 0, (h[1] & 0x02) != 0,
                h[2] & 0xff, h[3] & 0xff, Bhs.itt(h), Bhs.i32(h, 20), Bhs.i32(h, 24), Bhs.i32(h, 28),
                Bhs.i32(h, 32), Bhs.i32(h, 36), Bhs.i32(h, 40), Bhs.i32(h, 44), data);
    }
}
