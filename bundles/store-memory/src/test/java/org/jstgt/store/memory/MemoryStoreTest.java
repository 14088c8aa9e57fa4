package org.jstgt.store.memory;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.jstgt.api.ConfigException;
import org.jstgt.api.store.BackingStore;
import org.jstgt.api.store.StoreCapability;
import org.jstgt.api.store.StoreExtent;
import org.jstgt.api.store.StoreSpec;
import org.junit.jupiter.api.Test;

class MemoryStoreTest {
    private static final int CHUNK = 4096;

    private static StoreSpec spec(long size, Map<String, String> props) {
        return new StoreSpec("m0", "etc/jstgt.lun-m0.cfg", null, size, false, props);
    }

    private static byte[] read(BackingStore s, long off, int len) {
        ByteBuffer b = ByteBuffer.allocate(len);
        s.read(off, b, Runnable::run).toCompletableFuture().join();
        return b.array();
    }

    private static byte[] pattern(int len, int seed) {
        byte[] b = new byte[len];
        for (int i = 0; i < len; i++) {
            b[i] = (byte) (i * 31 + seed);
        }
        return b;
    }

    /**
     * A sparse store larger than the memory there is: the write that cannot get its chunk fails
     * with NoSpaceException (a disk answers SPACE ALLOCATION FAILED WRITE PROTECT), and the store
     * goes on. A chunk of 2^31 - 1 bytes is past the largest array the JVM makes, so the allocation
     * fails at once without taking memory.
     */
    @Test
    void aChunkThatCannotBeAllocatedIsNoSpace() {
        MemoryStore s = new MemoryStore("m9", 4L * Integer.MAX_VALUE, false, Integer.MAX_VALUE);
        CompletionException e = assertThrows(CompletionException.class,
                () -> s.write(0, ByteBuffer.wrap(new byte[512]), false, Runnable::run).toCompletableFuture().join());
        assertInstanceOf(org.jstgt.api.store.NoSpaceException.class, e.getCause());
        assertTrue(e.getCause().getMessage().contains("m9: out of memory"), e.getCause().getMessage());
        assertArrayEquals(new byte[512], read(s, 0, 512), "nothing was allocated; the store still reads");
    }

    @Test
    void holesReadZerosAndNothingIsAllocatedByReads() {
        MemoryStore s = new MemoryStore("m0", 10 * CHUNK, false, CHUNK);
        assertArrayEquals(new byte[3 * CHUNK], read(s, CHUNK / 2, 3 * CHUNK));
        assertEquals(0, s.allocatedChunks());
    }

    @Test
    void writeSpanningChunksReadsBackAndAllocatesOnlyTouchedChunks() {
        MemoryStore s = new MemoryStore("m0", 10 * CHUNK + 100, false, CHUNK);
        byte[] data = pattern(2 * CHUNK + 10, 7);
        s.write(CHUNK - 5, ByteBuffer.wrap(data), false, Runnable::run).toCompletableFuture().join();
        assertArrayEquals(data, read(s, CHUNK - 5, data.length));
        assertEquals(4, s.allocatedChunks());
        // bytes just before the write stay zero
        assertArrayEquals(new byte[5], read(s, CHUNK - 10, 5));
        // the partial last chunk
        byte[] tail = pattern(100, 3);
        s.write(10L * CHUNK, ByteBuffer.wrap(tail), true, Runnable::run).toCompletableFuture().join();
        assertArrayEquals(tail, read(s, 10L * CHUNK, 100));
    }

    @Test
    void writeDoesNotMoveCallersBuffer() {
        MemoryStore s = new MemoryStore("m0", CHUNK, false, CHUNK);
        ByteBuffer src = ByteBuffer.wrap(pattern(16, 1));
        s.write(0, src, false, Runnable::run).toCompletableFuture().join();
        assertEquals(0, src.position());
    }

