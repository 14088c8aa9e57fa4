package org.jstgt.iscsi.pdu;

import io.netty.buffer.ByteBuf;

/** Login Response (RFC 7143 §11.13). */
public record LoginResponse(boolean transit, boolean cont, int csg, int nsg, int versionMax, int versionActive,
        long isid, int tsih, int itt, int statSn, int expCmdSn, int maxCmdSn, int statusClass, int statusDetail,
        ByteBuf data) implements Pdu {

    @Override
    public Opcode opcode() {
        return Opcode.LOGIN_RESPONSE;
    }

    /** @return Status-Class and Status-Detail as one number, e.g. 0x0201 */
    public int status() {
        return statusClass << 8 | statusDetail;
    }

    @Override
    public byte[] header() {
        byte[] h = Pdu.newHeader(opcode(), false, data.readableBytes(), itt);
        h[1] = (byte) ((transit ? 0x80 : 0) | (cont ? 0x40 : 0) | (csg & 3) << 2 | (nsg & 3));
        h[2] = (byte) versionMax;
        h[3] = (byte) versionActive;
        Bhs.put48(h, 8, isid);
        Bhs.put16(h, 14, tsih);
        Bhs.put32(h, 24, statSn);
        Bhs.put32(h, 28, expCmdSn);
        Bhs.put32(h, 32, maxCmdSn);
        h[36] = (byte) statusClass;
        h[37] = (byte) statusDetail;
        return h;
    }

    static LoginResponse decode(byte[] h, ByteBuf data) {
        return new LoginResponse((h[1] & 0x80) != 0, (h[1] & 0x40) != 0, (h[1] >> 2) & 3, h[1] & 3, h[2] & 0xff,
                h[3] & 0xff, Bhs.u48(h, 8), Bhs.u16(h, 14), Bhs.itt(h), Bhs.i32(h, 24), Bhs.i32(h, 28),
                Bhs.i32(h, 32), h[36] & 0xff, h[37] & 0xff, data);
    }
}
