package org.jstgt.device.changer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import org.jstgt.api.scsi.CommandResult;
import org.jstgt.api.scsi.SenseReason;
import org.jstgt.testkit.FakeScsiTask;
import org.junit.jupiter.api.Test;

/** MOVE MEDIUM, POSITION TO ELEMENT, INITIALIZE ELEMENT STATUS and PREVENT ALLOW MEDIUM REMOVAL. */
class MotionTest extends ChangerTestBase {

    private Holding at(ChangerUnit u, int address) {
        return u.robot().library().at(u.robot().layout().position(address));
    }

    @Test
    void slotToDriveToSlotLoadsAndUnloads() throws Exception {
        ChangerUnit u = library("A01.tape", "B02.tape");
        FakeDrive tape0 = drive("tape0");
        run(u, moveMedium(0, SLOT1 + 1, DRIVE1));
        assertEquals(List.of("load " + path("B02.tape")), tape0.calls);
        assertEquals(Optional.of(path("B02.tape")), tape0.loaded());
        assertNull(at(u, SLOT1 + 1));
        assertEquals(SLOT1 + 1, at(u, DRIVE1).source());
        // READ ELEMENT STATUS: the drive full with B02, SVALID and its source slot
        byte[] d = data(u, readElementStatus(4, true, DRIVE1, 1, false, 255));
        assertEquals(0x09, d[18]);
        assertEquals(0x80, d[25] & 0xFF);
        assertEquals(SLOT1 + 1, u16(d, 26));
        assertEquals("B02", ascii(d, 28, 3));
        run(u, moveMedium(TRANSPORT, DRIVE1, SLOT1 + 5));
        assertEquals(List.of("load " + path("B02.tape"), "unload false"), tape0.calls);
        assertEquals(Optional.empty(), tape0.loaded());
        assertEquals("B02", at(u, SLOT1 + 5).cartridge().barcode());
        // the slot reports where the cartridge last came from: the slot it was in before the drive
        assertEquals(SLOT1 + 1, at(u, SLOT1 + 5).source());
        assertTrue(context.raised.isEmpty(), "an initiator's own move raises no unit attention");
    }

    @Test
    void driveToDriveUnloadsThenLoads() throws Exception {
        ChangerUnit u = library("A01.tape");
        run(u, moveMedium(0, SLOT1, DRIVE1));
        run(u, moveMedium(0, DRIVE1, DRIVE2));
        assertEquals(List.of("load " + path("A01.tape"), "unload false"), drive("tape0").calls);
        assertEquals(List.of("load " + path("A01.tape")), drive("tape1").calls);
        assertEquals(SLOT1, at(u, DRIVE2).source());
    }

    @Test
    void aCartridgeEjectedToTheThroatMovesWithoutUnload() throws Exception {
        ChangerUnit u = library("A01.tape");
        FakeDrive tape0 = drive("tape0");
        run(u, moveMedium(0, SLOT1, DRIVE1));
        tape0.setLoaded(null);
        run(u, moveMedium(0, DRIVE1, SLOT1));
        assertEquals(List.of("load " + path("A01.tape")), tape0.calls);
        assertEquals("A01", at(u, SLOT1).cartridge().barcode());
    }

    @Test
    void removalPreventedInTheDrive() throws Exception {
        ChangerUnit u = library("A01.tape");
        FakeDrive tape0 = drive("tape0");
        run(u, moveMedium(0, SLOT1, DRIVE1));
        tape0.prevented = true;
        expect(ChangerSense.REMOVAL_PREVENTED, () -> run(u, moveMedium(0, DRIVE1, SLOT1)));
        assertEquals(List.of("load " + path("A01.tape")), tape0.calls);
        assertEquals("A01", at(u, DRIVE1).cartridge().barcode());
    }

