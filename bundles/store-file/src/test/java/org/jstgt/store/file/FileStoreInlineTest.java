package org.jstgt.store.file;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import org.jstgt.api.store.BackingStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A file on tmpfs is read and written on the calling thread: io_uring cannot complete I/O on tmpfs
 * without a kernel worker thread, and with four sessions on two cores that hand-off cost jstgt more
 * than half its IOPS in the benchmark (4K random reads fell from ~145k to ~55k).
 */
class FileStoreInlineTest {
    private static final long MIB = 1 << 20;
    private static final Path SHM = Path.of("/dev/shm");

    private final FileStoreProvider provider = new FileStoreProvider(2, 1024);
    private Path dir;
    /** Stands for the connection's event loop: completion on it would be a hand-off. */
    private ExecutorService loop;

    @BeforeEach
    void setUp() throws Exception {
        assumeTrue(Files.isDirectory(SHM) && MemoryFs.holds(SHM), "needs /dev/shm on tmpfs");
        dir = Files.createTempDirectory(SHM, "jstgt-inline-");
        loop = Executors.newSingleThreadExecutor();
    }

    @AfterEach
    void tearDown() throws Exception {
        provider.close();
        if (loop != null) {
            loop.shutdownNow();
        }
        if (dir != null) {
            try (var files = Files.list(dir)) {
                for (Path f : (Iterable<Path>) files::iterator) {
                    Files.deleteIfExists(f);
                }
            }
            Files.deleteIfExists(dir);
        }
    }

    @Test
    void tmpfsIsAMemoryFileSystemAndProcIsNot() throws Exception {
        Path f = Files.createFile(dir.resolve("probe"));
        assertTrue(MemoryFs.holds(f));
        assertFalse(MemoryFs.holds(Path.of("/proc/self/status")));
        assertFalse(MemoryFs.holds(dir.resolve("missing")), "unknown is not memory");
    }

    @Test
    void readsAndWritesOnTmpfsCompleteBeforeTheCallReturns() throws Exception {
        try (FileStore s = (FileStore) provider.open(FileStoreTest.spec("m0", dir.resolve("m0.img"), 8 * MIB, false))) {
            byte[] data = FileStoreTest.pattern(64 * 1024, 7);
            ByteBuffer src = ByteBuffer.allocateDirect(data.length).put(data).flip();
            CompletionStage<Void> w = s.write(3 * MIB, src, false, loop);
            assertTrue(w.toCompletableFuture().isDone(), "write done on return");
            assertEquals(data.length, src.remaining(), "the caller's buffer is left as it was");

            ByteBuffer dst = ByteBuffer.allocateDirect(data.length);
            CompletionStage<Void> r = s.read(3 * MIB, dst, loop);
            assertTrue(r.toCompletableFuture().isDone(), "read done on return");
            r.toCompletableFuture().join();
            byte[] got = new byte[data.length];
            dst.flip().get(got);
            assertArrayEquals(data, got);
            assertEquals(2, s.inlineOps());
            assertEquals(0, s.ringOps());
        }
    }

    @Test
    void fuaAndFlushSyncInline() throws Exception {
        try (FileStore s = (FileStore) provider.open(FileStoreTest.spec("m1", dir.resolve("m1.img"), 4 * MIB, false))) {
            CompletableFuture<Void> w = s.write(0, ByteBuffer.wrap(FileStoreTest.pattern(4096, 1)), true, loop).toCompletableFuture();
            assertTrue(w.isDone());
            w.join();
            CompletableFuture<Void> f = s.flush(loop).toCompletableFuture();
            assertTrue(f.isDone());
            f.join();
            assertEquals(2, s.forceCount());
            assertEquals(2, s.inlineOps());
        }
    }

    @Test
    void largeTransfersAndInterruptedCallersTakeTheIoThreads() throws Exception {
        try (FileStore s = (FileStore) provider.open(FileStoreTest.spec("m2", dir.resolve("m2.img"), 8 * MIB, false))) {
            byte[] big = FileStoreTest.pattern(InlineIo.MAX_BYTES + 4096, 3);
            s.write(0, ByteBuffer.wrap(big), false, Runnable::run).toCompletableFuture().get(10, TimeUnit.SECONDS);
            assertEquals(0, s.inlineOps(), "over the limit: not on the caller");
            assertArrayEquals(big, FileStoreTest.read(s, 0, big.length));
            assertEquals(0, s.inlineOps());

            // an interrupt during channel I/O would close the channel for every LUN on the file
            Thread.currentThread().interrupt();
            CompletionStage<Void> r;
            ByteBuffer dst = ByteBuffer.allocate(4096);
            try {
                r = s.read(0, dst, Runnable::run);
            } finally {
                assertTrue(Thread.interrupted(), "the caller's interrupt is left alone");
            }
            r.toCompletableFuture().get(10, TimeUnit.SECONDS);
            assertEquals(0, s.inlineOps());
            assertArrayEquals(java.util.Arrays.copyOf(big, 4096), dst.array());
            assertTrue(s.read(0, ByteBuffer.allocate(512), loop).toCompletableFuture().isDone());
            assertEquals(1, s.inlineOps(), "the channel is still open");
        }
    }

    @Test
    void inlineFalseKeepsTheOtherPaths() throws Exception {
        try (FileStore s = (FileStore) provider.open(
                FileStoreTest.spec("m3", dir.resolve("m3.img"), 4 * MIB, false, FileStoreProvider.INLINE, "false"))) {
            s.write(0, ByteBuffer.wrap(FileStoreTest.pattern(4096, 9)), false, Runnable::run).toCompletableFuture()
                    .get(10, TimeUnit.SECONDS);
            assertArrayEquals(FileStoreTest.pattern(4096, 9), FileStoreTest.read(s, 0, 4096));
            assertEquals(0, s.inlineOps());
        }
    }

    @Test
    void aClosedStoreRefusesInline() throws Exception {
        FileStore s = (FileStore) provider.open(FileStoreTest.spec("m4", dir.resolve("m4.img"), 4 * MIB, false));
        s.close();
        CompletableFuture<Void> r = s.read(0, ByteBuffer.allocate(512), loop).toCompletableFuture();
        assertTrue(r.isCompletedExceptionally());
        assertEquals(0, s.inlineOps());
    }

    @Test
    void aBadValueIsNamedWithItsKey() {
        var e = assertThrows(org.jstgt.api.ConfigException.class, () -> provider.open(
                FileStoreTest.spec("m5", dir.resolve("m5.img"), 4 * MIB, false, FileStoreProvider.INLINE, "maybe")));
        assertTrue(e.getMessage().contains("store.inline"), e.getMessage());
    }
}
