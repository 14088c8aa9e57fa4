package org.jstgt.device.tape.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;

import org.jstgt.device.tape.image.TapeImage.Kind;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Making and opening cartridge files: blank, missing, foreign, of another version, in use. */
class TapeImagesTest {
    private static final long MIB = 1 << 20;

    @TempDir
    Path dir;

    @Test
    void createMakesAnEmptyImageOnce() throws IOException {
        Path file = dir.resolve("JST001L4." + TapeImages.EXTENSION);
        TapeImages.create(file, 4L << 30, false);
        assertEquals(Identity.DATA_START, Files.size(file));
        try (TapeImage t = TapeImages.open(file)) {
            assertEquals(4L << 30, t.capacity());
            assertEquals((4L << 30) / 50, t.earlyWarning());
            assertEquals(0, t.objects());
            assertEquals(0, t.used());
            assertFalse(t.worm());
            assertFalse(t.writeProtected());
        }
        assertThrows(FileAlreadyExistsException.class, () -> TapeImages.create(file, MIB, false));
    }

    @Test
    void capacityOutsideTheRangeIsRefused() {
        IllegalArgumentException small = assertThrows(IllegalArgumentException.class,
                () -> TapeImages.create(dir.resolve("A.tape"), MIB - 1, false));
        assertTrue(small.getMessage().contains("1 MiB") && small.getMessage().contains("64 TiB"), small.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> TapeImages.create(dir.resolve("B.tape"), TapeImages.MAX_CAPACITY + 1, false));
        assertThrows(IllegalArgumentException.class, () -> TapeImages.open(dir.resolve("C.tape"), 5));
        assertFalse(Files.exists(dir.resolve("A.tape")));
        assertFalse(Files.exists(dir.resolve("C.tape")));
    }

    @Test
    void earlyWarningDefaults() {
        assertEquals(64 << 10, TapeImages.defaultEarlyWarning(MIB));
        assertEquals((100 * MIB) / 50, TapeImages.defaultEarlyWarning(100 * MIB));
        assertEquals(1L << 30, TapeImages.defaultEarlyWarning(TapeImages.MAX_CAPACITY));
    }

    @Test
    void aMissingFileIsMadeOnlyWithACapacity() throws IOException {
        Path file = dir.resolve("NEW.tape");
        assertThrows(NoSuchFileException.class, () -> TapeImages.open(file));
        assertFalse(Files.exists(file));
        try (TapeImage t = TapeImages.open(file, 2 * MIB)) {
            assertEquals(2 * MIB, t.capacity());
            t.appendMarks(Kind.FILEMARK, 1);
        }
        try (TapeImage t = TapeImages.open(file, 8 * MIB)) {
            assertEquals(2 * MIB, t.capacity(), "an existing image keeps its capacity");
            assertEquals(1, t.objects());
        }
    }

    @Test
    void anEmptyFileIsABlankCartridge() throws IOException {
        Path file = dir.resolve("BLANK.tape");
        Files.createFile(file);
        TapeImageException e = assertThrows(TapeImageException.class, () -> TapeImages.open(file));
        assertTrue(e.getMessage().startsWith(file.toString()) && e.getMessage().contains("blank"), e.getMessage());
        try (TapeImage t = TapeImages.open(file, 3 * MIB)) {
            assertEquals(3 * MIB, t.capacity());
        }
        try (TapeImage t = TapeImages.open(file)) {
            assertEquals(3 * MIB, t.capacity());
        }
    }

    @Test
    void aForeignFileIsRefusedAndLeftAlone() throws IOException {
        Path text = dir.resolve("NOTES.tape");
        Files.writeString(text, "not a tape\n".repeat(1000));
        byte[] before = Files.readAllBytes(text);
        TapeImageException e = assertThrows(TapeImageException.class, () -> TapeImages.open(text, MIB));
        assertTrue(e.getMessage().startsWith(text.toString()) && e.getMessage().contains("not a jstgt tape image"),
                e.getMessage());
        Path small = dir.resolve("SMALL.tape");
        Files.writeString(small, "hello");
        assertThrows(TapeImageException.class, () -> TapeImages.open(small, MIB));
        assertEquals("hello", Files.readString(small), "a short foreign file is not formatted");
        assertTrue(Arrays.equals(before, Files.readAllBytes(text)));
    }

    @Test
    void aLaterFormatVersionIsNamed() throws IOException {
        Path file = dir.resolve("V2.tape");
        TapeImages.create(file, MIB, false);
        byte[] b = Files.readAllBytes(file);
        b[9] = 2;
        Files.write(file, b);
        TapeImageException e = assertThrows(TapeImageException.class, () -> TapeImages.open(file));
        assertTrue(e.getMessage().contains("version 2.0 is not supported"), e.getMessage());
    }

    @Test
    void aDamagedIdentityBlockIsRefused() throws IOException {
        Path file = dir.resolve("ID.tape");
        TapeImages.create(file, MIB, false);
        byte[] b = Files.readAllBytes(file);
        b[20] ^= 1;
        Files.write(file, b);
        TapeImageException e = assertThrows(TapeImageException.class, () -> TapeImages.open(file));
        assertTrue(e.getMessage().contains("CRC"), e.getMessage());
    }

    @Test
    void anImageInUseIsNotOpenedTwice() throws IOException {
        Path file = dir.resolve("LOCK.tape");
        TapeImages.create(file, MIB, false);
        try (TapeImage t = TapeImages.open(file)) {
            TapeImageException e = assertThrows(TapeImageException.class, () -> TapeImages.open(file));
            assertTrue(e.getMessage().contains("in use"), e.getMessage());
            t.appendBlocks(ByteBuffer.wrap("data".getBytes(StandardCharsets.US_ASCII)), 4, 1);
        }
        try (TapeImage t = TapeImages.open(file)) {
            assertEquals(1, t.objects());
        }
    }

    @Test
    void wormIsKept() throws IOException {
        Path file = dir.resolve("W.tape");
        TapeImages.create(file, MIB, true);
        TapeImages.setWriteProtected(file, true);
        try (TapeImage t = TapeImages.open(file)) {
            assertTrue(t.worm());
            assertTrue(t.writeProtected());
        }
    }
}