    @Test
    void sourceEmptyDestinationFull() throws Exception {
        ChangerUnit u = library("A01.tape", "B02.tape");
        expect(ChangerSense.SOURCE_EMPTY, () -> run(u, moveMedium(0, SLOT1 + 2, SLOT1 + 3)));
        expect(ChangerSense.SOURCE_EMPTY, () -> run(u, moveMedium(0, TRANSPORT, SLOT1 + 3)));
        expect(ChangerSense.DESTINATION_FULL, () -> run(u, moveMedium(0, SLOT1, SLOT1 + 1)));
        expect(ChangerSense.SOURCE_EMPTY, () -> run(u, moveMedium(0, DRIVE1, SLOT1 + 3)));
        // onto itself: nothing moves
        run(u, moveMedium(0, SLOT1, SLOT1));
        assertEquals("A01", at(u, SLOT1).cartridge().barcode());
    }

    @Test
    void driveLoadedOutsideTheChanger() throws Exception {
        ChangerUnit u = library("A01.tape");
        FakeDrive tape0 = drive("tape0");
        tape0.setLoaded("/elsewhere/X.tape");
        expect(ChangerSense.DESTINATION_FULL, () -> run(u, moveMedium(0, SLOT1, DRIVE1)));
        expect(ChangerSense.MANUAL_INTERVENTION, () -> run(u, moveMedium(0, DRIVE1, SLOT1 + 1)));
        assertTrue(tape0.calls.isEmpty());
        // the changer's cartridge swapped for another through the shell: not unloaded blindly
        tape0.setLoaded(null);
        run(u, moveMedium(0, SLOT1, DRIVE1));
        tape0.setLoaded("/elsewhere/X.tape");
        expect(ChangerSense.MANUAL_INTERVENTION, () -> run(u, moveMedium(0, DRIVE1, SLOT1)));
    }

    @Test
    void inactiveDriveIsNotReady() throws Exception {
        ChangerUnit u = library("A01.tape");
        FakeDrive tape0 = drive("tape0");
        run(u, moveMedium(0, SLOT1, DRIVE1));
        context.units.remove("tape0");
        expect(NOT_READY_0400, () -> run(u, moveMedium(0, DRIVE1, SLOT1)));
        expect(NOT_READY_0400, () -> run(u, moveMedium(0, DRIVE1, DRIVE2)));
        context.units.remove("tape1");
        cartridges("B02.tape");
        run(u, initializeElementStatus());
        expect(NOT_READY_0400, () -> run(u, moveMedium(0, SLOT1, DRIVE2)));
        // back (a new incarnation of the same LUN after a bundle update): found by name
        context.units.put("tape0", tape0);
        run(u, moveMedium(0, DRIVE1, SLOT1 + 7));
    }

    @Test
    void aMoveWaitsForADriveWhoseBundleIsBeingUpdated() throws Exception {
        driveWait = java.time.Duration.ofSeconds(30);
        ChangerUnit u = library("A01.tape");
        FakeDrive tape0 = drive("tape0");
        context.units.remove("tape0");
        java.util.concurrent.ScheduledExecutorService later = Executors.newSingleThreadScheduledExecutor();
        try {
            later.schedule(() -> context.units.put("tape0", tape0), 200, java.util.concurrent.TimeUnit.MILLISECONDS);
            run(u, moveMedium(0, SLOT1, DRIVE1));
            assertEquals(List.of("load " + path("A01.tape")), tape0.calls);
        } finally {
            later.shutdownNow();
        }
        // a drive that is not a configured LUN is not waited for
        context.specs.remove("tape1");
        context.units.remove("tape1");
        expect(NOT_READY_0400, () -> run(u, moveMedium(0, DRIVE1, DRIVE2)));
    }

    @Test
    void loadFailureLeavesTheCartridgeWhereItWas() throws Exception {
        ChangerUnit u = library("A01.tape");
        drive("tape0").loadFailure = new IOException("cannot open");
        expect(ChangerSense.LOAD_OR_EJECT_FAILED, () -> run(u, moveMedium(0, SLOT1, DRIVE1)));
        assertEquals("A01", at(u, SLOT1).cartridge().barcode());
        assertNull(at(u, DRIVE1));
    }

