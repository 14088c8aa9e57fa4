package org.jstgt.scsi.pr;

import org.jstgt.api.scsi.Cdb;
import org.jstgt.api.scsi.ScsiException;
import org.jstgt.scsi.spc.CdbChecks;

/**
 * SPC-2's RESERVE(6)/(10) and RELEASE(6)/(10) (SPC-2 §7.21, §7.22, §7.24, §7.25): a reservation of
 * the whole logical unit by one I_T nexus, released by its RELEASE, by the loss of its I_T nexus
 * and by a logical unit or target reset. Third-party and extent reservations are not offered. With
 * persistent reservations they follow SPC-4 §5.13.3 (CRH 1): while any registration exists, a
 * RESERVE or RELEASE conflicts, except from a holder of the persistent reservation or a registered
 * I_T nexus under a registrants only or all registrants type, where it is GOOD and changes nothing.
 */
public final class Spc2 {
    public static final int RESERVE_6 = 0x16;
    public static final int RELEASE_6 = 0x17;
    public static final int RESERVE_10 = 0x56;
    public static final int RELEASE_10 = 0x57;

    private Spc2() {
    }

    /** @return true for RESERVE(6) and RESERVE(10) */
    public static boolean reserves(int opcode) {
        return opcode == RESERVE_6 || opcode == RESERVE_10;
    }

    /**
     * Checks a RESERVE or RELEASE CDB. (6): byte 1 bit 4 3RDPTY and bit 0 EXTENT (SCSI-2; obsolete)
     * must be 0, the rest of bytes 1-4 is obsolete and ignored. (10): byte 1 3RDPTY (4), reserved (3-2),
     * LONGID (1), obsolete EXTENT (0) must be 0; bytes 2-3 (reservation identification, third party
     * device id) are ignored; bytes 4-6 reserved; bytes 7-8 PARAMETER LIST LENGTH must be 0 (it carries
     * only a third party's long id).
     *
     * @param cdb the CDB
     * @throws ScsiException INVALID FIELD IN CDB at the first bad field, or the CONTROL byte's
     */
    public static void checkCdb(Cdb cdb) throws ScsiException {
        if (cdb.opcode() == RESERVE_6 || cdb.opcode() == RELEASE_6) {
            CdbChecks.checkControl(cdb, 6);
            CdbChecks.requireZero(cdb, 1, 0x11);
            return;
        }
        CdbChecks.checkControl(cdb, 10);
        CdbChecks.requireZero(cdb, 1, 0x1F);
        CdbChecks.requireZeroBytes(cdb, 4, 8);
    }

    /**
     * SPC-2 §7.21: a RESERVE from another I_T nexus than the holder's conflicts; the holder's is GOOD
     * again, and the reservation is then held through the object it came with (see
     * {@link PrEngine#nexusLost}).
     */
    static Outcome reserve(PrState s, ItNexus n) {
        if (!s.registrations().isEmpty()) {
            return exempt(s, n) ? Outcome.good(s) : Outcome.conflict(s);
        }
        ItNexus holder = s.spc2Holder();
        if (holder != null && !holder.same(n)) {
            return Outcome.conflict(s);
        }
        return Outcome.good(holder == n ? s : s.withSpc2(n));
    }

    /** SPC-2 §7.24: the holder's RELEASE releases; anyone else's is GOOD and changes nothing. */
    static Outcome release(PrState s, ItNexus n) {
        if (!s.registrations().isEmpty()) {
            return exempt(s, n) ? Outcome.good(s) : Outcome.conflict(s);
        }
        ItNexus holder = s.spc2Holder();
        return Outcome.good(holder != null && holder.same(n) ? s.withSpc2(null) : s);
    }

    /** SPC-4 §5.13.3 a) and b): the I_T nexuses whose RESERVE and RELEASE are GOOD and do nothing. */
    private static boolean exempt(PrState s, ItNexus n) {
        Reservation r = s.reservation();
        Registration mine = s.registrationOf(n);
        boolean everyRegistrant = r != null && (r.type().registrantsOnly() || r.type().allRegistrants());
        return r != null && (r.heldBy(mine) || mine != null && everyRegistrant);
    }
}
