package org.jstgt.scsi.pr;

import static org.jstgt.scsi.pr.Pr.*;
import static org.junit.jupiter.api.Assertions.*;

import java.util.List;

import org.jstgt.api.scsi.ScsiStatus;
import org.jstgt.api.scsi.SenseReason;
import org.jstgt.scsi.spc.Expect;
import org.junit.jupiter.api.Test;

/** REGISTER and REGISTER AND IGNORE EXISTING KEY (SPC-4 §5.13.7), with SPEC_I_PT, ALL_TG_PT and APTPL. */
class RegisteringTest extends EngineFixture {
    RegisteringTest() {
        super(4);
    }

    /** A and B registered (keys AAh, BBh), A reserving. */
    private void registerBothAndReserve(PrType type) throws Exception {
        out(A, register(0, 0xAA));
        out(B, register(0, 0xBB));
        out(A, reserve(0xAA, type));
    }

    @Test
    void firstRegistrationNeedsReservationKeyZero() throws Exception {
        assertTrue(out(A, register(0x11, 0xAA)).conflict(), "an unregistered nexus names no key");
        assertTrue(engine.state().idle());
        Outcome o = out(A, register(0, 0xAA));
        assertEquals(ScsiStatus.GOOD, o.status());
        assertEquals(0xAA, engine.state().registrationOf(A).key());
        assertEquals(1, engine.state().generation());
        assertNull(engine.state().registrationOf(A_TPG2), "through another target port it is another nexus");
        assertNull(engine.state().registrationOf(A_ISID2));
    }

    @Test
    void registeringKeyZeroWhenUnregisteredDoesNothing() throws Exception {
        Outcome o = out(A, register(0, 0));
        assertFalse(o.conflict());
        assertSame(PrState.EMPTY, engine.state());
        assertTrue(store.saved.isEmpty());
    }

    @Test
    void registeredNexusChangesItsKeyOnlyWithIt() throws Exception {
        out(A, register(0, 0xAA));
        // libiscsi prout_reregister_key_fails: REGISTER again with RESERVATION KEY 0
        assertTrue(out(A, register(0, 0xAB)).conflict());
        assertTrue(out(A, register(0xAB, 0xAC)).conflict());
        assertFalse(out(A, register(0xAA, 0xAB)).conflict());
        assertEquals(0xAB, engine.state().registrationOf(A).key());
        assertEquals(2, engine.state().generation());
        assertFalse(out(A, registerAndIgnore(0xAC)).conflict(), "the existing key is ignored");
        assertEquals(0xAC, engine.state().registrationOf(A).key());
        assertEquals(3, engine.state().generation());
    }

    @Test
    void registerAndIgnoreRegistersAnUnregisteredNexusWhateverTheKey() throws Exception {
        PrOutRequest r = new PrOutRequest(PrOutRequest.REGISTER_AND_IGNORE_EXISTING_KEY, null, 0x99, 0xAA, false, false,
                false, List.of(), 0, false);
        assertFalse(out(A, r).conflict());
        assertEquals(0xAA, engine.state().registrationOf(A).key());
    }

    @Test
    void unregisteringTheHolderReleasesWithoutUnitAttentionUnderWriteExclusive() throws Exception {
        registerBothAndReserve(PrType.WRITE_EXCLUSIVE);
        Outcome o = out(A, register(0xAA, 0));
        assertNull(engine.state().reservation());
        assertNull(engine.state().registrationOf(A));
        assertTrue(o.notices().isEmpty());
        assertEquals(3, engine.state().generation());
    }

    @Test
    void unregisteringTheHolderOfARegistrantsOnlyReservationTellsTheOthers() throws Exception {
        registerBothAndReserve(PrType.EXCLUSIVE_ACCESS_REGISTRANTS_ONLY);
        Outcome o = out(A, register(0xAA, 0));
        assertNull(engine.state().reservation());
        Notice n = o.notices().get(0);
        assertEquals(SenseReason.RESERVATIONS_RELEASED.sense(), n.sense());
        assertTrue(n.reaches(B));
        assertFalse(n.reaches(A));
    }

    @Test
    void anAllRegistrantsReservationLastsWhileARegistrationDoes() throws Exception {
        registerBothAndReserve(PrType.WRITE_EXCLUSIVE_ALL_REGISTRANTS);
        Outcome o = out(A, register(0xAA, 0));
        assertTrue(o.notices().isEmpty());
        Reservation r = engine.state().reservation();
        assertEquals(PrType.WRITE_EXCLUSIVE_ALL_REGISTRANTS, r.type());
        assertTrue(r.heldBy(engine.state().registrationOf(B)));
        out(B, register(0xBB, 0));
        assertNull(engine.state().reservation(), "gone with the last registration");
    }

    @Test
    void keyChangeOfTheHolderKeepsTheReservation() throws Exception {
        out(A, register(0, 0xAA));
        out(A, reserve(0xAA, PrType.EXCLUSIVE_ACCESS));
        out(A, register(0xAA, 0xA1));
        assertEquals(0xA1, engine.state().reservation().holder().key());
        assertTrue(engine.state().reservation().heldBy(engine.state().registrationOf(A)));
    }

