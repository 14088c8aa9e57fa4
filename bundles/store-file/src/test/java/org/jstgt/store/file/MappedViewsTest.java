package org.jstgt.store.file;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.ByteBuffer;
import java.nio.ReadOnlyBufferException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import org.jstgt.api.store.StoreCapability;
import org.jstgt.api.store.StoreExtent;
import org.jstgt.testkit.Await;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Views of a file on tmpfs ({@link MappedViews}): what a transport sends read data from, one copy
 * fewer than a read into a buffer (1 MiB reads went from about 2.5 to 4 GB/s on loopback).
 */
class MappedViewsTest {
    private static final long MIB = 1 << 20;
    private static final Path SHM = Path.of("/dev/shm");

    private final FileStoreProvider provider = new FileStoreProvider(2, 1024);
    private Path dir;

    @BeforeEach
    void setUp() throws Exception {
        assumeTrue(Files.isDirectory(SHM) && MemoryFs.holds(SHM), "needs /dev/shm on tmpfs");
        dir = Files.createTempDirectory(SHM, "jstgt-views-");
    }

    @AfterEach
    void tearDown() throws Exception {
        provider.close();
        if (dir != null) {
            try (var files = Files.list(dir)) {
                for (Path f : (Iterable<Path>) files::iterator) {
                    Files.deleteIfExists(f);
                }
            }
            Files.deleteIfExists(dir);
        }
    }

    private static byte[] bytes(ByteBuffer b) {
        byte[] out = new byte[b.remaining()];
        b.duplicate().get(out);
        return out;
    }

    private static void write(FileStore s, long offset, byte[] data) throws Exception {
        s.write(offset, ByteBuffer.wrap(data), false, Runnable::run).toCompletableFuture().get();
    }

    @Test
    void aViewShowsTheFileAndEveryLaterWrite() throws Exception {
        try (FileStore s = (FileStore) provider.open(FileStoreTest.spec("v0", dir.resolve("v0.img"), 8 * MIB, false))) {
            byte[] a = FileStoreTest.pattern(64 * 1024, 3);
            write(s, 3 * MIB, a);
            ByteBuffer v = s.view(3 * MIB, a.length);
            assertNotNull(v);
            assertEquals(0, v.position());
            assertEquals(a.length, v.remaining());
            assertTrue(v.isDirect() && v.isReadOnly());
            assertArrayEquals(a, bytes(v));
            assertThrows(ReadOnlyBufferException.class, () -> v.put(0, (byte) 1));

            byte[] b = FileStoreTest.pattern(64 * 1024, 4);
            write(s, 3 * MIB, b);
            assertArrayEquals(b, bytes(v), "live: a caller must be done with a view before a write it must not see");
            assertEquals(1, s.mappedWindows());
        }
    }

    @Test
    void rangesOutsideTheStoreOrAcrossTwoWindowsGetNone() throws Exception {
        long size = MappedViews.WINDOW + 4 * MIB; // sparse on tmpfs: no memory taken
        try (FileStore s = (FileStore) provider.open(FileStoreTest.spec("v1", dir.resolve("v1.img"), size, false))) {
            assertNull(s.view(MappedViews.WINDOW - 512, 1024), "across two windows");
            assertNull(s.view(size - 512, 1024), "past the end");
            assertNull(s.view(-512, 512));
            assertNull(s.view(0, 0));
            assertEquals(0, s.mappedWindows());
            byte[] a = FileStoreTest.pattern(4096, 5);
            write(s, MappedViews.WINDOW + MIB, a);
            assertArrayEquals(a, bytes(s.view(MappedViews.WINDOW + MIB, a.length)));
            assertEquals(1, s.mappedWindows(), "only the window asked for is mapped");
            write(s, MappedViews.WINDOW, FileStoreTest.pattern((int) (4 * MIB), 6));
            assertEquals(4 * MIB, s.view(MappedViews.WINDOW, (int) (4 * MIB)).remaining(), "a short last window");
        }
    }

    /**
     * Reading a hole of a tmpfs file through a shared mapping allocates a page for it (read(2) does
     * not): views of holes would fill a thin LUN with pages of zeros as it is read.
     */
    @Test
    void aHoleGetsNoViewAndStaysAHole() throws Exception {
        try (FileStore s = (FileStore) provider.open(FileStoreTest.spec("v5", dir.resolve("v5.img"), 8 * MIB, false))) {
            assumeTrue(s.capabilities().contains(StoreCapability.EXTENTS), "needs SEEK_HOLE (JNA) to tell");
            byte[] a = FileStoreTest.pattern(64 * 1024, 8);
            write(s, MIB, a);
            assertArrayEquals(a, bytes(s.view(MIB, a.length)));
            assertNotNull(s.view(MIB + 512, 512), "part of a page written");
            assertNull(s.view(2 * MIB, 64 * 1024), "a hole");
            assertNull(s.view(MIB + a.length - 4096, 8192), "data, then a hole");
            assertNull(s.view(MIB - 4096, 8192), "a hole, then data");
            StoreExtent hole = s.extent(2 * MIB, Runnable::run).toCompletableFuture().get();
            assertFalse(hole.mapped(), "still a hole: nothing was read through a mapping");
            assertEquals(6 * MIB, hole.length());
            assertFalse(s.extent(0, Runnable::run).toCompletableFuture().get().mapped());
        }
    }

    @Test
    void noViewsWhenInlineIsOffOrOffMemoryFileSystems() throws Exception {
        try (FileStore s = (FileStore) provider.open(FileStoreTest.spec("v2", dir.resolve("v2.img"), 4 * MIB, false,
                FileStoreProvider.INLINE, "false"))) {
            assertNull(s.view(0, 4096));
        }
        Path disk = Files.createDirectories(Path.of("target", "views-test")).toAbsolutePath();
        assumeFalse(MemoryFs.holds(disk), "target/ is on a memory file system here");
        Path f = disk.resolve("v3.img");
        try (FileStore s = (FileStore) provider.open(FileStoreTest.spec("v3", f, 4 * MIB, false))) {
            assertNull(s.view(0, 4096), "a mapping of a disk file would fault on the event loop");
        } finally {
            Files.deleteIfExists(f);
        }
    }

    @Test
    void aClosedStoreGivesNoneAndItsViewsStayReadableAndItsWindowsCountUntilCollected() throws Exception {
        FileStore s = (FileStore) provider.open(FileStoreTest.spec("v4", dir.resolve("v4.img"), 4 * MIB, false));
        byte[] a = FileStoreTest.pattern(8192, 6);
        write(s, 0, a);
        int before = MappedViews.windowsInUse();
        ByteBuffer v = s.view(0, a.length);
        assertEquals(before + 1, MappedViews.windowsInUse());
        s.close();
        assertNull(s.view(0, 4096));
        assertArrayEquals(a, bytes(v), "a view handed out keeps its mapping");
        assertEquals(before + 1, MappedViews.windowsInUse(), "still mapped: the view holds it");
        v = null;
        Await.until(Duration.ofSeconds(10), "the window collected and counted out", () -> {
            System.gc();
            return MappedViews.windowsInUse() <= before;
        });
    }
}
