package org.jstgt.iscsi.pdu;

import io.netty.buffer.ByteBuf;

/** Login Request (RFC 7143 §11.12). Always immediate. */
public record LoginRequest(boolean transit, boolean cont, int csg, int nsg, int versionMax, int versionMin,
        long isid, int tsih, int itt, int cid, int cmdSn, int expStatSn, ByteBuf data) implements Pdu {

    @Override
    public Opcode opcode() {
        return Opcode.LOGIN_REQUEST;
    }

    @Override
    public byte[] header() {
        byte[] h = Pdu.newHeader(opcode(), true, data.readableBytes(), itt);
        h[1] = (byte) ((transit ? 0x80 : 0) | (cont ? 0x40 : 0) | (csg & 3) << 2 | (nsg & 3));
        h[2] = (byte) versionMax;
        h[3] = (byte) versionMin;
        Bhs.put48(h, 8, isid);
        Bhs.put16(h, 14, tsih);
        Bhs.put16(h, 20, cid);
        Bhs.put32(h, 24, cmdSn);
        Bhs.put32(h, 28, expStatSn);
        return h;
    }

    static LoginRequest decode(byte[] h, ByteBuf data) {
        return new LoginRequest((h[1] & 0x80) != 0, (h[1] & 0x40) != 0, (h[1] >> 2) & 3, h[1] & 3, h[2] & 0xff,
                h[3] & 0xff, Bhs.u48(h, 8), Bhs.u16(h, 14), Bhs.itt(h), Bhs.u16(h, 20), Bhs.i32(h, 24),
                Bhs.i32(h, 28), data);
    }
}
