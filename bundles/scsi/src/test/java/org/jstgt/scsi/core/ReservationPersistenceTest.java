package org.jstgt.scsi.core;

import static org.jstgt.scsi.core.Harness.*;
import static org.jstgt.scsi.core.TwoNexuses.*;
import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Files;
import java.nio.file.Path;

import org.jstgt.api.target.Nexus;
import org.jstgt.api.target.ScsiResult;
import org.jstgt.scsi.pr.PrIn;
import org.jstgt.scsi.pr.PrOutRequest;
import org.jstgt.testkit.FakeScsiTask;
import org.jstgt.testkit.PrCdbs;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The reservations of a LUN kept by the core: across an update of the core bundle (a new manager in
 * the same framework launch) always, across a restart (another launch) only with APTPL, and a state
 * saved with APTPL is durable before its command's GOOD.
 */
class ReservationPersistenceTest {
    @TempDir
    Path dir;

    private Harness start(String launch) throws Exception {
        return disk(new Harness(dir.resolve("pr"), launch));
    }

    private static String readReservation(Nexus n) throws Exception {
        FakeScsiTask t = Tasks.prIn(PrIn.READ_RESERVATION, 24);
        ScsiResult r = run(n, t);
        assertGood(r);
        byte[] d = t.dataInBytes(r.dataInLength());
        return d.length == 8 ? "none" : String.format("key %02x type %d", d[15], d[21]);
    }

    private static ScsiResult registerAptpl(Nexus n, long saKey) throws Exception {
        return out(n, PrOutRequest.REGISTER, 0, PrCdbs.basic(0, saKey, PrCdbs.APTPL));
    }

    @Test
    void anUpdateOfTheCoreKeepsEverythingARestartWithoutAptplNothing() throws Exception {
        try (Harness h = start("launch-1")) {
            Nexus a = h.quietNexus(0);
            assertGood(register(a, 0, 0xAA));
            assertGood(reserve(a, 0xAA, EA));
        }
        try (Harness h = start("launch-1")) {
            assertEquals("key aa type 3", readReservation(h.quietNexus(0)));
        }
        try (Harness h = start("launch-2")) {
            Nexus a = h.quietNexus(0);
            assertEquals("none", readReservation(a));
            FakeScsiTask keys = Tasks.prIn(PrIn.READ_KEYS, 64);
            assertEquals(8, run(a, keys).dataInLength());
        }
        assertFalse(Files.exists(dir.resolve("pr/d0.state")));
    }

    @Test
    void aptplIsDurableBeforeGoodAndSurvivesARestart() throws Exception {
        try (Harness h = start("launch-1")) {
            Nexus a = h.quietNexus(0);
            FakeScsiTask caps = Tasks.prIn(PrIn.REPORT_CAPABILITIES, 8);
            run(a, caps);
            assertEquals(0x01, caps.dataInBytes(8)[2] & 0x01, "PTPL_C");
            assertGood(registerAptpl(a, 0xAA));
            assertTrue(Files.readString(dir.resolve("pr/d0.state")).contains("registration 00000000000000aa"),
                    "written before GOOD");
            assertGood(reserve(a, 0xAA, WE));
        }
        try (Harness h = start("launch-2")) {
            Nexus a = h.quietNexus(0);
            assertEquals("key aa type 1", readReservation(a));
            Nexus b = other(h);
            assertConflict(run(b, Tasks.write10(0, 1, new byte[512])));
            assertGood(run(a, Tasks.write10(0, 1, new byte[512])));
        }
    }

    @Test
    void aDeletedLunForgetsItsReservations() throws Exception {
        try (Harness h = start("launch-1")) {
            assertGood(register(h.quietNexus(0), 0, 0xAA));
            h.manager.lunDeleted("pid-lun-d0");
        }
        assertFalse(Files.exists(dir.resolve("pr/d0.state")));
        try (Harness h = start("launch-1")) {
            assertEquals(8, run(h.quietNexus(0), Tasks.prIn(PrIn.READ_KEYS, 64)).dataInLength());
        }
    }

    @Test
    void aCorruptFileLeavesTheLunWorking() throws Exception {
        Files.createDirectories(dir.resolve("pr"));
        Files.writeString(dir.resolve("pr/d0.state"), "version 1\nlaunch x\ngarbage\n");
        try (Harness h = start("launch-1")) {
            Nexus a = h.quietNexus(0);
            assertGood(run(a, Tasks.write10(0, 1, new byte[512])));
            assertEquals("none", readReservation(a));
            assertGood(register(a, 0, 0xAA));
        }
        assertTrue(Files.readString(dir.resolve("pr/d0.state")).startsWith("#"), "replaced by the next change");
    }
}
