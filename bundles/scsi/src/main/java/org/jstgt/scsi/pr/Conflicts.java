package org.jstgt.scsi.pr;

import org.jstgt.api.scsi.ReservationClass;

/**
 * The reservation conflict check of a command (SPC-4 §5.13.1 and the device standards' tables, SBC-3
 * §4.17; SPC-2 §5.5.1 for RESERVE). The reservation commands themselves (PERSISTENT RESERVE IN/OUT,
 * RESERVE, RELEASE) decide for themselves when they run and are not checked here.
 */
public final class Conflicts {
    /** TEST UNIT READY: SPC-4 §5.13.1 allows it under every persistent reservation (ALLOW COMMANDS 001b). */
    static final int TEST_UNIT_READY = 0x00;
    /** INQUIRY, which no reservation stops (SPC-4 §5.13.1), whatever a unit says. */
    static final int INQUIRY = 0x12;

    private Conflicts() {
    }

    /**
     * @param s the logical unit's reservations
     * @param n the I_T nexus of the command
     * @param opcode its operation code
     * @param c its class against persistent reservations
     * @return true when it ends with RESERVATION CONFLICT
     */
    public static boolean conflicts(PrState s, ItNexus n, int opcode, ReservationClass c) {
        ItNexus spc2 = s.spc2Holder();
        if (spc2 != null) {
            return !spc2.same(n) && !allowedUnderSpc2(opcode, c);
        }
        Reservation r = s.reservation();
        if (r == null || opcode == TEST_UNIT_READY || opcode == INQUIRY || c == ReservationClass.ALLOWED) {
            return false;
        }
        Registration mine = s.registrationOf(n);
        if (r.heldBy(mine)) {
            return false;
        }
        PrType t = r.type();
        if ((t.registrantsOnly() || t.allRegistrants()) && mine != null) {
            // every command from a registered I_T nexus
            return false;
        }
        // Write Exclusive types let others read; Exclusive Access types let them do nothing more
        return !(t.writeExclusive() && c == ReservationClass.READ);
    }

    /**
     * SPC-2 §5.5.1: while another I_T nexus holds a RESERVE, only commands that no reservation
     * stops get through (INQUIRY, the {@link ReservationClass#ALLOWED} ones such as READ CAPACITY
     * or PREVENT ALLOW MEDIUM REMOVAL with PREVENT 0); TEST UNIT READY conflicts.
     */
    private static boolean allowedUnderSpc2(int opcode, ReservationClass c) {
        return opcode == INQUIRY || c == ReservationClass.ALLOWED && opcode != TEST_UNIT_READY;
    }
}
