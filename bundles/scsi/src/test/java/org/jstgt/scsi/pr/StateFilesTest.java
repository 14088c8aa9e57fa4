package org.jstgt.scsi.pr;

import static org.jstgt.scsi.pr.Pr.*;
import static org.junit.jupiter.api.Assertions.*;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The saved reservations of a LUN: restored whole in the same framework launch (an update of the core
 * bundle), after a restart only with APTPL; a corrupt file is ignored, never fatal.
 */
class StateFilesTest {
    @TempDir
    Path dir;
    private final ExecutorService workers = Executors.newSingleThreadExecutor();

    @AfterEach
    void stop() throws Exception {
        workers.shutdown();
        assertTrue(workers.awaitTermination(10, TimeUnit.SECONDS));
    }

    private StateFiles files(String launch) {
        return new StateFiles(dir.resolve("pr"), launch, workers);
    }

    /** A, B registered, A holding WE-RO; B through every target port; APTPL as given. */
    private PrState populate(StateFiles f, boolean aptpl) throws Exception {
        PrEngine e = new PrEngine("d0", f);
        e.persistentReserveOut(A, new PrOutRequest(PrOutRequest.REGISTER, null, 0, 0xAA, false, false, aptpl, List.of(),
                0, false));
        e.persistentReserveOut(B, new PrOutRequest(PrOutRequest.REGISTER, null, 0, 0xBB, true, true, aptpl,
                List.of(new TransportId(NAME_C, null)), 0, false));
        Outcome last = e.persistentReserveOut(A, reserve(0xAA, PrType.WRITE_EXCLUSIVE_REGISTRANTS_ONLY));
        e.reserve(C);
        last.saved().toCompletableFuture().get(10, TimeUnit.SECONDS);
        return e.state();
    }

    @Test
    void sameLaunchRestoresEverything() throws Exception {
        PrState before = populate(files("launch-1"), false);
        PrEngine again = new PrEngine("d0", files("launch-1"));
        PrState after = again.state();
        assertEquals(before.registrations(), after.registrations());
        assertEquals(before.reservation(), after.reservation());
        assertEquals(before.generation(), after.generation());
        assertNull(after.spc2Holder(), "SPC-2 reservations are never saved");
        assertTrue(after.reservation().heldBy(after.registrationOf(A)));
        assertNotNull(after.registrationOf(nexus(NAME_C, 5, 1)), "a registration of every port of an initiator");
        assertNotNull(after.registrationOf(nexus(NAME_B, 1, 7)), "one through every target port");
        try (var s = Files.list(dir.resolve("pr"))) {
            // no temporary file left
            assertEquals(List.of("d0.state"), s.map(p -> p.getFileName().toString()).toList());
        }
    }

    @Test
    void aRestartRestoresOnlyWithAptpl() throws Exception {
        PrState before = populate(files("launch-1"), true);
        PrState after = new PrEngine("d0", files("launch-2")).state();
        assertEquals(before.registrations(), after.registrations());
        assertTrue(after.aptpl());
        assertEquals(PrType.WRITE_EXCLUSIVE_REGISTRANTS_ONLY, after.reservation().type());
    }

    @Test
    void aRestartDropsAndDeletesStateSavedWithoutAptpl() throws Exception {
        populate(files("launch-1"), false);
        assertTrue(Files.exists(dir.resolve("pr/d0.state")));
        assertSame(PrState.EMPTY, new PrEngine("d0", files("launch-2")).state());
        assertFalse(Files.exists(dir.resolve("pr/d0.state")));
    }

    @Test
    void theFileIsTheDocumentedText() throws Exception {
        populate(files("launch-1"), true);
        List<String> lines = Files.readAllLines(dir.resolve("pr/d0.state"));
        assertEquals(List.of("version 1", "launch launch-1", "generation 2", "aptpl 1",
                "registration 00000000000000aa " + NAME_A + " 000000000001 " + TARGET + ",t,0x0001 1",
                "registration 00000000000000bb " + NAME_B + " 000000000001 * 0",
                "registration 00000000000000bb " + NAME_C + " - * 0",
                "reservation 5 0", "end"), lines.subList(1, lines.size()));
        assertTrue(lines.get(0).startsWith("#"));
    }

    @Test
    void aCorruptFileIsIgnored() throws Exception {
        Files.createDirectories(dir.resolve("pr"));
        String good = "version 1\nlaunch l\ngeneration 3\naptpl 0\nregistration 00000000000000aa " + NAME_A
                + " - * 0\nend\n";
        assertEquals(1, load(good).registrations().size());
        for (String bad : List.of("", "version 2\n", good.replace("generation 3", "generation -1"),
                good.replace("aptpl 0", "aptpl yes"), good.replace("00000000000000aa", "0000000000000000"),
                good.replace(NAME_A, "Upper"), good.replace(" - * 0", " - * 1"),
                good.replace("end\n", "reservation 9 0\nend\n"), good.replace("end\n", "reservation 1 1\nend\n"),
                good.replace("end\n", ""), good + "more\n", good.replace("aptpl 0\n", ""),
                good.replace("end\n", "registration 00000000000000ab " + NAME_A + " 000000000001 * 0\nend\n"))) {
            assertSame(PrState.EMPTY, load(bad), () -> "accepted:\n" + bad);
        }
        Files.write(dir.resolve("pr/d0.state"), new byte[] {(byte) 0xC3, 0x28});
        assertSame(PrState.EMPTY, new PrEngine("d0", files("l")).state(), "not UTF-8");
    }

    private PrState load(String text) throws Exception {
        Files.writeString(dir.resolve("pr/d0.state"), text, StandardCharsets.UTF_8);
        return new PrEngine("d0", files("l")).state();
    }

    @Test
    void deleteRemovesTheFileAfterPendingWrites() throws Exception {
        StateFiles f = files("launch-1");
        populate(f, false);
        f.delete("d0");
        f.flush(10_000);
        assertFalse(Files.exists(dir.resolve("pr/d0.state")));
    }

    @Test
    void lunNamesBecomeSafeFileNames() {
        assertEquals("d0.state", files("l").file("d0").getFileName().toString());
        assertEquals("a%2Fb%20c%C3%A9.state", files("l").file("a/b cé").getFileName().toString());
    }
}