    @Test
    void outOfRangeAndReadOnlyFail() {
        MemoryStore s = new MemoryStore("m0", CHUNK, false, CHUNK);
        CompletionException e = assertThrows(CompletionException.class,
                () -> s.read(CHUNK - 1, ByteBuffer.allocate(2), Runnable::run).toCompletableFuture().join());
        assertInstanceOf(IOException.class, e.getCause());
        MemoryStore ro = new MemoryStore("m0", CHUNK, true, CHUNK);
        e = assertThrows(CompletionException.class,
                () -> ro.write(0, ByteBuffer.allocate(1), false, Runnable::run).toCompletableFuture().join());
        assertTrue(e.getCause().getMessage().contains("read-only"));
    }

    @Test
    void concurrentDisjointWritesAllLand() throws Exception {
        int writers = 8;
        int blocks = 64;
        int block = 512;
        MemoryStore s = new MemoryStore("m0", (long) writers * blocks * block, false, CHUNK);
        ExecutorService pool = Executors.newFixedThreadPool(writers);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int w = 0; w < writers; w++) {
                int id = w;
                done.add(pool.submit(() -> {
                    // interleaved: writer w owns blocks w, w+writers, ... so every chunk is shared
                    for (int b = id; b < writers * blocks; b += writers) {
                        s.write((long) b * block, ByteBuffer.wrap(pattern(block, b)), false, Runnable::run)
                                .toCompletableFuture().join();
                    }
                }));
            }
            for (Future<?> f : done) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
        for (int b = 0; b < writers * blocks; b++) {
            assertArrayEquals(pattern(block, b), read(s, (long) b * block, block), "block " + b);
        }
    }

    @Test
    void unmapDropsWholeChunksAndZeroesPartialOnes() {
        MemoryStore s = new MemoryStore("m0", 4 * CHUNK, false, CHUNK);
        byte[] all = pattern(4 * CHUNK, 9);
        s.write(0, ByteBuffer.wrap(all), false, Runnable::run).toCompletableFuture().join();
        assertEquals(4, s.allocatedChunks());
        // from the middle of chunk 0 to the middle of chunk 2: chunk 1 dropped, 0 and 2 zeroed in part
        s.unmap(CHUNK / 2, 2L * CHUNK, Runnable::run).toCompletableFuture().join();
        assertEquals(3, s.allocatedChunks());
        byte[] back = read(s, 0, 4 * CHUNK);
        for (int i = 0; i < back.length; i++) {
            boolean hole = i >= CHUNK / 2 && i < CHUNK / 2 + 2 * CHUNK;
            assertEquals(hole ? 0 : all[i], back[i], "byte " + i);
        }
        assertTrue(s.capabilities().contains(StoreCapability.UNMAP));
    }

    private static StoreExtent extent(BackingStore s, long offset) {
        return s.extent(offset, Runnable::run).toCompletableFuture().join();
    }

    /** Unallocated chunks are holes; a partly unmapped chunk stays mapped (its zeros are stored). */
    @Test
    void extentsFollowTheChunkTable() {
        MemoryStore s = new MemoryStore("m0", 10 * CHUNK + 100, false, CHUNK);
        assertTrue(s.capabilities().contains(StoreCapability.EXTENTS));
        assertEquals(new StoreExtent(0, 10 * CHUNK + 100, false), extent(s, 0));
        s.write(2L * CHUNK + 10, ByteBuffer.wrap(pattern(2 * CHUNK, 1)), false, Runnable::run)
                .toCompletableFuture().join();
        s.write(10L * CHUNK, ByteBuffer.wrap(pattern(100, 2)), false, Runnable::run).toCompletableFuture().join();
        // chunks 2, 3, 4 and the partial last chunk 10 are allocated
        assertEquals(new StoreExtent(0, 2 * CHUNK, false), extent(s, 0));
        assertEquals(new StoreExtent(CHUNK + 7, CHUNK - 7, false), extent(s, CHUNK + 7));
        assertEquals(new StoreExtent(2 * CHUNK, 3 * CHUNK, true), extent(s, 2 * CHUNK));
        assertEquals(new StoreExtent(3 * CHUNK + 1, 2 * CHUNK - 1, true), extent(s, 3 * CHUNK + 1));
        assertEquals(new StoreExtent(5 * CHUNK, 5 * CHUNK, false), extent(s, 5 * CHUNK));
        assertEquals(new StoreExtent(10 * CHUNK, 100, true), extent(s, 10 * CHUNK));
        assertEquals(new StoreExtent(10 * CHUNK + 99, 1, true), extent(s, 10 * CHUNK + 99));

        s.unmap(3L * CHUNK, CHUNK, Runnable::run).toCompletableFuture().join();
        s.unmap(4L * CHUNK, 10, Runnable::run).toCompletableFuture().join();
        assertEquals(new StoreExtent(2 * CHUNK, CHUNK, true), extent(s, 2 * CHUNK));
        assertEquals(new StoreExtent(3 * CHUNK, CHUNK, false), extent(s, 3 * CHUNK));
        assertEquals(new StoreExtent(4 * CHUNK, CHUNK, true), extent(s, 4 * CHUNK), "partly unmapped");

        assertInstanceOf(IllegalArgumentException.class, assertThrows(CompletionException.class,
                () -> extent(s, 10 * CHUNK + 100)).getCause());
        assertInstanceOf(IllegalArgumentException.class, assertThrows(CompletionException.class,
                () -> extent(s, -1)).getCause());
        s.close();
        assertInstanceOf(IOException.class, assertThrows(CompletionException.class, () -> extent(s, 0)).getCause());
    }

    /** A run stops after {@link MemoryStore#EXTENT_SCAN} chunks; the next call goes on from there. */
    @Test
    void aLongRunStopsAtTheScanBound() {
        long chunks = MemoryStore.EXTENT_SCAN + 10L;
        MemoryStore s = new MemoryStore("m0", chunks * 16, false, 16);
        StoreExtent first = extent(s, 0);
        assertEquals(new StoreExtent(0, MemoryStore.EXTENT_SCAN * 16L, false), first);
        assertEquals(new StoreExtent(first.length(), 10 * 16, false), extent(s, first.length()));
    }

    @Test
    void providerRefusesMissingSizeNamingTheKey() {
        ConfigException e = assertThrows(ConfigException.class,
                () -> new MemoryStoreProvider().open(spec(0, Map.of())));
        assertEquals("size", e.key());
        e = assertThrows(ConfigException.class,
                () -> new MemoryStoreProvider().open(spec(1 << 20, Map.of("memory.chunk.size", "3000"))));
        assertEquals("memory.chunk.size", e.key());
    }

    @Test
    void providerOpensWithConfiguredChunk() throws Exception {
        try (BackingStore s = new MemoryStoreProvider().open(spec(1 << 20, Map.of("memory.chunk.size", "64KiB")))) {
            assertEquals(1 << 20, s.size());
            assertFalse(s.blocks());
            s.write(100, ByteBuffer.wrap(new byte[] {1, 2, 3}), false, Runnable::run).toCompletableFuture().join();
            assertArrayEquals(new byte[] {0, 1, 2, 3, 0}, read(s, 99, 5));
            s.close();
            assertThrows(CompletionException.class, () -> s.flush(Runnable::run).toCompletableFuture().join());
        }
    }

    @Test
    void nullStoreReadsZerosAndDiscardsWrites() throws Exception {
        BackingStore s = new NullStoreProvider().open(spec(8192, Map.of()));
        s.write(0, ByteBuffer.wrap(pattern(512, 1)), false, Runnable::run).toCompletableFuture().join();
        assertArrayEquals(new byte[512], read(s, 0, 512));
        // nothing is ever allocated: one hole, from wherever asked to the end
        assertTrue(s.capabilities().contains(StoreCapability.EXTENTS));
        assertEquals(new StoreExtent(0, 8192, false), extent(s, 0));
        assertEquals(new StoreExtent(8191, 1, false), extent(s, 8191));
        assertInstanceOf(IllegalArgumentException.class, assertThrows(CompletionException.class,
                () -> extent(s, 8192)).getCause());
        assertThrows(ConfigException.class, () -> new NullStoreProvider().open(spec(0, Map.of())));
    }
}
