package org.jstgt.scsi.pr;

import org.jstgt.scsi.spc.Bytes;

/**
 * READ FULL STATUS parameter data (SPC-4 §6.15.5): PRGENERATION, ADDITIONAL LENGTH, then one full
 * status descriptor per registration: RESERVATION KEY (bytes 0-7), reserved (8-11), ALL_TG_PT (byte
 * 12 bit 1) and R_HOLDER (bit 0), SCOPE and TYPE (byte 13, when R_HOLDER), reserved (14-17),
 * RELATIVE TARGET PORT IDENTIFIER (18-19), ADDITIONAL DESCRIPTOR LENGTH (20-23), the initiator's
 * TransportID. Built only as far as the allocation length reaches, so that a long list of
 * registrations costs no more memory than that.
 */
final class FullStatus {
    private FullStatus() {
    }

    static byte[] data(PrState s, int allocationLength) {
        long total = 0;
        for (Registration r : s.registrations()) {
            total += 24 + TransportId.of(r).encode().length;
        }
        byte[] d = new byte[(int) Math.min(8 + total, Math.max(allocationLength, 0))];
        byte[] header = new byte[8];
        Bytes.putU32(header, 0, Integer.toUnsignedLong(s.generation()));
        Bytes.putU32(header, 4, total);
        int at = copy(header, d, 0);
        Reservation res = s.reservation();
        for (Registration r : s.registrations()) {
            if (at >= d.length) {
                break;
            }
            byte[] id = TransportId.of(r).encode();
            byte[] e = new byte[24 + id.length];
            Bytes.putU64(e, 0, r.key());
            boolean holder = res != null && res.heldBy(r);
            e[12] = (byte) ((r.allTargetPorts() ? 0x02 : 0) | (holder ? 0x01 : 0));
            if (holder) {
                e[13] = (byte) res.type().code();
            }
            Bytes.putU16(e, 18, r.relativeTargetPortId());
            Bytes.putU32(e, 20, id.length);
            System.arraycopy(id, 0, e, 24, id.length);
            at = copy(e, d, at);
        }
        return d;
    }

    private static int copy(byte[] from, byte[] to, int at) {
        int n = Math.min(from.length, to.length - at);
        System.arraycopy(from, 0, to, at, n);
        return at + n;
    }
}
