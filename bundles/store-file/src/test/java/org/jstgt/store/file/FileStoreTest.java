package org.jstgt.store.file;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import org.jstgt.api.ConfigException;
import org.jstgt.api.store.BackingStore;
import org.jstgt.api.store.StoreCapability;
import org.jstgt.api.store.StoreSpec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileStoreTest {
    private static final long MIB = 1 << 20;

    @TempDir
    Path dir;

    private final FileStoreProvider provider = new FileStoreProvider(2, 1024);

    @AfterEach
    void stop() {
        provider.close();
    }

    static StoreSpec spec(String name, Path path, long size, boolean readOnly, String... kv) {
        Map<String, String> props = new HashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            props.put(kv[i], kv[i + 1]);
        }
        return new StoreSpec(name, "etc/jstgt.lun-" + name + ".cfg", path == null ? null : path.toString(), size,
                readOnly, props);
    }

    static byte[] read(BackingStore s, long off, int len) {
        ByteBuffer b = ByteBuffer.allocate(len);
        s.read(off, b, Runnable::run).toCompletableFuture().join();
        return b.array();
    }

    private static void write(BackingStore s, long off, byte[] data, boolean fua) {
        s.write(off, ByteBuffer.wrap(data), fua, Runnable::run).toCompletableFuture().join();
    }

    static byte[] pattern(int len, int seed) {
        byte[] b = new byte[len];
        for (int i = 0; i < len; i++) {
            b[i] = (byte) (i * 13 + seed);
        }
        return b;
    }

    @Test
    void createsSparseFileWithParentsAndReadsZeros() throws Exception {
        Path file = dir.resolve("luns/sub/disk0.img");
        try (BackingStore s = provider.open(spec("d0", file, 64 * MIB, false))) {
            assertEquals(64 * MIB, s.size());
            assertEquals(64 * MIB, Files.size(file));
            assertArrayEquals(new byte[4096], read(s, 10 * MIB, 4096));
            // thin: ext4, tmpfs, xfs and btrfs all punch holes and report them
            assertTrue(s.capabilities().containsAll(Set(StoreCapability.FLUSH, StoreCapability.FUA,
                    StoreCapability.UNMAP, StoreCapability.EXTENTS)), s.capabilities().toString());
        }
        Long blocks = allocatedBlocks(file);
        if (blocks != null) {
            // sparse: far less than the 131072 512-byte blocks of a fully allocated file
            assertTrue(blocks < 1024, "allocated 512-byte blocks: " + blocks);
        }
    }

    private static java.util.Set<StoreCapability> Set(StoreCapability... c) {
        return java.util.Set.of(c);
    }

    /**
     * The store contract: a stage that does not complete inside the call completes on the executor
     * the caller named, never on a file I/O thread (the caller's continuation runs where it lives).
     */
    @Test
    void poolCallsCompleteOnTheCallersExecutor() throws Exception {
        Path file = dir.resolve("exec.img");
        ExecutorService caller = Executors.newSingleThreadExecutor(r -> new Thread(r, "the-caller"));
        try (BackingStore s = provider.open(spec("x", file, MIB, false))) {
            List<String> threads = new java.util.concurrent.CopyOnWriteArrayList<>();
            // the caller's thread is busy until every callback is registered: a completion handed to
            // it cannot run before, and a callback registered on a completed stage would run on main
            java.util.concurrent.CountDownLatch registered = new java.util.concurrent.CountDownLatch(1);
            caller.execute(() -> {
                try {
                    registered.await(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            CompletableFuture<Void> all = CompletableFuture.allOf(
                    s.write(0, ByteBuffer.wrap(pattern(4096, 3)), true, caller)
                            .whenComplete((v, e) -> threads.add(Thread.currentThread().getName())).toCompletableFuture(),
                    s.read(0, ByteBuffer.allocate(512), caller)
                            .whenComplete((v, e) -> threads.add(Thread.currentThread().getName())).toCompletableFuture(),
                    s.flush(caller)
                            .whenComplete((v, e) -> threads.add(Thread.currentThread().getName())).toCompletableFuture());
            registered.countDown();
            all.get(10, TimeUnit.SECONDS);
            assertEquals(List.of("the-caller", "the-caller", "the-caller"), threads);
        } finally {
            caller.shutdownNow();
        }
    }

    @Test
    void preallocateAllocatesTheFile() throws Exception {
        Path file = dir.resolve("pre.img");
        try (BackingStore s = provider.open(spec("p", file, 4 * MIB, false, "store.preallocate", "true"))) {
            assertEquals(4 * MIB, s.size());
        }
        Long blocks = allocatedBlocks(file);
        if (blocks != null) {
            assertTrue(blocks >= 8192, "allocated 512-byte blocks: " + blocks);
        }
        ConfigException e = assertThrows(ConfigException.class,
                () -> provider.open(spec("p", dir.resolve("x.img"), MIB, false, "store.preallocate", "maybe")));
        assertEquals("store.preallocate", e.key());
    }

    @Test
    void reopenKeepsDataAndSizeZeroUsesTheFileSize() throws Exception {
        Path file = dir.resolve("d.img");
        byte[] data = pattern(3000, 5);
        try (BackingStore s = provider.open(spec("d", file, MIB, false))) {
            write(s, 4093, data, false);
            s.flush(Runnable::run).toCompletableFuture().join();
        }
        try (BackingStore s = provider.open(spec("d", file, 0, false))) {
            assertEquals(MIB, s.size());
            assertArrayEquals(data, read(s, 4093, data.length));
        }
    }

    @Test
    void concurrentWritesThroughThePoolAllLand() throws Exception {
        Path file = dir.resolve("c.img");
        try (BackingStore s = provider.open(spec("c", file, MIB, false))) {
            List<CompletableFuture<Void>> all = new ArrayList<>();
            for (int i = 0; i < 256; i++) {
                all.add(s.write(i * 4096L, ByteBuffer.wrap(pattern(4096, i)), false, Runnable::run).toCompletableFuture());
            }
            CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).join();
            for (int i = 0; i < 256; i++) {
                assertArrayEquals(pattern(4096, i), read(s, i * 4096L, 4096), "block " + i);
            }
        }
    }

    @Test
    void secondReadWriteOpenIsRefusedNamingThePath() throws Exception {
        Path file = dir.resolve("l.img");
        try (BackingStore first = provider.open(spec("a", file, MIB, false))) {
            IOException e = assertThrows(IOException.class, () -> provider.open(spec("b", file, MIB, false)));
            assertTrue(e.getMessage().contains(file.toRealPath().toString()), e.getMessage());
            assertTrue(e.getMessage().contains("LUN a"), e.getMessage());
            // a read-only open of a file open read-write is refused too
            assertThrows(IOException.class, () -> provider.open(spec("c", file, 0, true)));
            // another provider (another jstgt in the same JVM) hits the OS lock
            FileStoreProvider other = new FileStoreProvider(1, 16);
            try {
                IOException e2 = assertThrows(IOException.class, () -> other.open(spec("z", file, MIB, false)));
                assertTrue(e2.getMessage().contains(file.toString()), e2.getMessage());
            } finally {
                other.close();
            }
            // the first store still works: the failed attempts did not drop its lock or channel
            write(first, 0, new byte[] {1}, true);
        }
        // released on close
        provider.open(spec("b", file, MIB, false)).close();
    }

    @Test
    void readOnlyLunsShareAFileAndRefuseWrites() throws Exception {
        Path file = dir.resolve("iso.img");
        try (BackingStore rw = provider.open(spec("w", file, MIB, false))) {
            write(rw, 0, pattern(512, 1), false);
        }
        BackingStore a = provider.open(spec("a", file, 0, true));
        BackingStore b = provider.open(spec("b", file, MIB, true));
        assertTrue(a.readOnly());
        CompletionException e = assertThrows(CompletionException.class,
                () -> a.write(0, ByteBuffer.allocate(1), false, Runnable::run).toCompletableFuture().join());
        assertTrue(e.getCause().getMessage().contains("read-only"));
        assertThrows(IOException.class, () -> provider.open(spec("w", file, MIB, false)));
        a.close();
        // b keeps working on the shared channel after a closed
        assertArrayEquals(pattern(512, 1), read(b, 0, 512));
        b.close();
        provider.open(spec("w", file, MIB, false)).close();
        // a read-only LUN never creates its file, nor grows one
        ConfigException missing = assertThrows(ConfigException.class,
                () -> provider.open(spec("r", dir.resolve("none.img"), MIB, true)));
        assertEquals("store.path", missing.key());
        ConfigException grow = assertThrows(ConfigException.class, () -> provider.open(spec("r", file, 2 * MIB, true)));
        assertEquals("size", grow.key());
    }

    @Test
    void growsAnExistingFileAndRefusesToShrinkIt() throws Exception {
        Path file = dir.resolve("g.img");
        byte[] data = pattern(100, 9);
        try (BackingStore s = provider.open(spec("g", file, MIB, false))) {
            write(s, MIB - 100, data, false);
        }
        try (BackingStore s = provider.open(spec("g", file, 2 * MIB, false))) {
            assertEquals(2 * MIB, s.size());
            assertEquals(2 * MIB, Files.size(file));
            assertArrayEquals(data, read(s, MIB - 100, 100));
            assertArrayEquals(new byte[100], read(s, 2 * MIB - 100, 100));
        }
        ConfigException e = assertThrows(ConfigException.class, () -> provider.open(spec("g", file, MIB, false)));
        assertEquals("size", e.key());
        assertTrue(e.getMessage().contains("shrinking would lose data"), e.getMessage());
        assertEquals(2 * MIB, Files.size(file));
        // refused opens leave the file free
        provider.open(spec("g", file, 0, false)).close();
    }

    @Test
    void fuaAndFlushForceToStableStorage() throws Exception {
        Path file = dir.resolve("f.img");
        try (BackingStore s = provider.open(spec("f", file, MIB, false))) {
            FileStore fs = (FileStore) s;
            write(s, 0, pattern(512, 2), false);
            assertEquals(0, fs.forceCount());
            write(s, 512, pattern(512, 3), true);
            assertEquals(1, fs.forceCount());
            s.flush(Runnable::run).toCompletableFuture().join();
            assertEquals(2, fs.forceCount());
        }
        byte[] onDisk = Files.readAllBytes(file);
        assertEquals(pattern(512, 3)[7], onDisk[512 + 7]);
    }

    @Test
    void readPastATruncatedEndReturnsZeros() throws Exception {
        Path file = dir.resolve("t.img");
        try (BackingStore s = provider.open(spec("t", file, MIB, false))) {
            write(s, 0, pattern(8192, 4), false);
            try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
                raf.setLength(4096);
            }
            byte[] back = read(s, 0, 8192);
            byte[] expect = new byte[8192];
            System.arraycopy(pattern(8192, 4), 0, expect, 0, 4096);
            assertArrayEquals(expect, back);
        }
    }

    @Test
    void badSpecsNameTheirKey() {
        assertEquals("store.path", assertThrows(ConfigException.class,
                () -> provider.open(spec("x", null, MIB, false))).key());
        assertEquals("store.path", assertThrows(ConfigException.class,
                () -> provider.open(new StoreSpec("x", "o", "relative/x.img", MIB, false, Map.of()))).key());
        assertEquals("store.path", assertThrows(ConfigException.class,
                () -> provider.open(spec("x", dir, MIB, false))).key());
        assertEquals("size", assertThrows(ConfigException.class,
                () -> provider.open(spec("x", dir.resolve("new.img"), 0, false))).key());
    }

    @Test
    void outOfRangeAndClosedFail() throws Exception {
        BackingStore s = provider.open(spec("o", dir.resolve("o.img"), MIB, false));
        assertThrows(CompletionException.class,
                () -> s.read(MIB - 1, ByteBuffer.allocate(2), Runnable::run).toCompletableFuture().join());
        s.close();
        s.close();
        assertThrows(CompletionException.class,
                () -> s.read(0, ByteBuffer.allocate(2), Runnable::run).toCompletableFuture().join());
    }

    @Test
    void devicesAreNeverCreatedAndNeedASize() {
        ConfigException missing = assertThrows(ConfigException.class,
                () -> provider.open(spec("x", Path.of("/dev/jstgt-no-such-device"), MIB, false)));
        assertEquals("store.path", missing.key());
        if (Files.exists(Path.of("/dev/null"))) {
            // a character device has no size to export
            IOException e = assertThrows(IOException.class, () -> provider.open(spec("x", Path.of("/dev/null"), 0, true)));
            assertTrue(e.getMessage().contains("/dev/null"), e.getMessage());
        }
    }

    /** @return 512-byte blocks allocated to the file per stat(1), or null when stat is unavailable */
    private static Long allocatedBlocks(Path file) {
        try {
            Process p = new ProcessBuilder("stat", "-c", "%b", file.toString()).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes()).trim();
            return p.waitFor() == 0 ? Long.parseLong(out) : null;
        } catch (IOException | NumberFormatException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }
}
