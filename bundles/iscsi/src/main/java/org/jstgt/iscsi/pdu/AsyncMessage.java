package org.jstgt.iscsi.pdu;

import io.netty.buffer.ByteBuf;

/** Asynchronous Message (RFC 7143 §11.9). ITT is always 0xffffffff. */
public record AsyncMessage(long lun, int statSn, int expCmdSn, int maxCmdSn, int asyncEvent, int asyncVCode,
        int parameter1, int parameter2, int parameter3, ByteBuf data) implements Pdu {

    /** AsyncEvent 0: a SCSI asynchronous event; the data segment carries SenseLength and sense data (§11.9.1). */
    public static final int EVENT_SCSI = 0;
    /** AsyncEvent 1: the target requests a logout within Parameter3 seconds (§11.9.1). */
    public static final int EVENT_LOGOUT_REQUESTED = 1;
    /**
     * AsyncEvent 2: the target will drop the connection whose CID is Parameter1; Parameter2 is
     * Time2Wait, Parameter3 Time2Retain, 0 when the connection's tasks are terminated (§11.9.1).
     */
    public static final int EVENT_CONNECTION_DROP = 2;

    @Override
    public Opcode opcode() {
        return Opcode.ASYNC_MESSAGE;
    }

    @Override
    public int itt() {
        return Bhs.NO_TAG;
    }

    @Override
    public byte[] header() {
        byte[] h = Pdu.newHeader(opcode(), false, data.readableBytes(), Bhs.NO_TAG);
        h[1] = (byte) 0x80;
        Bhs.put64(h, 8, lun);
        Bhs.put32(h, 24, statSn);
        Bhs.put32(h, 28, expCmdSn);
        Bhs.put32(h, 32, maxCmdSn);
        h[36] = (byte) asyncEvent;
        h[37] = (byte) asyncVCode;
        Bhs.put16(h, 38, parameter1);
        Bhs.put16(h, 40, parameter2);
        Bhs.put16(h, 42, parameter3);
        return h;
    }

    static AsyncMessage decode(byte[] h, ByteBuf data) {
        return new AsyncMessage(Bhs.i64(h, 8), Bhs.i32(h, 24), Bhs.i32(h, 28), Bhs.i32(h, 32), h[36] & 0xff,
                h[37] & 0xff, Bhs.u16(h, 38), Bhs.u16(h, 40), Bhs.u16(h, 42), data);
    }
}
