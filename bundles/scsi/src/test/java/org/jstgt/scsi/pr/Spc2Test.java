package org.jstgt.scsi.pr;

import static org.jstgt.scsi.pr.Pr.*;
import static org.junit.jupiter.api.Assertions.*;

import org.jstgt.api.scsi.Cdb;
import org.jstgt.scsi.spc.Expect;
import org.junit.jupiter.api.Test;

/** RESERVE(6)/(10) and RELEASE(6)/(10) (SPC-2 §7.21, §7.24) and their exceptions under SPC-4 §5.13.3. */
class Spc2Test {
    private final PrEngine engine = new PrEngine("d0", new MemoryStore());

    @Test
    void holderReservesAgainOthersConflictAndTheirReleaseDoesNothing() {
        assertFalse(engine.reserve(A).conflict());
        assertFalse(engine.reserve(A).conflict());
        assertTrue(engine.reserve(B).conflict());
        assertTrue(engine.reserve(A_TPG2).conflict(), "the same initiator port through another port is another nexus");
        assertFalse(engine.release(B).conflict());
        assertTrue(engine.state().spc2Holder().same(A));
        assertFalse(engine.release(A).conflict());
        assertNull(engine.state().spc2Holder());
        assertFalse(engine.reserve(B).conflict());
    }

    @Test
    void lossOfTheHoldersNexusAndResetsRelease() {
        engine.reserve(A);
        engine.nexusLost(B);
        assertNotNull(engine.state().spc2Holder());
        engine.nexusLost(A);
        assertNull(engine.state().spc2Holder());
        engine.reserve(A);
        engine.reset();
        assertTrue(engine.state().idle());
    }

    @Test
    void aLateEndOfAReplacedNexusLeavesTheReservationOfItsSuccessor() {
        ItNexus old = nexus(NAME_A, 1, 1);
        ItNexus reinstated = nexus(NAME_A, 1, 1);
        engine.reserve(old);
        assertFalse(engine.reserve(reinstated).conflict(), "the same I_T nexus");
        engine.nexusLost(old);
        assertSame(reinstated, engine.state().spc2Holder());
        engine.nexusLost(reinstated);
        assertNull(engine.state().spc2Holder());
    }

    @Test
    void persistentReserveCommandsConflictWhileReserved() throws Exception {
        engine.reserve(A);
        assertTrue(engine.persistentReserveOut(A, register(0, 0xAA)).conflict(), "even from the holder");
        assertTrue(engine.persistentReserveOut(B, register(0, 0xBB)).conflict());
        assertTrue(engine.state().registrations().isEmpty());
    }

    @Test
    void registrationsMakeReserveAndReleaseConflictExceptForTheHolders() throws Exception {
        engine.persistentReserveOut(A, register(0, 0xAA));
        engine.persistentReserveOut(B, register(0, 0xBB));
        assertTrue(engine.reserve(A).conflict(), "registered, but no reservation");
        assertTrue(engine.release(C).conflict());
        engine.persistentReserveOut(A, reserve(0xAA, PrType.WRITE_EXCLUSIVE));
        assertFalse(engine.reserve(A).conflict(), "the holder: GOOD, nothing changes");
        assertFalse(engine.release(A).conflict());
        assertTrue(engine.reserve(B).conflict(), "registered, not holding a Write Exclusive reservation");
        assertNull(engine.state().spc2Holder());
        assertNotNull(engine.state().reservation());
        engine.persistentReserveOut(A, release(0xAA, PrType.WRITE_EXCLUSIVE));
        engine.persistentReserveOut(A, reserve(0xAA, PrType.WRITE_EXCLUSIVE_REGISTRANTS_ONLY));
        assertFalse(engine.reserve(B).conflict(), "a registrant under a registrants only type");
        assertTrue(engine.reserve(C).conflict());
    }

    @Test
    void cdbFields() throws Exception {
        Spc2.checkCdb(new Cdb(new byte[] {0x16, (byte) 0xE0, 0x12, 0x34, 0x56, 0}));
        Expect.invalidField(1, 4, () -> Spc2.checkCdb(new Cdb(new byte[] {0x16, 0x10, 0, 0, 0, 0})));
        Expect.invalidField(1, 0, () -> Spc2.checkCdb(new Cdb(new byte[] {0x17, 0x01, 0, 0, 0, 0})));
        Expect.invalidField(5, 2, () -> Spc2.checkCdb(new Cdb(new byte[] {0x16, 0, 0, 0, 0, 0x04})));
        Spc2.checkCdb(new Cdb(new byte[] {0x56, 0, 0x12, 0x34, 0, 0, 0, 0, 0, 0}));
        Expect.invalidField(1, 1, () -> Spc2.checkCdb(new Cdb(new byte[] {0x56, 0x02, 0, 0, 0, 0, 0, 0, 0, 0})));
        Expect.invalidField(1, 4, () -> Spc2.checkCdb(new Cdb(new byte[] {0x57, 0x10, 0, 0, 0, 0, 0, 0, 0, 0})));
        Expect.invalidField(8, -1, () -> Spc2.checkCdb(new Cdb(new byte[] {0x56, 0, 0, 0, 0, 0, 0, 0, 8, 0})));
        Expect.invalidField(9, 0, () -> Spc2.checkCdb(new Cdb(new byte[] {0x57, 0, 0, 0, 0, 0, 0, 0, 0, 1})));
    }
}
