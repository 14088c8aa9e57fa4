package org.jstgt.scsi.pr;

import static org.jstgt.scsi.pr.Pr.*;
import static org.junit.jupiter.api.Assertions.*;

import java.util.List;

import org.jstgt.api.scsi.SenseReason;
import org.jstgt.scsi.spc.Expect;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** PREEMPT and PREEMPT AND ABORT (SPC-4 §5.13.11.2.4-5), with A, B and C registered (B and C share a key). */
class PreemptingTest extends EngineFixture {
    @BeforeEach
    void registerThree() throws Exception {
        out(A, register(0, 0xAA));
        out(B, register(0, 0xBB));
        out(C, register(0, 0xBB));
    }

    private static Notice notice(Outcome o, SenseReason r) {
        return o.notices().stream().filter(n -> n.sense().equals(r.sense())).findFirst().orElseThrow();
    }

    @Test
    void withoutReservationTheRegistrationsOfTheKeyGo() throws Exception {
        Outcome o = out(A, preempt(0xAA, 0xBB, PrType.EXCLUSIVE_ACCESS));
        assertEquals(List.of(engine.state().registrationOf(A)), engine.state().registrations());
        assertNull(engine.state().reservation(), "no reservation is made");
        assertEquals(4, engine.state().generation());
        Notice n = notice(o, SenseReason.REGISTRATIONS_PREEMPTED);
        assertTrue(n.reaches(B) && n.reaches(C));
        assertFalse(n.reaches(A));
        assertEquals(2, o.preempted().size());
    }

    @Test
    void keyZeroOrNoMatchWithoutReservation() throws Exception {
        Expect.inList(SenseReason.INVALID_FIELD_IN_PARAMETER_LIST, 8, -1,
                () -> out(A, preempt(0xAA, 0, PrType.EXCLUSIVE_ACCESS)));
        assertTrue(out(A, preempt(0xAA, 0x77, PrType.EXCLUSIVE_ACCESS)).conflict());
        assertTrue(out(A, preempt(0xA0, 0xBB, PrType.EXCLUSIVE_ACCESS)).conflict(), "its own key is wrong");
        assertTrue(out(A, preempt(0xAA, 0xAA, PrType.EXCLUSIVE_ACCESS)).conflict(), "it never preempts itself");
        assertEquals(3, engine.state().registrations().size());
    }

    @Test
    void preemptingTheHolderTakesTheReservationAndTellsOfTheNewType() throws Exception {
        ItNexus d = nexus("iqn.2026-01.org.test:d", 1, 1);
        out(d, register(0, 0xDD));
        out(B, reserve(0xBB, PrType.WRITE_EXCLUSIVE));
        Outcome o = out(A, preempt(0xAA, 0xBB, PrType.EXCLUSIVE_ACCESS));
        Reservation r = engine.state().reservation();
        assertEquals(PrType.EXCLUSIVE_ACCESS, r.type());
        assertTrue(r.heldBy(engine.state().registrationOf(A)));
        assertNull(engine.state().registrationOf(B));
        assertNull(engine.state().registrationOf(C), "every registration of the key");
        Notice preempted = notice(o, SenseReason.REGISTRATIONS_PREEMPTED);
        assertTrue(preempted.reaches(B) && preempted.reaches(C) && !preempted.reaches(d));
        Notice released = notice(o, SenseReason.RESERVATIONS_RELEASED);
        assertTrue(released.reaches(d), "the type changed");
        assertFalse(released.reaches(A) || released.reaches(B));
    }

    @Test
    void sameTypeTellsNoRelease() throws Exception {
        out(B, reserve(0xBB, PrType.WRITE_EXCLUSIVE));
        Outcome o = out(A, preempt(0xAA, 0xBB, PrType.WRITE_EXCLUSIVE));
        assertEquals(1, o.notices().size());
    }

    @Test
    void holderPreemptsItselfToChangeTheType() throws Exception {
        out(A, reserve(0xAA, PrType.WRITE_EXCLUSIVE));
        Outcome o = out(A, preempt(0xAA, 0xAA, PrType.EXCLUSIVE_ACCESS_REGISTRANTS_ONLY));
        assertFalse(o.conflict());
        assertEquals(PrType.EXCLUSIVE_ACCESS_REGISTRANTS_ONLY, engine.state().reservation().type());
        assertEquals(3, engine.state().registrations().size());
        assertTrue(o.preempted().isEmpty());
    }

    @Test
    void anotherKeyThanTheHoldersLeavesTheReservation() throws Exception {
        out(A, reserve(0xAA, PrType.WRITE_EXCLUSIVE));
        ItNexus d = nexus("iqn.2026-01.org.test:d", 1, 1);
        out(d, register(0, 0xDD));
        out(d, preempt(0xDD, 0xBB, PrType.EXCLUSIVE_ACCESS));
        assertEquals(PrType.WRITE_EXCLUSIVE, engine.state().reservation().type());
        assertTrue(engine.state().reservation().heldBy(engine.state().registrationOf(A)));
        assertEquals(2, engine.state().registrations().size());
        Expect.inList(SenseReason.INVALID_FIELD_IN_PARAMETER_LIST, 8, -1,
                () -> out(d, preempt(0xDD, 0, PrType.EXCLUSIVE_ACCESS)));
    }

    @Test
    void allRegistrantsWithKeyZeroRemovesEveryOtherRegistration() throws Exception {
        out(B, reserve(0xBB, PrType.EXCLUSIVE_ACCESS_ALL_REGISTRANTS));
        Outcome o = out(A, preempt(0xAA, 0, PrType.WRITE_EXCLUSIVE));
        assertEquals(1, engine.state().registrations().size());
        Reservation r = engine.state().reservation();
        assertEquals(PrType.WRITE_EXCLUSIVE, r.type());
        assertTrue(r.heldBy(engine.state().registrationOf(A)));
        assertEquals(2, o.preempted().size());
    }

    @Test
    void allRegistrantsWithAKeyRemovesItsRegistrationsAndKeepsTheReservation() throws Exception {
        out(B, reserve(0xBB, PrType.WRITE_EXCLUSIVE_ALL_REGISTRANTS));
        out(A, preempt(0xAA, 0xBB, PrType.EXCLUSIVE_ACCESS));
        Reservation r = engine.state().reservation();
        assertEquals(PrType.WRITE_EXCLUSIVE_ALL_REGISTRANTS, r.type(), "the reservation stays as it was");
        assertTrue(r.heldBy(engine.state().registrationOf(A)));
        assertEquals(1, engine.state().registrations().size());
    }

    @Test
    void preemptAndAbortNamesThePreemptedRegistrations() throws Exception {
        out(B, reserve(0xBB, PrType.EXCLUSIVE_ACCESS));
        Outcome o = out(A, req(PrOutRequest.PREEMPT_AND_ABORT, PrType.EXCLUSIVE_ACCESS, 0xAA, 0xBB));
        assertEquals(2, o.preempted().size());
        assertTrue(o.preempted().stream().anyMatch(r -> r.covers(B)));
        assertTrue(o.preempted().stream().anyMatch(r -> r.covers(C)));
    }
}
