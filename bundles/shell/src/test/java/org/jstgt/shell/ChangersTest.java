package org.jstgt.shell;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import org.jstgt.api.media.ChangerElement;
import org.jstgt.api.media.ChangerElement.ElementType;
import org.jstgt.api.media.MediaChanger;
import org.jstgt.api.media.MediumFormatter;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code iscsi:changer-status/changer-move/cartridge-create}. */
class ChangersTest {
    @TempDir
    Path etc;
    @TempDir
    Path tapes;
    private ShellFixture f;
    private final Library lib0 = new Library();

    @BeforeEach
    void setUp() throws Exception {
        f = new ShellFixture(etc);
        f.cm.fromFile(etc, "jstgt.lun", "lib0", "device.type = changer\nchanger.drives = tape0\nchanger.media = "
                + tapes + "\n");
        f.cm.fromFile(etc, "jstgt.lun", "lib1", "device.type = changer\nchanger.media = /elsewhere\n");
    }

    @AfterEach
    void tearDown() {
        f.close();
    }

    private Changers changers() {
        return new Changers(f.store, f.out, lun -> lun.equals("lib0") ? Optional.of(lib0) : Optional.empty());
    }

    @Test
    void statusListsEveryElement() {
        assertEquals(List.of(List.of("0", "transport:1", "empty", "", "", "yes"),
                List.of("16", "mail:1", "empty", "", "", "yes"),
                List.of("256", "drive:1", "empty", "", "tape0", "yes"),
                List.of("4096", "slot:1", "full", "JST001L4", "", "yes"),
                List.of("4097", "slot:2", "empty", "", "", "yes")), changers().status("lib0"));
    }

    @Test
    void moveTakesElementNamesOrAddresses() throws Exception {
        changers().move("lib0", "slot:1", "drive:1");
        changers().move("lib0", "256", "0x1001");
        assertEquals(List.of("4096->256", "256->4097"), lib0.moves);
        assertTrue(f.output().contains("LUN lib0: moved JST001L4 from slot:1 to drive:1 (loaded into LUN tape0)"),
                f.output());
    }

    @Test
    void badElementsAndRefusalsAreNamed() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> changers().move("lib0", "slot:9", "drive:1"));
        assertEquals("no element slot:9; see iscsi:changer-status", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> changers().move("lib0", "shelf", "drive:1"));
        assertTrue(e.getMessage().startsWith("'shelf' is not an element"), e.getMessage());
        lib0.refuse = new IllegalStateException("destination element full");
        IllegalStateException s = assertThrows(IllegalStateException.class,
                () -> changers().move("lib0", "slot:1", "drive:1"));
        assertEquals("moving slot:1 to drive:1 failed: destination element full", s.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> changers().status("lib1"));
        assertTrue(e.getMessage().startsWith("LUN 'lib1' is not a media changer here"), e.getMessage());
    }

    @Test
    void createMakesTheCartridgeAndRescansTheLibrariesOfThatDirectory() throws Exception {
        Formatter fmt = new Formatter();
        Path file = changers().create(fmt, tapes.toString(), "JST002L4", "1GiB");
        assertEquals(tapes.resolve("JST002L4.tape"), file);
        assertEquals(List.of(file + " " + (1L << 30)), fmt.created);
        assertEquals(1, lib0.rescans);
        assertTrue(f.output().contains("LUN lib0: JST002L4 is in slot:2"), f.output());
        assertThrows(FileAlreadyExistsException.class, () -> changers().create(fmt, tapes.toString(), "JST002L4", null));
    }

    @Test
    void barcodesAndSizesAreChecked() {
        Formatter fmt = new Formatter();
        for (String bad : new String[] {"", "A B", ".hidden", "a/b", "X".repeat(33)}) {
            assertThrows(IllegalArgumentException.class, () -> changers().create(fmt, tapes.toString(), bad, null), bad);
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> changers().create(fmt, tapes.toString(), "JST003", "4 parsecs"));
        assertTrue(e.getMessage().contains("--size"), e.getMessage());
        assertTrue(fmt.created.isEmpty());
    }

    /** A library: transport, one mail slot, one drive, two slots (JST001L4 in slot 1). */
    static final class Library implements MediaChanger {
        final List<String> moves = new ArrayList<>();
        final String[] tags = {"", "", "", "JST001L4", ""};
        int rescans;
        RuntimeException refuse;

        @Override
        public List<ChangerElement> elements() {
            return List.of(new ChangerElement(0, ElementType.MEDIUM_TRANSPORT, 1, false, tags[0], "", true),
                    new ChangerElement(16, ElementType.IMPORT_EXPORT, 1, !tags[1].isEmpty(), tags[1], "", true),
                    new ChangerElement(256, ElementType.DATA_TRANSFER, 1, !tags[2].isEmpty(), tags[2], "tape0", true),
                    new ChangerElement(4096, ElementType.STORAGE, 1, !tags[3].isEmpty(), tags[3], "", true),
                    new ChangerElement(4097, ElementType.STORAGE, 2, !tags[4].isEmpty(), tags[4], "", true));
        }

        private int index(int address) {
            return switch (address) {
                case 0 -> 0;
                case 16 -> 1;
                case 256 -> 2;
                default -> address - 4096 + 3;
            };
        }

        @Override
        public CompletionStage<Void> move(int source, int destination) {
            if (refuse != null) {
                return CompletableFuture.failedFuture(refuse);
            }
            moves.add(source + "->" + destination);
            tags[index(destination)] = tags[index(source)];
            tags[index(source)] = "";
            return CompletableFuture.completedFuture(null);
        }

        @Override
        public CompletionStage<Void> rescan() {
            rescans++;
            tags[4] = "JST002L4";
            return CompletableFuture.completedFuture(null);
        }
    }

    /** Records what it creates; refuses an existing file as the tape format does. */
    static final class Formatter implements MediumFormatter {
        final List<String> created = new ArrayList<>();

        @Override
        public String extension() {
            return "tape";
        }

        @Override
        public void create(Path path, long capacity) throws IOException {
            if (Files.exists(path)) {
                throw new FileAlreadyExistsException(path.toString());
            }
            Files.createFile(path);
            created.add(path + " " + capacity);
        }
    }
}
