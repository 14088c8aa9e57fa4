package org.jstgt.device.dvd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import org.jstgt.api.media.RemovableMedium;
import org.jstgt.api.scsi.LunSpec;
import org.jstgt.api.scsi.SenseReason;
import org.jstgt.testkit.FakeScsiTask;
import org.junit.jupiter.api.Test;

/** TEST UNIT READY, START STOP UNIT, PREVENT ALLOW MEDIUM REMOVAL and the RemovableMedium view. */
class TrayTest extends DvdTestBase {
    static final String OTHER_PORT = "iqn.2026-11.org.jstgt:other,i,0x000000000002";

    static void await(CompletionStage<?> s) throws Exception {
        s.toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    static Throwable failure(CompletionStage<?> s) {
        ExecutionException e = assertThrows(ExecutionException.class,
                () -> s.toCompletableFuture().get(10, TimeUnit.SECONDS));
        return e.getCause();
    }

    @Test
    void testUnitReadyByTrayState() throws Exception {
        DvdUnit u = unit(iso("x.iso", 4, 1));
        assertEquals(0, run(u, tur()));
        assertEquals("loaded", u.tray().status());
        assertEquals(0, run(u, startStop(false, true, false)));
        expect(Tray.TRAY_OPEN, () -> run(u, tur()));
        assertEquals("tray open", u.tray().status());
        assertEquals(Optional.empty(), u.tray().loaded());
        assertEquals(0, run(u, startStop(false, true, true)));
        assertEquals(0, run(u, tur()), "closing the tray loads the disc the eject left");
        assertEquals(List.of(SenseReason.NOT_READY_TO_READY_CHANGE_MEDIUM_MAY_HAVE_CHANGED.sense()), raised);
        // libiscsi StartStopUnit.Simple: the initiator that closed the tray is ready at once
        assertEquals(List.of(FakeScsiTask.INITIATOR_PORT_NAME), leftOut, "a unit attention for the others only");
        invalidField(2, -1, () -> u.parse(FakeScsiTask.of(0x00, 0, 1)));

        DvdUnit empty = unit(null);
        expect(Tray.TRAY_CLOSED, () -> run(empty, tur()));
        assertEquals("tray closed, empty", empty.tray().status());
        assertEquals(0, run(empty, startStop(false, true, false)));
        expect(Tray.TRAY_OPEN, () -> run(empty, tur()));
        assertEquals(0, run(empty, startStop(false, true, true)));
        expect(Tray.TRAY_CLOSED, () -> run(empty, tur()));
    }

    @Test
    void formatLayerAndPowerConditionsLeaveTheDiscAlone() throws Exception {
        DvdUnit u = unit(iso("x.iso", 4, 1));
        // FL (byte 4 bit 2, SBC's NO_FLUSH): accepted and ignored, with and without LOEJ
        assertEquals(0, run(u, FakeScsiTask.of(0x1B, 0, 0, 0, 0x04, 0)));
        assertEquals(0, run(u, FakeScsiTask.of(0x1B, 0, 0, 0, 0x05, 0)));
        assertEquals(0, run(u, tur()));
        // a power condition makes the drive ignore LOEJ: the disc stays
        assertEquals(0, run(u, FakeScsiTask.of(0x1B, 1, 0, 0, 0x12, 0)));
        assertEquals(0, run(u, tur()));
        invalidField(4, 3, () -> u.parse(FakeScsiTask.of(0x1B, 0, 0, 0, 0x08, 0)));
        invalidField(4, 7, () -> u.parse(FakeScsiTask.of(0x1B, 0, 0, 0, 0x40, 0)));
    }

    @Test
    void aConfiguredImageThatOpensLateMakesTheDriveBecomeReadyWithoutAUnitAttention() throws Exception {
        Path iso = iso("late.iso", 4, 3);
        CompletableFuture<org.jstgt.api.store.BackingStore> late = new CompletableFuture<>();
        // the file store provider is not there yet: the core's open waits for it
        org.jstgt.api.media.MediumOpener waiting = (type, spec) -> late;
        LunSpec spec = spec(iso.toString());
        long t0 = System.nanoTime();
        DvdUnit u = DvdUnit.create(spec, waiting, events, workers, new TrayFile(null, spec.name(), workers), "l");
        assertTrue(System.nanoTime() - t0 < TimeUnit.SECONDS.toNanos(8), "create does not wait for the provider");
        var becoming = expect(SenseReason.LOGICAL_UNIT_BECOMING_READY, () -> run(u, tur()));
        assertEquals(0x04, becoming.sense().asc());
        assertEquals("loading", u.tray().status());
        late.complete(files.open(new org.jstgt.api.store.StoreSpec("cd0", "t", iso.toString(), 0, true, Map.of())));
        org.jstgt.testkit.Await.until(java.time.Duration.ofSeconds(10), "the late image to load",
                () -> u.tray().loaded().isPresent());
        assertEquals(0, run(u, tur()));
        assertEquals(List.of(), raised, "the configured medium did not change: no unit attention");
        u.close();
    }

    @Test
    void testUnitReadyRightAfterAnImmediateLoadWaitsForTheDisc() throws Exception {
        Path iso = iso("slow.iso", 4, 3);
        LunSpec spec = spec(iso.toString());
        // an open that takes a while: START STOP UNIT with IMMED returns before it is done
        org.jstgt.api.media.MediumOpener slow = (type, s) -> CompletableFuture.supplyAsync(() -> {
            try {
                Thread.sleep(300);
                return files.open(s);
            } catch (Exception e) {
                throw new java.util.concurrent.CompletionException(e);
            }
        });
        DvdUnit u = DvdUnit.create(spec, slow, events, workers, new TrayFile(null, spec.name(), workers), "l");
        assertEquals(0, run(u, tur()));
        assertEquals(0, run(u, startStop(false, true, false)));
        assertEquals(0, run(u, startStop(true, true, true)), "IMMED: status before the load is done");
        assertEquals(0, run(u, tur()), "libiscsi StartStopUnit.Simple: the next TEST UNIT READY sees the disc");
        u.close();
    }

    @Test
    void aUnitReplacedWhileItsImageStillOpensLeavesTheImageToItsSuccessor() throws Exception {
        Path iso = iso("boot.iso", 4, 3);
        Path states = dir.resolve("states");
        LunSpec spec = spec(iso.toString());
        CompletableFuture<org.jstgt.api.store.BackingStore> late = new CompletableFuture<>();
        // at boot: the first unit waits for the file store provider, and is replaced meanwhile
        DvdUnit first = DvdUnit.create(spec, (type, s) -> late, events, workers,
                new TrayFile(states, spec.name(), workers), "boot");
        first.close();
        DvdUnit second = DvdUnit.create(spec, opener, events, workers, new TrayFile(states, spec.name(), workers),
                "boot");
        org.jstgt.testkit.Await.until(java.time.Duration.ofSeconds(10), "the successor to load the image",
                () -> second.tray().loaded().isPresent());
        assertEquals(Optional.of(iso.toString()), second.tray().loaded());
        // the first unit's open completes after its close: it changes nothing, not even the file
        late.complete(files.open(new org.jstgt.api.store.StoreSpec("cd0", "t", iso.toString(), 0, true, Map.of())));
        Thread.sleep(200);
        second.close();
        DvdUnit third = DvdUnit.create(spec, opener, events, workers, new TrayFile(states, spec.name(), workers),
                "boot");
        org.jstgt.testkit.Await.until(java.time.Duration.ofSeconds(10), "the image after another replacement",
                () -> third.tray().loaded().isPresent());
        third.close();
    }

    @Test
    void aConfiguredImageThatFailsLateLeavesTheTrayEmpty() throws Exception {
        CompletableFuture<org.jstgt.api.store.BackingStore> late = new CompletableFuture<>();
        LunSpec spec = spec(iso("x.iso", 4, 3).toString());
        DvdUnit u = DvdUnit.create(spec, (type, s) -> late, events, workers, new TrayFile(null, spec.name(), workers),
                "l");
        late.completeExceptionally(new IllegalStateException("no store provider of type 'file' is installed"));
        org.jstgt.testkit.Await.until(java.time.Duration.ofSeconds(10), "the tray to give up",
                () -> !u.tray().status().equals("loading"));
        expect(Tray.TRAY_CLOSED, () -> run(u, tur()));
        u.close();
    }

    @Test
    void aLogicalUnitResetEndsEveryPreventAndRequestSenseReportsAnEmptyTray() throws Exception {
        DvdUnit u = unit(iso("x.iso", 4, 1));
        run(u, preventAllow(1));
        run(u, preventAllow(3, OTHER_PORT));
        assertEquals(Optional.empty(), u.condition(), "loaded: nothing to report");
        u.reset();
        assertFalse(u.tray().removalPrevented(), "SPC-4 §6.13: a reset ends prevention, persistent too");
        assertEquals(0, run(u, startStop(false, true, false)));
        assertEquals(Optional.of(Tray.TRAY_OPEN), u.condition(), "REQUEST SENSE of an open, empty tray");
    }

    @Test
    void ejectRefusedWhilePreventedAndAllowedAfterAllow() throws Exception {
        DvdUnit u = unit(iso("x.iso", 4, 1));
        assertEquals(0, run(u, preventAllow(1)));
        assertTrue(u.tray().removalPrevented());
        assertTrue(u.tray().status().endsWith("removal prevented"));
        expect(SenseReason.MEDIUM_REMOVAL_PREVENTED, () -> run(u, startStop(false, true, false)));
        assertEquals(0, run(u, tur()), "still loaded");
        assertEquals(0, run(u, preventAllow(0)));
        assertFalse(u.tray().removalPrevented());
        assertEquals(0, run(u, startStop(false, true, false)));
        expect(Tray.TRAY_OPEN, () -> run(u, tur()));
    }

    @Test
    void preventOfEveryNexusCounts() throws Exception {
        DvdUnit u = unit(iso("x.iso", 4, 1));
        run(u, preventAllow(1));
        run(u, preventAllow(1, OTHER_PORT));
        run(u, preventAllow(0));
        expect(SenseReason.MEDIUM_REMOVAL_PREVENTED, () -> run(u, startStop(false, true, false)));
        u.nexusLost(OTHER_PORT, FakeScsiTask.TARGET_PORT_NAME);
        assertFalse(u.tray().removalPrevented());
        assertEquals(0, run(u, startStop(false, true, false)));
    }

    @Test
    void persistentPreventTurnsAnOperatorEjectIntoARequest() throws Exception {
        DvdUnit u = unit(iso("x.iso", 4, 1));
        assertEquals(0, run(u, preventAllow(3)));
        assertEquals(Tray.PERSISTENT, u.tray().preventBits(DvdUnit.nexus(FakeScsiTask.INITIATOR_PORT_NAME,
                FakeScsiTask.TARGET_PORT_NAME)));
        assertInstanceOf(IllegalStateException.class, failure(u.tray().unload(false)));
        byte[] event = data(u, gesn(0x10, 8));
        assertEquals(Tray.EJECT_REQUEST, event[4]);
        // the host acts on the request: persistent prevention alone does not stop START STOP UNIT
        assertEquals(0, run(u, startStop(false, true, false)));
        run(u, preventAllow(2));
        assertFalse(u.tray().removalPrevented());
    }

    @Test
    void forceUnloadEndsPrevention() throws Exception {
        Path iso = iso("x.iso", 4, 1);
        DvdUnit u = unit(iso);
        RemovableMedium m = u.removableMedium().orElseThrow();
        run(u, preventAllow(1));
        assertInstanceOf(IllegalStateException.class, failure(m.unload(false)));
        assertEquals(Optional.of(iso.toString()), m.loaded());
        await(m.unload(true));
        assertFalse(m.removalPrevented());
        assertEquals(Optional.empty(), m.loaded());
        assertEquals("tray open", m.status());
        assertInstanceOf(IllegalStateException.class, failure(m.unload(true)), "nothing loaded");
    }

    @Test
    void loadFromTheShell() throws Exception {
        Path a = iso("a.iso", 4, 1);
        Path b = iso("b.iso", 6, 2);
        DvdUnit u = unit(a);
        RemovableMedium m = u.removableMedium().orElseThrow();
        assertInstanceOf(IllegalStateException.class, failure(m.load(b.toString())), "a medium is loaded");
        await(m.unload(false));
        await(m.load(b.toString()));
        assertEquals(Optional.of(b.toString()), m.loaded());
        assertEquals(5, u32(data(u, readCapacity()), 0));
        assertEquals(List.of(SenseReason.NOT_READY_TO_READY_CHANGE_MEDIUM_MAY_HAVE_CHANGED.sense()), raised);
        await(m.unload(false));
        assertInstanceOf(IOException.class, failure(m.load(dir.resolve("missing.iso").toString())));
        Path odd = dir.resolve("odd.iso");
        Files.write(odd, new byte[3000]);
        assertInstanceOf(IllegalArgumentException.class, failure(m.load(odd.toString())));
        assertInstanceOf(IOException.class, failure(m.load("relative.iso")));
        expect(Tray.TRAY_CLOSED, () -> run(u, tur()));
    }

    @Test
    void immedLoadFinishesAfterGood() throws Exception {
        DvdUnit u = unit(iso("x.iso", 4, 1));
        run(u, startStop(false, true, false));
        assertEquals(0, run(u, startStop(true, true, true)));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (u.tray().peek() == null && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertEquals(0, run(u, tur()));
    }

    @Test
    void anEjectWaitsForReadsInFlight() throws Exception {
        Path iso = iso("x.iso", 8, 3);
        DvdUnit u = unit(iso);
        Disc held = u.tray().acquire();
        assertEquals(2, held.references());
        run(u, startStop(false, true, false));
        assertEquals(1, held.references(), "the command's reference keeps the image open");
        byte[] got = new byte[BLOCK];
        held.io().read(BLOCK, java.nio.ByteBuffer.wrap(got), Runnable::run).toCompletableFuture().get(10,
                TimeUnit.SECONDS);
        assertArrayEquals(java.util.Arrays.copyOfRange(Files.readAllBytes(iso), BLOCK, 2 * BLOCK), got);
        held.release();
        assertEquals(0, held.references());
        assertFalse(held.retain(), "a closed disc is never taken again");
    }

    @Test
    void startStopFields() throws Exception {
        DvdUnit u = unit(iso("x.iso", 4, 1));
        assertEquals(0, run(u, startStop(false, false, true)));
        assertEquals(0, run(u, startStop(true, false, false)));
        for (int pc : new int[] {0x1, 0x2, 0x3, 0x5, 0x7, 0xA, 0xB}) {
            assertEquals(0, run(u, FakeScsiTask.of(0x1B, 0, 0, 0, pc << 4 | 0x02, 0)),
                    "LOEJ ignored with a power condition");
        }
        assertEquals(0, run(u, tur()));
        for (int pc : new int[] {0x4, 0x6, 0x8, 0x9, 0xC, 0xF}) {
            invalidField(4, 7, () -> u.parse(FakeScsiTask.of(0x1B, 0, 0, 0, pc << 4, 0)));
        }
        invalidField(4, 3, () -> u.parse(FakeScsiTask.of(0x1B, 0, 0, 0, 0x08, 0)));
        invalidField(1, 1, () -> u.parse(FakeScsiTask.of(0x1B, 2, 0, 0, 0x01, 0)));
        invalidField(3, -1, () -> u.parse(FakeScsiTask.of(0x1B, 0, 0, 1, 0x01, 0)));
    }

    @Test
    void preventAllowFields() throws Exception {
        DvdUnit u = unit(iso("x.iso", 4, 1));
        invalidField(4, 2, () -> u.parse(preventAllow(4)));
        invalidField(1, -1, () -> u.parse(FakeScsiTask.of(0x1E, 1, 0, 0, 0, 0)));
        invalidField(3, -1, () -> u.parse(FakeScsiTask.of(0x1E, 0, 0, 1, 0, 0)));
        assertEquals(org.jstgt.api.scsi.ReservationClass.ALLOWED, u.reservationClass(preventAllow(0).cdb()));
        assertEquals(org.jstgt.api.scsi.ReservationClass.WRITE, u.reservationClass(preventAllow(1).cdb()));
        assertEquals(org.jstgt.api.scsi.ReservationClass.WRITE,
                u.reservationClass(startStop(false, true, false).cdb()));
        assertEquals(org.jstgt.api.scsi.ReservationClass.ALLOWED,
                u.reservationClass(startStop(false, false, true).cdb()));
    }
}
