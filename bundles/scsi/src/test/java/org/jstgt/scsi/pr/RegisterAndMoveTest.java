package org.jstgt.scsi.pr;

import static org.jstgt.scsi.pr.Pr.*;
import static org.junit.jupiter.api.Assertions.*;

import org.jstgt.api.scsi.SenseReason;
import org.jstgt.scsi.spc.Expect;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** REGISTER AND MOVE (SPC-4 §5.13.8): A holds an Exclusive Access reservation, B is registered. */
class RegisterAndMoveTest extends EngineFixture {
    private static final TransportId TO_C = new TransportId(NAME_C, "000000000001");

    @BeforeEach
    void holdIt() throws Exception {
        out(A, register(0, 0xAA));
        out(B, register(0, 0xBB));
        out(A, reserve(0xAA, PrType.EXCLUSIVE_ACCESS));
    }

    @Test
    void movesTheReservationToANewRegistrationThroughTheNamedPort() throws Exception {
        Outcome o = out(A, move(0xAA, 0xCC, TO_C, 2, false));
        assertFalse(o.conflict());
        ItNexus cThroughPort2 = nexus(NAME_C, 1, 2);
        Registration c = engine.state().registrationOf(cThroughPort2);
        assertEquals(0xCC, c.key());
        assertEquals(2, c.relativeTargetPortId());
        assertNull(engine.state().registrationOf(C), "through the port RELATIVE TARGET PORT IDENTIFIER names");
        assertTrue(engine.state().reservation().heldBy(c));
        assertEquals(PrType.EXCLUSIVE_ACCESS, engine.state().reservation().type());
        assertEquals(0xAA, engine.state().registrationOf(A).key(), "without UNREG the source stays registered");
        assertEquals(3, engine.state().generation(), "two registrations, then the move");
    }

    @Test
    void unregMovesAndUnregisters() throws Exception {
        out(A, move(0xAA, 0xCC, TO_C, 1, true));
        assertNull(engine.state().registrationOf(A));
        assertTrue(engine.state().reservation().heldBy(engine.state().registrationOf(C)));
    }

    @Test
    void aRegisteredDestinationTakesTheNewKey() throws Exception {
        out(A, move(0xAA, 0xB1, new TransportId(NAME_B, "000000000001"), 1, false));
        Registration b = engine.state().registrationOf(B);
        assertEquals(0xB1, b.key());
        assertTrue(engine.state().reservation().heldBy(b));
        assertEquals(2, engine.state().registrations().size());
    }

    @Test
    void onlyTheHolderOfAnotherThanAllRegistrantsReservationMoves() throws Exception {
        assertTrue(out(B, move(0xBB, 0xCC, TO_C, 1, false)).conflict(), "not the holder");
        assertTrue(out(A, move(0xA0, 0xCC, TO_C, 1, false)).conflict(), "not its key");
        out(A, release(0xAA, PrType.EXCLUSIVE_ACCESS));
        Expect.sense(SenseReason.INVALID_FIELD_IN_CDB, -1, -1, () -> out(A, move(0xAA, 0xCC, TO_C, 1, false)));
        out(A, reserve(0xAA, PrType.WRITE_EXCLUSIVE_ALL_REGISTRANTS));
        assertTrue(out(A, move(0xAA, 0xCC, TO_C, 1, false)).conflict(), "an all registrants reservation");
    }

    @Test
    void keyZeroAndItsOwnPortAreInvalid() throws Exception {
        Expect.inList(SenseReason.INVALID_FIELD_IN_PARAMETER_LIST, 8, -1, () -> out(A, move(0xAA, 0, TO_C, 1, false)));
        Expect.inList(SenseReason.INVALID_FIELD_IN_PARAMETER_LIST, 24, -1,
                () -> out(A, move(0xAA, 0xA1, new TransportId(NAME_A, "000000000001"), 2, false)));
        Expect.inList(SenseReason.INVALID_FIELD_IN_PARAMETER_LIST, 24, -1,
                () -> out(A, move(0xAA, 0xA1, new TransportId(NAME_A, null), 2, false)));
        assertTrue(engine.state().reservation().heldBy(engine.state().registrationOf(A)));
    }
}
