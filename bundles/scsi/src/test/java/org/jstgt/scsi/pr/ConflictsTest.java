package org.jstgt.scsi.pr;

import static org.jstgt.scsi.pr.Pr.*;
import static org.junit.jupiter.api.Assertions.*;

import org.jstgt.api.scsi.ReservationClass;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The conflict table (SPC-4 §5.13.1, SBC-3 §4.17) class by class, for each type, from the holder, a
 * registered I_T nexus that does not hold the reservation, and an unregistered one. A reads (READ
 * class: READ, VERIFY, MODE SENSE...), a writes (WRITE: WRITE, MODE SELECT, SYNCHRONIZE CACHE...),
 * and commands of class ALLOWED (INQUIRY, READ CAPACITY...) go through every type.
 */
class ConflictsTest {
    private static final int READ_10 = 0x28;
    private static final int WRITE_10 = 0x2A;
    private static final int READ_CAPACITY_10 = 0x25;

    private static PrState reserved(PrType type) throws Exception {
        PrEngine e = new PrEngine("d0", new MemoryStore());
        e.persistentReserveOut(A, register(0, 0xAA));
        e.persistentReserveOut(B, register(0, 0xBB));
        e.persistentReserveOut(A, reserve(0xAA, type));
        return e.state();
    }

    @ParameterizedTest(name = "{0} from {1}: read {2}, write {3}")
    @CsvSource({
        "WRITE_EXCLUSIVE,                   holder,       ok,       ok",
        "WRITE_EXCLUSIVE,                   registered,   ok,       conflict",
        "WRITE_EXCLUSIVE,                   unregistered, ok,       conflict",
        "EXCLUSIVE_ACCESS,                  holder,       ok,       ok",
        "EXCLUSIVE_ACCESS,                  registered,   conflict, conflict",
        "EXCLUSIVE_ACCESS,                  unregistered, conflict, conflict",
        "WRITE_EXCLUSIVE_REGISTRANTS_ONLY,  holder,       ok,       ok",
        "WRITE_EXCLUSIVE_REGISTRANTS_ONLY,  registered,   ok,       ok",
        "WRITE_EXCLUSIVE_REGISTRANTS_ONLY,  unregistered, ok,       conflict",
        "EXCLUSIVE_ACCESS_REGISTRANTS_ONLY, holder,       ok,       ok",
        "EXCLUSIVE_ACCESS_REGISTRANTS_ONLY, registered,   ok,       ok",
        "EXCLUSIVE_ACCESS_REGISTRANTS_ONLY, unregistered, conflict, conflict",
        "WRITE_EXCLUSIVE_ALL_REGISTRANTS,   holder,       ok,       ok",
        "WRITE_EXCLUSIVE_ALL_REGISTRANTS,   registered,   ok,       ok",
        "WRITE_EXCLUSIVE_ALL_REGISTRANTS,   unregistered, ok,       conflict",
        "EXCLUSIVE_ACCESS_ALL_REGISTRANTS,  holder,       ok,       ok",
        "EXCLUSIVE_ACCESS_ALL_REGISTRANTS,  registered,   ok,       ok",
        "EXCLUSIVE_ACCESS_ALL_REGISTRANTS,  unregistered, conflict, conflict",
    })
    void persistentReservation(PrType type, String role, String read, String write) throws Exception {
        PrState s = reserved(type);
        ItNexus n = switch (role) {
            case "holder" -> A;
            case "registered" -> B;
            default -> C;
        };
        assertEquals(read.equals("conflict"), Conflicts.conflicts(s, n, READ_10, ReservationClass.READ), "read");
        assertEquals(write.equals("conflict"), Conflicts.conflicts(s, n, WRITE_10, ReservationClass.WRITE), "write");
        assertFalse(Conflicts.conflicts(s, n, READ_CAPACITY_10, ReservationClass.ALLOWED), "allowed class");
        assertFalse(Conflicts.conflicts(s, n, Conflicts.TEST_UNIT_READY, ReservationClass.WRITE),
                "TEST UNIT READY goes through every type, whatever a unit says");
        assertFalse(Conflicts.conflicts(s, n, Conflicts.INQUIRY, ReservationClass.WRITE), "INQUIRY too");
    }

    @Test
    void registrationsWithoutReservationConflictWithNothing() throws Exception {
        PrEngine e = new PrEngine("d0", new MemoryStore());
        e.persistentReserveOut(A, register(0, 0xAA));
        assertFalse(e.state().idle());
        assertFalse(Conflicts.conflicts(e.state(), C, WRITE_10, ReservationClass.WRITE));
    }

    @Test
    void spc2ReservationLetsOthersOnlyWhatNoReservationStops() {
        PrEngine e = new PrEngine("d0", new MemoryStore());
        e.reserve(A);
        PrState s = e.state();
        assertFalse(Conflicts.conflicts(s, A, WRITE_10, ReservationClass.WRITE), "the holder");
        assertFalse(Conflicts.conflicts(s, A, Conflicts.TEST_UNIT_READY, ReservationClass.ALLOWED));
        assertTrue(Conflicts.conflicts(s, B, READ_10, ReservationClass.READ));
        assertTrue(Conflicts.conflicts(s, B, WRITE_10, ReservationClass.WRITE));
        // MODE SENSE, as libiscsi's test_reserve6_2initiators sends it
        assertTrue(Conflicts.conflicts(s, B, 0x1A, ReservationClass.READ));
        assertTrue(Conflicts.conflicts(s, B, Conflicts.TEST_UNIT_READY, ReservationClass.ALLOWED));
        assertFalse(Conflicts.conflicts(s, B, Conflicts.INQUIRY, ReservationClass.WRITE));
        assertFalse(Conflicts.conflicts(s, B, READ_CAPACITY_10, ReservationClass.ALLOWED));
    }
}
