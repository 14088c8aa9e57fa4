package org.jstgt.store.file;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.jstgt.api.store.BackingStore;
import org.jstgt.api.store.StoreCapability;
import org.jstgt.api.store.StoreExtent;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Thin provisioning on the file I/O threads: UNMAP punches holes (the file's allocation shrinks,
 * the range reads zeros, its neighbours keep their data), EXTENTS reports them exactly, a
 * preallocated file is thick. The file system under the test's temporary directory must punch
 * holes (ext4, xfs, btrfs and tmpfs do).
 */
class FileStoreThinTest {
    private static final long MIB = 1 << 20;

    @TempDir
    Path dir;

    private final FileStoreProvider provider = new FileStoreProvider(2, 1024);

    static void write(BackingStore s, long off, byte[] data) {
        s.write(off, ByteBuffer.wrap(data), false, Runnable::run).toCompletableFuture().join();
    }

    static void unmap(BackingStore s, long off, long len) {
        s.unmap(off, len, Runnable::run).toCompletableFuture().join();
    }

    static StoreExtent extent(BackingStore s, long off) {
        return s.extent(off, Runnable::run).toCompletableFuture().join();
    }

    static byte[] pattern(int len, int seed) {
        byte[] b = new byte[len];
        for (int i = 0; i < len; i++) {
            b[i] = (byte) (i * 13 + seed + 1);
        }
        return b;
    }