    @Test
    void badFields() throws Exception {
        ChangerUnit u = library("A01.tape");
        invalidAddress(2, () -> run(u, moveMedium(2, SLOT1, SLOT1 + 1)));
        invalidAddress(4, () -> run(u, moveMedium(0, SLOT1 + 8, SLOT1 + 1)));
        invalidAddress(4, () -> run(u, moveMedium(0, 0, SLOT1 + 1)));
        invalidAddress(6, () -> run(u, moveMedium(0, SLOT1, DRIVE2 + 1)));
        invalidAddress(6, () -> run(u, moveMedium(0, SLOT1, TRANSPORT)));
        invalidField(10, 0, () -> run(u, moveMedium(0, SLOT1, SLOT1 + 1).withCdbByte(10, 1)));
        invalidField(10, 1, () -> run(u, moveMedium(0, SLOT1, SLOT1 + 1).withCdbByte(10, 2)));
        invalidField(8, -1, () -> run(u, moveMedium(0, SLOT1, SLOT1 + 1).withCdbByte(8, 1)));
        invalidField(1, 0, () -> run(u, moveMedium(0, SLOT1, SLOT1 + 1).withCdbByte(1, 1)));
        invalidField(11, 2, () -> run(u, moveMedium(0, SLOT1, SLOT1 + 1).withCdbByte(11, 4)));
    }

    @Test
    void positionToElement() throws Exception {
        ChangerUnit u = library("A01.tape");
        assertEquals(0, run(u, positionToElement(0, SLOT1 + 3)));
        assertEquals(0, run(u, positionToElement(TRANSPORT, DRIVE1)));
        invalidAddress(2, () -> run(u, positionToElement(7, SLOT1)));
        invalidAddress(4, () -> run(u, positionToElement(0, SLOT1 + 8)));
        invalidField(8, 0, () -> run(u, positionToElement(0, SLOT1).withCdbByte(8, 1)));
        invalidField(6, -1, () -> run(u, positionToElement(0, SLOT1).withCdbByte(6, 1)));
    }

    @Test
    void preventLocksTheMailSlotAgainstTheOperatorPerNexus() throws Exception {
        ChangerUnit u = library("A01.tape");
        run(u, preventAllow(true));
        // the initiators' robot moves through the mail slot go on (a backup exports while it holds the library)
        run(u, moveMedium(0, SLOT1, MAIL1));
        run(u, moveMedium(0, MAIL1, SLOT1));
        // the shell (the operator's front panel) is refused
        CompletableFuture<Void> shell = u.mediaChanger().orElseThrow().move(SLOT1, MAIL1).toCompletableFuture();
        assertTrue(shell.isCompletedExceptionally());
        // another nexus's ALLOW does not end this one's prevention
        run(u, fromOther(preventAllow(false)));
        assertTrue(u.mediaChanger().orElseThrow().move(SLOT1, MAIL1).toCompletableFuture().isCompletedExceptionally());
        run(u, preventAllow(false));
        u.mediaChanger().orElseThrow().move(SLOT1, MAIL1).toCompletableFuture().get(10, TimeUnit.SECONDS);
        run(u, fromOther(preventAllow(true)));
        assertTrue(u.mediaChanger().orElseThrow().move(MAIL1, SLOT1).toCompletableFuture().isCompletedExceptionally());
        // the nexus ends: so does its prevention
        u.nexusLost(OTHER_INITIATOR, FakeScsiTask.TARGET_PORT_NAME);
        u.mediaChanger().orElseThrow().move(MAIL1, SLOT1).toCompletableFuture().get(10, TimeUnit.SECONDS);
        invalidField(4, 1, () -> run(u, preventAllow(true).withCdbByte(4, 2)));
        invalidField(2, -1, () -> run(u, preventAllow(true).withCdbByte(2, 1)));
    }

