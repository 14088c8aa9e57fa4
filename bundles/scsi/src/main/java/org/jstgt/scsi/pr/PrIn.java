package org.jstgt.scsi.pr;

import java.util.Arrays;

import org.jstgt.api.scsi.Cdb;
import org.jstgt.api.scsi.ScsiException;
import org.jstgt.scsi.spc.Bytes;
import org.jstgt.scsi.spc.CdbChecks;

/** PERSISTENT RESERVE IN (SPC-4 §6.15): the CDB and the parameter data of its four service actions. */
public final class PrIn {
    public static final int READ_KEYS = 0x00;
    public static final int READ_RESERVATION = 0x01;
    public static final int REPORT_CAPABILITIES = 0x02;
    public static final int READ_FULL_STATUS = 0x03;
    /** PERSISTENT RESERVATION TYPE MASK (byte 4: WR_EX_AR, EX_AC_RO, WR_EX_RO, EX_AC, WR_EX; byte 5: EX_AC_AR). */
    private static final int TYPE_MASK = 0xEA01;

    private PrIn() {
    }

    /**
     * @param serviceAction SERVICE ACTION (byte 1 bits 4-0)
     * @param allocationLength ALLOCATION LENGTH (bytes 7-8)
     */
    public record Command(int serviceAction, int allocationLength) {
    }

    /**
     * SPC-4 §6.15.1: byte 1 reserved (7-5), SERVICE ACTION (4-0); bytes 2-6 reserved; bytes 7-8
     * ALLOCATION LENGTH; byte 9 CONTROL.
     *
     * @param cdb the CDB
     * @return what it asks
     * @throws ScsiException INVALID FIELD IN CDB for an unknown service action (byte 1 bit 4) or a
     *     reserved field; the CONTROL byte's
     */
    public static Command parseCdb(Cdb cdb) throws ScsiException {
        int sa = serviceAction(cdb, READ_FULL_STATUS);
        CdbChecks.requireZeroBytes(cdb, 2, 6);
        return new Command(sa, cdb.u16(7));
    }

    /**
     * The checks PERSISTENT RESERVE IN and OUT share: the CONTROL byte (byte 9), byte 1 bits 7-5
     * reserved, SERVICE ACTION (byte 1 bits 4-0) at most {@code last}.
     *
     * @return the service action
     */
    static int serviceAction(Cdb cdb, int last) throws ScsiException {
        CdbChecks.checkControl(cdb, 10);
        CdbChecks.requireZero(cdb, 1, 0xE0);
        int sa = cdb.u8(1) & 0x1F;
        if (sa > last) {
            throw ScsiException.invalidCdbField(1, 4);
        }
        return sa;
    }

    /**
     * @param s the logical unit's state
     * @param c the command
     * @param ptplCapable PTPL_C: APTPL can be honoured
     * @return the parameter data cut at the allocation length (the length fields tell the whole)
     */
    public static byte[] data(PrState s, Command c, boolean ptplCapable) {
        byte[] d = switch (c.serviceAction()) {
            case READ_KEYS -> readKeys(s);
            case READ_RESERVATION -> readReservation(s);
            case REPORT_CAPABILITIES -> capabilities(s, ptplCapable);
            default -> FullStatus.data(s, c.allocationLength());
        };
        return d.length <= c.allocationLength() ? d : Arrays.copyOf(d, c.allocationLength());
    }

    /** SPC-4 §6.15.2: PRGENERATION, ADDITIONAL LENGTH, one RESERVATION KEY per registration. */
    private static byte[] readKeys(PrState s) {
        byte[] d = new byte[8 + 8 * s.registrations().size()];
        Bytes.putU32(d, 0, Integer.toUnsignedLong(s.generation()));
        Bytes.putU32(d, 4, d.length - 8L);
        int at = 8;
        for (Registration r : s.registrations()) {
            Bytes.putU64(d, at, r.key());
            at += 8;
        }
        return d;
    }

    /**
     * SPC-4 §6.15.3: PRGENERATION, ADDITIONAL LENGTH (0 or 16); then RESERVATION KEY (0 for an all
     * registrants type), 4 obsolete bytes, a reserved byte, SCOPE (7-4) and TYPE (3-0), 2 obsolete bytes.
     */
    private static byte[] readReservation(PrState s) {
        Reservation r = s.reservation();
        byte[] d = new byte[r == null ? 8 : 24];
        Bytes.putU32(d, 0, Integer.toUnsignedLong(s.generation()));
        if (r != null) {
            Bytes.putU32(d, 4, 16);
            Bytes.putU64(d, 8, r.type().allRegistrants() ? 0 : r.holder().key());
            d[21] = (byte) r.type().code();
        }
        return d;
    }

    /**
     * SPC-4 §6.15.4: LENGTH 8; byte 2 RLR_C 0, CRH 1 (SPC-4 §5.13.3 is followed), SIP_C 1, ATP_C 1,
     * PTPL_C; byte 3 TMV 1, ALLOW COMMANDS 001b (TEST UNIT READY goes through every type), PTPL_A;
     * bytes 4-5 the types supported: all six.
     */
    private static byte[] capabilities(PrState s, boolean ptplCapable) {
        byte[] d = new byte[8];
        d[1] = 8;
        d[2] = (byte) (0x10 | 0x08 | 0x04 | (ptplCapable ? 0x01 : 0));
        d[3] = (byte) (0x80 | 0b001 << 4 | (ptplCapable && s.aptpl() ? 0x01 : 0));
        Bytes.putU16(d, 4, TYPE_MASK);
        return d;
    }
}