    /** @return {@code st_blocks} (512-byte units) as stat(1) reports it */
    static long allocatedBlocks(Path file) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("stat", "-c", "%b", file.toString()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes()).trim();
        assertEquals(0, p.waitFor(), out);
        return Long.parseLong(out);
    }

    @AfterEach
    void stop() {
        provider.close();
    }

    private static Throwable cause(Runnable r) {
        CompletionException e = assertThrows(CompletionException.class, r::run);
        return e.getCause();
    }

    /** In the temporary directory: on ext4 or XFS the holes are found with FIEMAP. */
    @Test
    void unmapOfAWrittenRangeFreesItsBlocksReadsZerosAndShowsAsAHole() throws Exception {
        unmapOfAWrittenRange(dir.resolve("thin.img"));
    }

    /** On tmpfs, which has no FIEMAP, with lseek(2). */
    @Test
    void unmapOfAWrittenRangeOnTmpfsShowsAsAHoleToo() throws Exception {
        Path shm = Path.of("/dev/shm");
        assumeTrue(Files.isDirectory(shm) && MemoryFs.holds(shm), "needs /dev/shm on tmpfs");
        Path file = Files.createTempFile(shm, "jstgt-thin-", ".img");
        try {
            Files.delete(file);
            unmapOfAWrittenRange(file);
        } finally {
            Files.deleteIfExists(file);
        }
    }

    private void unmapOfAWrittenRange(Path file) throws Exception {
        try (BackingStore s = provider.open(FileStoreTest.spec("t0", file, 16 * MIB, false))) {
            assertTrue(s.capabilities().containsAll(java.util.Set.of(StoreCapability.UNMAP, StoreCapability.EXTENTS)),
                    s.capabilities().toString());
            byte[] data = pattern((int) (4 * MIB), 3);
            write(s, 4 * MIB, data);
            s.flush(Runnable::run).toCompletableFuture().join();
            long before = allocatedBlocks(file);
            assertTrue(before >= 8192, "4 MiB written: " + before + " blocks");

            unmap(s, 5 * MIB, 2 * MIB);

            long after = allocatedBlocks(file);
            assertTrue(after <= before - 4096, "2 MiB freed: " + before + " -> " + after + " blocks");
            assertArrayEquals(new byte[(int) (2 * MIB)], FileStoreTest.read(s, 5 * MIB, (int) (2 * MIB)));
            assertArrayEquals(Arrays.copyOf(data, (int) MIB), FileStoreTest.read(s, 4 * MIB, (int) MIB));
            assertArrayEquals(Arrays.copyOfRange(data, (int) (3 * MIB), (int) (4 * MIB)),
                    FileStoreTest.read(s, 7 * MIB, (int) MIB));

            assertEquals(new StoreExtent(0, 4 * MIB, false), extent(s, 0));
            assertEquals(new StoreExtent(4 * MIB, MIB, true), extent(s, 4 * MIB));
            assertEquals(new StoreExtent(5 * MIB, 2 * MIB, false), extent(s, 5 * MIB));
            assertEquals(new StoreExtent(6 * MIB, MIB, false), extent(s, 6 * MIB), "a run starts where asked");
            assertEquals(new StoreExtent(7 * MIB, MIB, true), extent(s, 7 * MIB));
            assertEquals(new StoreExtent(8 * MIB, 8 * MIB, false), extent(s, 8 * MIB), "a hole up to the end");
            assertEquals(new StoreExtent(16 * MIB - 1, 1, false), extent(s, 16 * MIB - 1),
                    "the block of the byte that set the length was given back");
        }
        assertEquals(16 * MIB, Files.size(file), "the file keeps its size");
    }

    /**
     * The probe at open punches past the end of the file: an existing file whose length is not a
     * multiple of the block keeps every byte, its length and its allocation.
     */
    @Test
    void theProbeAtOpenAndGrowingLeaveTheDataAlone() throws Exception {
        Path file = dir.resolve("existing.img");
        byte[] data = pattern((int) MIB + 1000, 6);
        Files.write(file, data);
        long blocks = allocatedBlocks(file);
        for (int open = 0; open < 2; open++) {
            try (BackingStore s = provider.open(FileStoreTest.spec("t7", file, 0, false))) {
                assertTrue(s.capabilities().contains(StoreCapability.UNMAP));
                assertArrayEquals(data, FileStoreTest.read(s, 0, data.length));
            }
            assertEquals(data.length, Files.size(file));
            assertEquals(blocks, allocatedBlocks(file));
        }
        assertArrayEquals(data, Files.readAllBytes(file));
        // grown: the old tail keeps its bytes, the added part (past a partial block) is a hole
        try (BackingStore s = provider.open(FileStoreTest.spec("t7", file, 2 * MIB, false))) {
            assertArrayEquals(data, FileStoreTest.read(s, 0, data.length));
            assertArrayEquals(new byte[(int) MIB - 1000], FileStoreTest.read(s, data.length, (int) MIB - 1000));
            long block = Files.getFileStore(dir).getBlockSize();
            long firstNewBlock = (data.length + block - 1) / block * block;
            assertEquals(new StoreExtent(firstNewBlock, 2 * MIB - firstNewBlock, false), extent(s, firstNewBlock));
        }
    }

    @Test
    void unalignedUnmapZeroesThePartialBlocksAndKeepsTheirNeighbours() throws Exception {
        Path file = dir.resolve("unaligned.img");
        long block = Files.getFileStore(dir).getBlockSize();
        try (BackingStore s = provider.open(FileStoreTest.spec("t1", file, 4 * MIB, false))) {
            byte[] data = pattern(64 * 1024, 9);
            write(s, 0, data);
            long from = block - 100;
            long to = 2 * block + 100;
            unmap(s, from, to - from);
            byte[] expected = data.clone();
            Arrays.fill(expected, (int) from, (int) to, (byte) 0);
            assertArrayEquals(expected, FileStoreTest.read(s, 0, data.length));
            // the one whole block inside the range is a hole; the partial ones stay data, zeroed
            assertEquals(new StoreExtent(0, block, true), extent(s, 0));
            assertEquals(new StoreExtent(block, block, false), extent(s, block));
            assertEquals(new StoreExtent(2 * block, data.length - 2 * block, true), extent(s, 2 * block));
            assertEquals(new StoreExtent(2 * block + 100, data.length - 2 * block - 100, true),
                    extent(s, 2 * block + 100), "a run asked from inside a block");
        }
    }

    @Test
    void aWriteAfterAnUnmapAllocatesAgain() throws Exception {
        Path file = dir.resolve("rewrite.img");
        try (BackingStore s = provider.open(FileStoreTest.spec("t2", file, 4 * MIB, false))) {
            write(s, MIB, pattern((int) MIB, 1));
            unmap(s, MIB, MIB);
            assertFalse(extent(s, MIB).mapped());
            byte[] again = pattern((int) MIB, 2);
            write(s, MIB, again);
            assertArrayEquals(again, FileStoreTest.read(s, MIB, (int) MIB));
            assertEquals(new StoreExtent(MIB, MIB, true), extent(s, MIB));
        }
    }

    @Test
    void unmapAndExtentCheckTheirRanges() throws Exception {
        Path file = dir.resolve("ranges.img");
        BackingStore s = provider.open(FileStoreTest.spec("t3", file, MIB, false));
        assertInstanceOf(IOException.class, cause(() -> unmap(s, -1, 512)));
        assertInstanceOf(IOException.class, cause(() -> unmap(s, 0, -512)));
        assertInstanceOf(IOException.class, cause(() -> unmap(s, MIB - 512, 1024)));
        assertInstanceOf(IOException.class, cause(() -> unmap(s, Long.MAX_VALUE, 1)));
        assertInstanceOf(IllegalArgumentException.class, cause(() -> extent(s, MIB)));
        assertInstanceOf(IllegalArgumentException.class, cause(() -> extent(s, -1)));
        unmap(s, MIB, 0);
        unmap(s, 0, MIB);
        assertEquals(new StoreExtent(0, MIB, false), extent(s, 0));
        s.close();
        assertInstanceOf(IOException.class, cause(() -> unmap(s, 0, 512)));
        assertInstanceOf(IOException.class, cause(() -> extent(s, 0)));
    }

    @Test
    void aPreallocatedFileIsThickAndAReadOnlyOneNeverUnmaps() throws Exception {
        Path file = dir.resolve("thick.img");
        try (BackingStore s = provider.open(
                FileStoreTest.spec("t4", file, 2 * MIB, false, "store.preallocate", "true"))) {
            assertFalse(s.capabilities().contains(StoreCapability.UNMAP), s.capabilities().toString());
            assertFalse(s.capabilities().contains(StoreCapability.EXTENTS), s.capabilities().toString());
            assertInstanceOf(UnsupportedOperationException.class, cause(() -> unmap(s, 0, 512)));
            assertEquals(new StoreExtent(0, 2 * MIB, true), extent(s, 0), "fully provisioned: all mapped");
        }
        Path sparse = dir.resolve("ro.img");
        provider.open(FileStoreTest.spec("t5", sparse, 2 * MIB, false)).close();
        try (BackingStore s = provider.open(FileStoreTest.spec("t5", sparse, 0, true))) {
            assertFalse(s.capabilities().contains(StoreCapability.UNMAP), s.capabilities().toString());
            assertTrue(s.capabilities().contains(StoreCapability.EXTENTS), s.capabilities().toString());
            assertInstanceOf(UnsupportedOperationException.class, cause(() -> unmap(s, 0, 512)));
            assertEquals(new StoreExtent(0, 2 * MIB, false), extent(s, 0), "a new thin file is one hole");
        }
    }

    /**
     * Unmaps of some 512-byte sectors race writes of the sectors between them, which share their
     * file system blocks: the punched partial blocks must zero only the unmapped bytes.
     */
    @Test
    void unmapsRaceWritesOfNeighbouringSectorsWithoutLosingThem() throws Exception {
        Path file = dir.resolve("race.img");
        int sectors = 256;
        ExecutorService threads = Executors.newFixedThreadPool(2);
        try (BackingStore s = provider.open(FileStoreTest.spec("t6", file, MIB, false))) {
            for (int i = 0; i < sectors; i++) {
                write(s, i * 512L, pattern(512, i));
            }
            Future<?> writer = threads.submit(() -> {
                for (int round = 0; round < 20; round++) {
                    for (int i = 1; i < sectors; i += 2) {
                        write(s, i * 512L, pattern(512, i + round));
                    }
                }
            });
            Future<?> unmapper = threads.submit(() -> {
                for (int round = 0; round < 20; round++) {
                    for (int i = 0; i < sectors; i += 2) {
                        unmap(s, i * 512L, 512);
                    }
                }
            });
            writer.get(60, TimeUnit.SECONDS);
            unmapper.get(60, TimeUnit.SECONDS);
            for (int i = 0; i < sectors; i++) {
                byte[] expected = i % 2 == 0 ? new byte[512] : pattern(512, i + 19);
                assertArrayEquals(expected, FileStoreTest.read(s, i * 512L, 512), "sector " + i);
            }
        } finally {
            threads.shutdownNow();
        }
    }
}