    @Test
    void aLogicalUnitResetEndsThePreventionOfEveryNexus() throws Exception {
        ChangerUnit u = library("A01.tape");
        run(u, preventAllow(true));
        run(u, fromOther(preventAllow(true)));
        assertTrue(u.mediaChanger().orElseThrow().move(SLOT1, MAIL1).toCompletableFuture().isCompletedExceptionally());
        u.reset();
        u.mediaChanger().orElseThrow().move(SLOT1, MAIL1).toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @Test
    void initializeElementStatusRescans() throws Exception {
        cartridges("A01.tape", "C03.tape");
        ChangerUnit u = unit(props(2, 1, "tape0"), "l");
        java.nio.file.Files.delete(media.resolve("A01.tape"));
        cartridges("B02.tape", "D04.tape", "E05.tape");
        run(u, initializeElementStatus());
        // A01 is gone; B02 takes the free slot 1; D04 the mail slot (imported); E05 stays out
        assertEquals("B02", at(u, SLOT1).cartridge().barcode());
        assertEquals("C03", at(u, SLOT1 + 1).cartridge().barcode());
        assertEquals("D04", at(u, MAIL1).cartridge().barcode());
        assertTrue(at(u, MAIL1).imported());
        byte[] d = data(u, readElementStatus(3, true, 0, 1, false, 255));
        assertEquals(0x3B, d[18]);
        assertEquals(List.of("others 28/00 " + FakeScsiTask.INITIATOR_PORT_NAME,
                "others 28/01 " + FakeScsiTask.INITIATOR_PORT_NAME), context.raised);
        invalidField(4, -1, () -> run(u, initializeElementStatus().withCdbByte(4, 1)));
        // nothing new: no unit attention
        context.raised.clear();
        run(u, initializeElementStatus());
        assertTrue(context.raised.isEmpty());
    }

    @Test
    void initializeElementStatusWithRange() throws Exception {
        cartridges("A01.tape", "C03.tape");
        ChangerUnit u = unit(props(4, 1, "tape0"), "l");
        java.nio.file.Files.delete(media.resolve("A01.tape"));
        java.nio.file.Files.delete(media.resolve("C03.tape"));
        cartridges("B02.tape");
        // slots 2-4 only: C03 leaves slot 2 and B02 takes it; slot 1 keeps its stale A01
        run(u, FakeScsiTask.of(0x37, 0x01, (SLOT1 + 1) >>> 8, SLOT1 + 1, 0, 0, 0, 3, 0, 0));
        assertEquals("A01", at(u, SLOT1).cartridge().barcode());
        assertEquals("B02", at(u, SLOT1 + 1).cartridge().barcode());
        assertNull(at(u, SLOT1 + 2));
        // RANGE 0: everything, FAST accepted
        run(u, FakeScsiTask.of(0x37, 0x02, 0, 0, 0, 0, 0, 0, 0, 0));
        assertNull(at(u, SLOT1));
        invalidAddress(2, () -> run(u, FakeScsiTask.of(0x37, 0x01, 0x77, 0x77, 0, 0, 0, 1, 0, 0)));
        invalidField(1, 2, () -> run(u, FakeScsiTask.of(0x37, 0x04, 0, 0, 0, 0, 0, 0, 0, 0)));
        invalidField(4, -1, () -> run(u, FakeScsiTask.of(0x37, 0, 0, 0, 1, 0, 0, 0, 0, 0)));
    }

    @Test
    void aCartridgeLoadedInAnotherDriveIsNotLoadedTwice() throws Exception {
        ChangerUnit u = library("A01.tape");
        drive("tape1").setLoaded(path("A01.tape"));
        expect(ChangerSense.MANUAL_INTERVENTION, () -> run(u, moveMedium(0, SLOT1, DRIVE1)));
        assertTrue(drive("tape0").calls.isEmpty());
    }

    static FakeScsiTask exchangeMedium(int source, int first, int second) {
        return FakeScsiTask.of(0xA6, 0, 0, 0, source >>> 8, source, first >>> 8, first, second >>> 8, second, 0, 0);
    }

    @Test
    void exchangeSwapsADriveWithASlot() throws Exception {
        ChangerUnit u = library("A01.tape", "B02.tape");
        run(u, moveMedium(0, SLOT1, DRIVE1));
        // the drive's A01 for slot 2's B02
        run(u, exchangeMedium(SLOT1 + 1, DRIVE1, SLOT1 + 1));
        assertEquals(List.of("load " + path("A01.tape"), "unload false", "load " + path("B02.tape")),
                drive("tape0").calls);
        assertEquals("B02", at(u, DRIVE1).cartridge().barcode());
        assertEquals(SLOT1 + 1, at(u, DRIVE1).source());
        assertEquals("A01", at(u, SLOT1 + 1).cartridge().barcode());
        assertNull(at(u, TRANSPORT));
        // to a second destination
        run(u, exchangeMedium(SLOT1 + 1, DRIVE1, SLOT1 + 6));
        assertEquals("A01", at(u, DRIVE1).cartridge().barcode());
        assertEquals("B02", at(u, SLOT1 + 6).cartridge().barcode());
        assertNull(at(u, SLOT1 + 1));
    }

    @Test
    void exchangeThatFailsHalfwayLeavesTheCartridgeInTheTransport() throws Exception {
        ChangerUnit u = library("A01.tape", "B02.tape", "C03.tape");
        run(u, moveMedium(0, SLOT1, DRIVE1));
        run(u, moveMedium(0, SLOT1 + 1, DRIVE2));
        // swap the drives' cartridges: B02 into drive 1 works, A01 into drive 2 fails
        drive("tape1").loadFailure = new IOException("broken");
        expect(ChangerSense.LOAD_OR_EJECT_FAILED, () -> run(u, exchangeMedium(DRIVE2, DRIVE1, DRIVE2)));
        assertEquals("B02", at(u, DRIVE1).cartridge().barcode());
        assertNull(at(u, DRIVE2));
        assertEquals("A01", at(u, TRANSPORT).cartridge().barcode());
        // READ ELEMENT STATUS shows the transport full, with A01
        byte[] d = data(u, readElementStatus(1, true, 0, 1, false, 255));
        assertEquals(0x01, d[18]);
        assertEquals("A01", ascii(d, 28, 3));
        // no other exchange until the transport is emptied with MOVE MEDIUM
        expect(ChangerSense.MANUAL_INTERVENTION, () -> run(u, exchangeMedium(SLOT1 + 2, DRIVE1, SLOT1 + 2)));
        run(u, moveMedium(0, TRANSPORT, SLOT1 + 7));
        assertNull(at(u, TRANSPORT));
        assertEquals("A01", at(u, SLOT1 + 7).cartridge().barcode());
    }

    @Test
    void exchangeFields() throws Exception {
        ChangerUnit u = library("A01.tape", "B02.tape", "C03.tape");
        expect(ChangerSense.SOURCE_EMPTY, () -> run(u, exchangeMedium(SLOT1 + 3, SLOT1, SLOT1 + 3)));
        expect(ChangerSense.SOURCE_EMPTY, () -> run(u, exchangeMedium(SLOT1, SLOT1 + 3, SLOT1)));
        expect(ChangerSense.DESTINATION_FULL, () -> run(u, exchangeMedium(SLOT1, SLOT1 + 1, SLOT1 + 2)));
        invalidField(6, -1, () -> run(u, exchangeMedium(SLOT1, SLOT1, SLOT1 + 1)));
        invalidField(8, -1, () -> run(u, exchangeMedium(SLOT1, SLOT1 + 1, SLOT1 + 1)));
        invalidAddress(6, () -> run(u, exchangeMedium(SLOT1, TRANSPORT, SLOT1 + 1)));
        invalidAddress(8, () -> run(u, exchangeMedium(SLOT1, SLOT1 + 1, SLOT1 + 8)));
        invalidField(10, 0, () -> run(u, exchangeMedium(SLOT1, SLOT1 + 1, SLOT1).withCdbByte(10, 1)));
        invalidField(10, 1, () -> run(u, exchangeMedium(SLOT1, SLOT1 + 1, SLOT1).withCdbByte(10, 2)));
    }

    @Test
    void testUnitReady() throws Exception {
        ChangerUnit u = library();
        assertEquals(0, run(u, FakeScsiTask.of(0, 0, 0, 0, 0, 0)));
        invalidField(2, -1, () -> run(u, FakeScsiTask.of(0, 0, 1, 0, 0, 0)));
    }

    @Test
    void movesQueueBehindASlowDriveAndCompleteOnTheTaskExecutor() throws Exception {
        ExecutorService pool = Executors.newSingleThreadExecutor();
        ExecutorService loop = Executors.newSingleThreadExecutor(r -> new Thread(r, "test-event-loop"));
        try {
            workers = pool;
            ChangerUnit u = library("A01.tape", "B02.tape");
            FakeDrive tape0 = drive("tape0");
            tape0.gate = new CompletableFuture<>();
            FakeScsiTask first = moveMedium(0, SLOT1, DRIVE1).toBuilder().executor(loop).build();
            CompletableFuture<CommandResult> one = u.parse(first).execute(first).toCompletableFuture();
            CompletableFuture<Void> two = u.mediaChanger().orElseThrow().move(SLOT1 + 1, SLOT1 + 2)
                    .toCompletableFuture();
            assertFalse(one.isDone());
            assertFalse(two.isDone());
            String[] thread = new String[1];
            CompletableFuture<Void> seen = one.thenAccept(r -> thread[0] = Thread.currentThread().getName());
            tape0.gate.complete(null);
            two.get(10, java.util.concurrent.TimeUnit.SECONDS);
            seen.get(10, java.util.concurrent.TimeUnit.SECONDS);
            assertEquals("test-event-loop", thread[0]);
            assertEquals("A01", at(u, DRIVE1).cartridge().barcode());
            assertEquals("B02", at(u, SLOT1 + 2).cartridge().barcode());
            u.close();
        } finally {
            pool.shutdownNow();
            loop.shutdownNow();
        }
    }

    @Test
    void unknownOpcodeAndReportSupportedOperationCodes() throws Exception {
        ChangerUnit u = library();
        expect(SenseReason.INVALID_COMMAND_OPERATION_CODE,
                () -> run(u, FakeScsiTask.of(0x28, 0, 0, 0, 0, 0, 0, 0, 1, 0)));
        // SEND VOLUME TAG is not offered
        expect(SenseReason.INVALID_COMMAND_OPERATION_CODE,
                () -> run(u, FakeScsiTask.of(0xB6, 0, 0, 0, 0, 0x0A, 0, 0, 0, 40, 0, 0)));
        // REPORT SUPPORTED OPERATION CODES, one command: MOVE MEDIUM is supported (SUPPORT 011b)
        byte[] d = data(u, FakeScsiTask.of(0xA3, 0x0C, 0x01, 0xA5, 0, 0, 0, 0, 1, 0, 0, 0));
        assertEquals(0x03, d[1] & 0x07);
        assertEquals(12, u16(d, 2));
        d = data(u, FakeScsiTask.of(0xA3, 0x0C, 0x01, 0xB8, 0, 0, 0, 0, 1, 0, 0, 0));
        assertEquals(0x03, d[1] & 0x07);
    }
}
