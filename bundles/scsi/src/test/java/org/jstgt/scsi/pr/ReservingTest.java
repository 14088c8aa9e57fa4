package org.jstgt.scsi.pr;

import static org.jstgt.scsi.pr.Pr.*;
import static org.junit.jupiter.api.Assertions.*;

import org.jstgt.api.scsi.SenseReason;
import org.jstgt.scsi.spc.Expect;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** RESERVE, RELEASE and CLEAR (SPC-4 §5.13.9, §5.13.11.2.2, §5.13.11.2.6), with A, B and C registered. */
class ReservingTest extends EngineFixture {
    @BeforeEach
    void registerThree() throws Exception {
        out(A, register(0, 0xAA));
        out(B, register(0, 0xBB));
        out(C, register(0, 0xCC));
    }

    @ParameterizedTest
    @EnumSource(PrType.class)
    void registeredNexusReservesEveryTypeWithoutChangingTheGeneration(PrType type) throws Exception {
        assertFalse(out(A, reserve(0xAA, type)).conflict());
        assertEquals(type, engine.state().reservation().type());
        assertEquals(3, engine.state().generation());
        assertFalse(out(A, reserve(0xAA, type)).conflict(), "the holder reserving again is GOOD");
        assertEquals(type.allRegistrants(), !out(B, reserve(0xBB, type)).conflict(),
                "another registrant holds it already only under an all registrants type");
    }

    @Test
    void reserveNeedsARegistrationAndItsKey() throws Exception {
        assertTrue(out(nexus(NAME_A, 9, 1), reserve(0xAA, PrType.EXCLUSIVE_ACCESS)).conflict(), "not registered");
        assertTrue(out(A, reserve(0xAB, PrType.EXCLUSIVE_ACCESS)).conflict(), "not its key");
        assertNull(engine.state().reservation());
    }

    @Test
    void holderAskingAnotherTypeConflicts() throws Exception {
        out(A, reserve(0xAA, PrType.WRITE_EXCLUSIVE));
        assertTrue(out(A, reserve(0xAA, PrType.EXCLUSIVE_ACCESS)).conflict());
        assertTrue(out(B, reserve(0xBB, PrType.WRITE_EXCLUSIVE)).conflict());
        assertEquals(PrType.WRITE_EXCLUSIVE, engine.state().reservation().type());
    }

    @Test
    void releaseByANonHolderOrWithoutReservationIsGoodAndChangesNothing() throws Exception {
        assertFalse(out(A, release(0xAA, PrType.WRITE_EXCLUSIVE)).conflict());
        out(A, reserve(0xAA, PrType.WRITE_EXCLUSIVE));
        assertFalse(out(B, release(0xBB, PrType.EXCLUSIVE_ACCESS)).conflict());
        assertNotNull(engine.state().reservation());
        assertTrue(out(B, release(0xB0, PrType.WRITE_EXCLUSIVE)).conflict(), "a wrong key conflicts");
        assertTrue(out(nexus(NAME_B, 9, 1), release(0xBB, PrType.WRITE_EXCLUSIVE)).conflict(), "not registered");
    }

    @Test
    void holderReleasingAnotherTypeIsAnInvalidRelease() throws Exception {
        out(A, reserve(0xAA, PrType.WRITE_EXCLUSIVE));
        Expect.sense(SenseReason.INVALID_RELEASE_OF_PERSISTENT_RESERVATION, -1, -1,
                () -> out(A, release(0xAA, PrType.EXCLUSIVE_ACCESS)));
        assertNotNull(engine.state().reservation());
    }

    @Test
    void releasingWriteExclusiveTellsNobody() throws Exception {
        out(A, reserve(0xAA, PrType.WRITE_EXCLUSIVE));
        Outcome o = out(A, release(0xAA, PrType.WRITE_EXCLUSIVE));
        assertNull(engine.state().reservation());
        assertTrue(o.notices().isEmpty());
        assertEquals(3, engine.state().generation());
    }

    @ParameterizedTest
    @EnumSource(value = PrType.class, names = {"WRITE_EXCLUSIVE_REGISTRANTS_ONLY", "EXCLUSIVE_ACCESS_REGISTRANTS_ONLY",
        "WRITE_EXCLUSIVE_ALL_REGISTRANTS", "EXCLUSIVE_ACCESS_ALL_REGISTRANTS"})
    void releasingARegistrantsTypeTellsTheOtherRegistrants(PrType type) throws Exception {
        out(A, reserve(0xAA, type));
        Outcome o = out(type.allRegistrants() ? B : A, release(type.allRegistrants() ? 0xBB : 0xAA, type));
        assertNull(engine.state().reservation());
        Notice n = o.notices().get(0);
        assertEquals(SenseReason.RESERVATIONS_RELEASED.sense(), n.sense());
        assertEquals(!type.allRegistrants(), n.reaches(B));
        assertEquals(type.allRegistrants(), n.reaches(A));
        assertTrue(n.reaches(C));
    }

    @Test
    void clearRemovesEverythingAndPreemptsTheOthers() throws Exception {
        out(A, reserve(0xAA, PrType.EXCLUSIVE_ACCESS));
        assertTrue(out(B, clear(0xB0)).conflict());
        assertTrue(out(nexus(NAME_B, 9, 1), clear(0xBB)).conflict());
        Outcome o = out(B, clear(0xBB));
        assertTrue(engine.state().registrations().isEmpty());
        assertNull(engine.state().reservation());
        assertEquals(4, engine.state().generation());
        Notice n = o.notices().get(0);
        assertEquals(SenseReason.RESERVATIONS_PREEMPTED.sense(), n.sense());
        assertTrue(n.reaches(A));
        assertTrue(n.reaches(C));
        assertFalse(n.reaches(B), "not the nexus that cleared");
    }

    @Test
    void administratorClearPreemptsEveryRegisteredNexusAndTheSpc2Reservation() {
        Outcome o = engine.clear();
        assertTrue(engine.state().idle());
        assertEquals(4, engine.state().generation());
        assertTrue(o.notices().get(0).reaches(A) && o.notices().get(0).reaches(B) && o.notices().get(0).reaches(C));
        assertFalse(engine.reserve(A).conflict());
        engine.clear();
        assertNull(engine.state().spc2Holder());
        assertEquals(4, engine.state().generation(), "nothing persistent to clear: generation kept");
    }
}
