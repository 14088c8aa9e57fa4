package org.jstgt.device.tape;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import org.jstgt.api.media.RemovableMedium;
import org.jstgt.api.scsi.ReservationClass;
import org.jstgt.api.scsi.SenseReason;
import org.jstgt.api.scsi.Cdb;
import org.jstgt.testkit.FakeScsiTask;
import org.junit.jupiter.api.Test;

/** TEST UNIT READY, LOAD UNLOAD, PREVENT ALLOW MEDIUM REMOVAL, ERASE and the removable medium slot. */
class MediumControlTest extends TapeTestBase {

    @Test
    void testUnitReadyFollowsTheCartridge() throws Exception {
        TapeUnit u = unit(MIB);
        good(u, testUnitReady());
        invalidField(1, -1, () -> u.parse(FakeScsiTask.of(0x00, 1, 0, 0, 0, 0)));
        check(empty(), testUnitReady(), SenseReason.MEDIUM_NOT_PRESENT);
    }

    @Test
    void unloadRewindsSyncsAndLeavesTheCartridgeNotReadyUntilLoad() throws Exception {
        TapeUnit u = unit(MIB);
        writeBlock(u, pattern(10, 1));
        good(u, loadUnload(0));
        assertTrue(tape().closed);
        assertTrue(tape().syncs > 0);
        check(u, testUnitReady(), SenseReason.LOGICAL_UNIT_NOT_READY_INITIALIZING_COMMAND_REQUIRED);
        check(u, read6(false, false, 10), SenseReason.LOGICAL_UNIT_NOT_READY_INITIALIZING_COMMAND_REQUIRED);
        assertEquals(Optional.of(cartridge("JST001").toString()), u.removableMedium().get().loaded());
        assertEquals("unloaded", u.removableMedium().get().status());
        good(u, loadUnload(1));
        good(u, testUnitReady());
        assertEquals(0, position(u));
        assertEquals(List.of(SenseReason.NOT_READY_TO_READY_CHANGE_MEDIUM_MAY_HAVE_CHANGED.sense()), context.raised());
        good(u, space6(3, 0));
        good(u, loadUnload(1));
        assertEquals(0, position(u), "LOAD of a loaded cartridge rewinds");
    }

    @Test
    void loadUnloadFieldsAndEmptyDrive() throws Exception {
        TapeUnit u = unit(MIB);
        invalidField(4, 2, () -> u.parse(loadUnload(0x05)));
        invalidField(4, 4, () -> u.parse(loadUnload(0x10)));
        invalidField(1, 1, () -> u.parse(FakeScsiTask.of(0x1B, 2, 0, 0, 1, 0)));
        good(u, loadUnload(0x03));
        good(u, loadUnload(0x04));
        check(empty(), loadUnload(1), SenseReason.MEDIUM_NOT_PRESENT);
    }

    @Test
    void preventIsPerNexusAndRefusesUnload() throws Exception {
        TapeUnit u = unit(MIB);
        good(u, prevent(1));
        good(u, fromB(prevent(1)));
        assertTrue(u.removableMedium().get().removalPrevented());
        check(u, loadUnload(0), SenseReason.MEDIUM_REMOVAL_PREVENTED);
        good(u, prevent(0));
        check(u, fromB(loadUnload(0)), SenseReason.MEDIUM_REMOVAL_PREVENTED);
        u.nexusLost(INITIATOR_B_PORT, FakeScsiTask.TARGET_PORT_NAME);
        assertFalse(u.removableMedium().get().removalPrevented());
        good(u, loadUnload(0));
    }

    @Test
    void aLogicalUnitResetEndsPreventionAndRequestSenseSaysWhyTheDriveIsNotReady() throws Exception {
        TapeUnit u = unit(MIB);
        good(u, prevent(1));
        good(u, fromB(prevent(1)));
        assertEquals(java.util.Optional.empty(), u.condition());
        u.reset();
        assertFalse(u.removableMedium().get().removalPrevented(), "SPC-4 §6.13: a reset ends every PREVENT");
        good(u, loadUnload(0));
        assertEquals(java.util.Optional.of(SenseReason.LOGICAL_UNIT_NOT_READY_INITIALIZING_COMMAND_REQUIRED.sense()),
                u.condition(), "unloaded: LOAD makes it ready");
        assertEquals(java.util.Optional.of(SenseReason.MEDIUM_NOT_PRESENT.sense()), empty().condition());
    }

    @Test
    void holdUnloadsWhilePrevented() throws Exception {
        TapeUnit u = unit(MIB);
        good(u, prevent(1));
        good(u, loadUnload(0x08));
        check(u, testUnitReady(), SenseReason.LOGICAL_UNIT_NOT_READY_INITIALIZING_COMMAND_REQUIRED);
    }