    @Test
    void allTargetPortsRegistersTheInitiatorPortThroughEveryPort() throws Exception {
        PrOutRequest r = register(0, 0xAA, true, false);
        out(A, r);
        Registration reg = engine.state().registrationOf(A_TPG2);
        assertNotNull(reg);
        assertTrue(reg.allTargetPorts());
        assertEquals(0, reg.relativeTargetPortId());
        assertNull(engine.state().registrationOf(A_ISID2), "another initiator port");
    }

    @Test
    void allTargetPortsOverARegistrationThroughAnotherPortConflicts() throws Exception {
        out(A_TPG2, register(0, 0xAA));
        PrOutRequest r = register(0, 0xAB, true, false);
        assertTrue(out(A, r).conflict());
        assertEquals(1, engine.state().registrations().size());
    }

    @Test
    void specifiedInitiatorPortsAreRegisteredTogetherThroughTheSamePort() throws Exception {
        out(C, register(0, 0xCC));
        List<TransportId> ids = List.of(new TransportId(NAME_B, null), new TransportId(NAME_A, "000000000002"),
                new TransportId(NAME_C, "000000000001"));
        PrOutRequest r = new PrOutRequest(PrOutRequest.REGISTER, null, 0, 0xAA, true, false, false, ids, 0, false);
        out(A, r);
        PrState s = engine.state();
        assertEquals(0xAA, s.registrationOf(A).key());
        assertEquals(0xAA, s.registrationOf(A_ISID2).key());
        assertEquals(0xAA, s.registrationOf(B).key(), "format 00b: every port of the initiator");
        assertEquals(0xAA, s.registrationOf(nexus(NAME_B, 7, 1)).key());
        assertNull(s.registrationOf(nexus(NAME_B, 7, 2)), "through the receiving port only");
        assertEquals(0xCC, s.registrationOf(C).key(), "a registered nexus keeps its registration");
        assertEquals(2, s.generation(), "one REGISTER, one increment");
    }

    @Test
    void specifyInitiatorPortsFromARegisteredNexusIsAnInvalidField() throws Exception {
        out(A, register(0, 0xAA));
        PrOutRequest r = new PrOutRequest(PrOutRequest.REGISTER, null, 0xAA, 0xAB, true, false, false,
                List.of(new TransportId(NAME_B, null)), 0, false);
        Expect.sense(SenseReason.INVALID_FIELD_IN_CDB, -1, -1, () -> out(A, r));
        assertEquals(0xAA, engine.state().registrationOf(A).key());
    }

    @Test
    void registrationsAreBoundedAndAllOrNothing() throws Exception {
        out(A, register(0, 1));
        out(B, register(0, 2));
        out(C, register(0, 3));
        PrOutRequest two = new PrOutRequest(PrOutRequest.REGISTER, null, 0, 4, true, false, false,
                List.of(new TransportId(NAME_B, "000000000009")), 0, false);
        Expect.sense(SenseReason.INSUFFICIENT_REGISTRATION_RESOURCES, -1, -1, () -> out(A_ISID2, two));
        assertNull(engine.state().registrationOf(A_ISID2), "none made");
        assertEquals(3, engine.state().generation());
        out(A_ISID2, register(0, 4));
        Expect.sense(SenseReason.INSUFFICIENT_REGISTRATION_RESOURCES, -1, -1, () -> out(A_TPG2, register(0, 5)));
        assertEquals(4, engine.state().registrations().size());
    }

    @Test
    void aptplIsTheLastRegistrationsAndItsChangeWaitsForTheSave() throws Exception {
        store.holdSaves = true;
        PrOutRequest r = register(0, 0xAA, false, true);
        Outcome o = out(A, r);
        assertTrue(engine.state().aptpl());
        assertTrue(o.waitForSave());
        assertFalse(o.saved().toCompletableFuture().isDone());
        store.pending.get(0).complete(null);
        assertTrue(o.saved().toCompletableFuture().isDone());
        Outcome off = out(A, register(0xAA, 0xAB));
        assertFalse(engine.state().aptpl());
        assertTrue(off.waitForSave(), "turning APTPL off is saved before GOOD too");
        store.holdSaves = false;
        Outcome plain = out(A, register(0xAB, 0xAC));
        assertFalse(plain.waitForSave());
        assertEquals(3, store.saved.size());
    }

    @Test
    void reserveAndReleaseAreNotSavedWhenNothingPersistentChanged() throws Exception {
        out(A, register(0, 0xAA));
        out(A, reserve(0xAA, PrType.WRITE_EXCLUSIVE));
        out(A, reserve(0xAA, PrType.WRITE_EXCLUSIVE));
        assertEquals(2, store.saved.size(), "the registration and the reservation; the repeat changed nothing");
        engine.reserve(B);
        engine.release(B);
        assertEquals(2, store.saved.size());
    }
}
