package org.jstgt.shell;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import org.jstgt.api.media.RemovableMedium;
import org.jstgt.api.mgmt.LunInfo;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code iscsi:media-load/eject/list}: the unit acts first, then the medium key is written. */
class MediaTest {
    @TempDir
    Path etc;
    @TempDir
    Path images;
    private ShellFixture f;
    private final Drive cd0 = new Drive();

    @BeforeEach
    void setUp() throws Exception {
        f = new ShellFixture(etc);
        f.cm.fromFile(etc, "jstgt.lun", "cd0", "# the DVD\ndevice.type = dvd\n");
    }

    @AfterEach
    void tearDown() {
        f.close();
    }

    private Media media() {
        return new Media(f.store, f.out, lun -> lun.equals("cd0") ? Optional.of(cd0) : Optional.empty());
    }

    private String medium() throws Exception {
        return ShellFixture.read(etc.resolve("jstgt.lun-cd0.cfg")).getProperty("medium");
    }

    @Test
    void loadLoadsThenRecordsTheAbsolutePath() throws Exception {
        Path iso = Files.createFile(images.resolve("debian.iso"));
        media().load("cd0", iso.toString());
        assertEquals(List.of("load " + iso), cd0.calls);
        assertEquals(iso.toString(), medium());
        assertTrue(Files.readString(etc.resolve("jstgt.lun-cd0.cfg")).contains("# the DVD"), "comments kept");
        assertTrue(f.output().contains("LUN cd0: " + iso + " loaded; initiators see NOT READY TO READY CHANGE"),
                f.output());
    }

    @Test
    void aLoadedDriveRefusesAnotherMediumAndWritesNothing() throws Exception {
        cd0.loaded = "/srv/a.iso";
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> media().load("cd0", images.resolve("b.iso").toString()));
        assertEquals("LUN cd0 has /srv/a.iso loaded; eject it first (iscsi:media-eject cd0)", e.getMessage());
        assertTrue(cd0.calls.isEmpty());
        assertNull(medium());
    }

    @Test
    void theUnitsRefusalIsTheCommandsErrorAndNothingIsWritten() {
        cd0.failLoad = new IllegalArgumentException("/x.iso: 1000 bytes is not a multiple of 2048");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> media().load("cd0", "/x.iso"));
        assertEquals("loading /x.iso into LUN cd0 failed: /x.iso: 1000 bytes is not a multiple of 2048", e.getMessage());
        assertFalse(lines(etc.resolve("jstgt.lun-cd0.cfg")).stream().anyMatch(l -> l.startsWith("medium")));
    }

    @Test
    void ejectIsRefusedWhilePreventedUnlessForced() throws Exception {
        f.cm.fromFile(etc, "jstgt.lun", "cd0", "device.type = dvd\nmedium = /srv/a.iso\n");
        cd0.loaded = "/srv/a.iso";
        cd0.prevented = true;
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> media().eject("cd0", false));
        assertTrue(e.getMessage().contains("prevents medium removal"), e.getMessage());
        assertEquals("/srv/a.iso", medium());
        media().eject("cd0", true);
        assertEquals(List.of("unload force=true"), cd0.calls);
        assertNull(medium());
        assertTrue(f.output().contains("LUN cd0: /srv/a.iso ejected (forced)"), f.output());
    }

    @Test
    void ejectOfAnEmptyDriveStillClearsTheKey() throws Exception {
        f.cm.fromFile(etc, "jstgt.lun", "cd0", "device.type = dvd\nmedium = /srv/a.iso\n");
        media().eject("cd0", false);
        assertTrue(cd0.calls.isEmpty());
        assertNull(medium());
    }

    @Test
    void unknownOrFixedLunsAreNamed() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> media().eject("disk0", false));
        assertEquals("LUN 'disk0' has no removable medium here: it is not a dvd or tape LUN, or it is not ACTIVE "
                + "(iscsi:lun-list)", e.getMessage());
    }

    @Test
    void rowsListRemovableLunsOnly() {
        cd0.loaded = "/srv/a.iso";
        cd0.prevented = true;
        List<List<String>> rows = media().rows(List.of(
                new LunInfo("cd0", "f", "dvd", "", 0, 2048, null, true, "ACTIVE", List.of()),
                new LunInfo("disk0", "f", "disk", "file", 0, 512, "/d", false, "ACTIVE", List.of()),
                new LunInfo("tape0", "f", "tape", "", 0, 0, null, false, "WAITING(device.type=tape)", List.of())));
        assertEquals(List.of(List.of("cd0", "dvd", "/srv/a.iso", "loaded", "yes"),
                List.of("tape0", "tape", "-", "WAITING(device.type=tape)", "-")), rows);
    }

    /** A drive that records what it is asked. */
    static final class Drive implements RemovableMedium {
        final List<String> calls = new ArrayList<>();
        String loaded;
        boolean prevented;
        RuntimeException failLoad;

        @Override
        public Optional<String> loaded() {
            return Optional.ofNullable(loaded);
        }

        @Override
        public CompletionStage<Void> load(String path) {
            if (failLoad != null) {
                return CompletableFuture.failedFuture(failLoad);
            }
            calls.add("load " + path);
            loaded = path;
            return CompletableFuture.completedFuture(null);
        }

        @Override
        public CompletionStage<Void> unload(boolean force) {
            calls.add("unload force=" + force);
            loaded = null;
            return CompletableFuture.completedFuture(null);
        }

        @Override
        public boolean removalPrevented() {
            return prevented;
        }
    }

    private static List<String> lines(Path p) {
        try {
            return Files.readAllLines(p);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