    @Test
    void preventAllowFields() throws Exception {
        TapeUnit u = unit(MIB);
        invalidField(4, 1, () -> u.parse(prevent(2)));
        invalidField(4, 1, () -> u.parse(prevent(3)));
        invalidField(1, -1, () -> u.parse(FakeScsiTask.of(0x1E, 1, 0, 0, 0, 0)));
        assertEquals(ReservationClass.ALLOWED, u.reservationClass(new Cdb(new byte[] {0x1E, 0, 0, 0, 0, 0})));
        assertEquals(ReservationClass.WRITE, u.reservationClass(new Cdb(new byte[] {0x1E, 0, 0, 0, 1, 0})));
    }

    @Test
    void eraseMakesThePositionTheEndOfData() throws Exception {
        TapeUnit u = unit(MIB);
        for (int i = 0; i < 3; i++) {
            writeBlock(u, pattern(10, i));
        }
        good(u, locate10(0, 1, 0));
        good(u, FakeScsiTask.of(0x19, 0x01, 0, 0, 0, 0));
        assertEquals(1, tape().objects());
        good(u, rewind());
        good(u, FakeScsiTask.of(0x19, 0x03, 0, 0, 0, 0));
        assertEquals(0, tape().objects());
        invalidField(1, 2, () -> u.parse(FakeScsiTask.of(0x19, 0x04, 0, 0, 0, 0)));
        invalidField(2, -1, () -> u.parse(FakeScsiTask.of(0x19, 0, 1, 0, 0, 0)));
    }

    @Test
    void slotLoadsCreatesAndUnloads() throws Exception {
        TapeUnit u = empty();
        RemovableMedium slot = u.removableMedium().get();
        assertEquals(Optional.empty(), slot.loaded());
        assertEquals("empty", slot.status());
        String path = cartridge("NEW001").toString();
        slot.load(path).toCompletableFuture().get(5, TimeUnit.SECONDS);
        assertEquals(Optional.of(path), slot.loaded());
        assertEquals(MIB * 4096, u.capacityBytes(), "created with the default medium.size");
        assertEquals(List.of(SenseReason.NOT_READY_TO_READY_CHANGE_MEDIUM_MAY_HAVE_CHANGED.sense()), context.raised());
        good(u, testUnitReady());
        writeBlock(u, pattern(10, 1));
        assertEquals("EOD (block 1, file 0)", slot.status());
        good(u, writeFilemarks(1));
        good(u, rewind());
        assertEquals("block 0, file 0", slot.status());
        good(u, space6(1, 1));
        assertEquals("EOD (block 0, file 1)", slot.status());
        ExecutionException twice = assertThrows(ExecutionException.class,
                () -> slot.load(path).toCompletableFuture().get(5, TimeUnit.SECONDS));
        assertInstanceOf(IllegalStateException.class, twice.getCause());
        good(u, prevent(1));
        ExecutionException prevented = assertThrows(ExecutionException.class,
                () -> slot.unload(false).toCompletableFuture().get(5, TimeUnit.SECONDS));
        assertInstanceOf(IllegalStateException.class, prevented.getCause());
        slot.unload(true).toCompletableFuture().get(5, TimeUnit.SECONDS);
        assertFalse(slot.removalPrevented(), "a forced unload ends the prevention");
        assertEquals(Optional.empty(), slot.loaded());
        check(u, testUnitReady(), SenseReason.MEDIUM_NOT_PRESENT);
        ExecutionException none = assertThrows(ExecutionException.class,
                () -> slot.unload(false).toCompletableFuture().get(5, TimeUnit.SECONDS));
        assertInstanceOf(IllegalStateException.class, none.getCause());
    }

    @Test
    void slotLoadOfAnEmptyFileCreatesACartridge() throws Exception {
        TapeUnit u = empty();
        java.nio.file.Files.createFile(cartridge("ZERO01"));
        u.removableMedium().get().load(cartridge("ZERO01").toString()).toCompletableFuture().get(5, TimeUnit.SECONDS);
        good(u, testUnitReady());
        ExecutionException bad = assertThrows(ExecutionException.class, () -> u.removableMedium().get()
                .unload(false).thenCompose(v -> u.removableMedium().get().load(dir.resolve("no/such/dir.tape")
                        .toString())).toCompletableFuture().get(5, TimeUnit.SECONDS));
        assertInstanceOf(java.io.IOException.class, bad.getCause());
        check(u, testUnitReady(), SenseReason.MEDIUM_NOT_PRESENT);
    }
}
