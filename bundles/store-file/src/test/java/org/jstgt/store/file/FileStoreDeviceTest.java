package org.jstgt.store.file;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;

import org.jstgt.api.store.BackingStore;
import org.jstgt.api.store.StoreCapability;
import org.jstgt.api.store.StoreExtent;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * UNMAP and zeroing on a block device: a loop device over a sparse file, whose queue writes zeroes
 * (the loop driver punches holes in its backing file for them). The unmapped range reads zeros, the
 * parts of it smaller than a logical block are written with zeros, and the backing file's blocks
 * are freed.
 * Needs root and losetup(8); skipped without them.
 */
class FileStoreDeviceTest {
    private static final long MIB = 1 << 20;

    @TempDir
    Path dir;

    private final FileStoreProvider provider = new FileStoreProvider(2, 1024);
    private String device;

    @AfterEach
    void detach() throws Exception {
        provider.close();
        if (device != null) {
            run("losetup", "-d", device);
        }
    }

    /** @return what the command printed, or null when it failed */
    private static String run(String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes()).trim();
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            return null;
        }
        return p.exitValue() == 0 ? out : null;
    }

    private BackingStore loopDevice(long size) throws Exception {
        assumeTrue("root".equals(System.getProperty("user.name")), "needs root for losetup");
        Path backing = dir.resolve("backing.img");
        try (RandomAccessFile f = new RandomAccessFile(backing.toFile(), "rw")) {
            f.setLength(size);
        }
        device = run("losetup", "-f", "--show", backing.toString());
        assumeTrue(device != null && device.startsWith("/dev/loop"), "no loop device: " + device);
        return provider.open(FileStoreTest.spec("dev", Path.of(device), 0, false));
    }

    @Test
    void aLoopDeviceUnmapsToZerosAndFreesItsBackingFile() throws Exception {
        try (BackingStore s = loopDevice(8 * MIB)) {
            assertTrue(((FileStore) s).isDevice());
            assertTrue(s.capabilities().contains(StoreCapability.UNMAP), s.capabilities().toString());
            assertFalse(s.capabilities().contains(StoreCapability.EXTENTS), "lseek shows no holes in a device");
            byte[] data = FileStoreThinTest.pattern((int) (4 * MIB), 4);
            FileStoreThinTest.write(s, 0, data);
            s.flush(Runnable::run).toCompletableFuture().join();
            Path backing = dir.resolve("backing.img");
            long before = FileStoreThinTest.allocatedBlocks(backing);
            assertTrue(before >= 8192, "4 MiB written: " + before + " blocks");

            // 100..1100: the partial sectors at both ends are written with zeros, 512..1024 unmapped
            assertTwoRangesReadZeros(s, data, FileStoreThinTest::unmap);
            s.flush(Runnable::run).toCompletableFuture().join();
            long after = FileStoreThinTest.allocatedBlocks(backing);
            assertTrue(after <= before - 4096, "the backing file lost 2 MiB: " + before + " -> " + after);
            assertEquals(new StoreExtent(0, 8 * MIB, true), FileStoreThinTest.extent(s, 0),
                    "a device reports no holes");
        }
    }

    /**
     * Zeroing a device's range is a write-zeroes request (the loop driver zeroes its backing file's
     * range): the range reads zeros, the parts smaller than a logical block are written with zeros,
     * and the bytes around it stay, also in the sectors it shares.
     */
    @Test
    void aLoopDeviceZeroesARangeAndKeepsItsNeighbours() throws Exception {
        try (BackingStore s = loopDevice(8 * MIB)) {
            assertTrue(s.capabilities().contains(StoreCapability.ZERO), s.capabilities().toString());
            byte[] data = FileStoreThinTest.pattern((int) (4 * MIB), 8);
            FileStoreThinTest.write(s, 0, data);
            s.flush(Runnable::run).toCompletableFuture().join();

            assertTwoRangesReadZeros(s, data, FileStoreZeroTest::zero);
        }
    }

    /** The store's unmap or zeroing. */
    @FunctionalInterface
    private interface RangeCall {
        void apply(BackingStore s, long offset, long length);
    }

    /**
     * Clears bytes 100..1100 (within sectors 0-2) and 1..3 MiB with {@code call}; the store must then
     * hold {@code data} with exactly those bytes zero.
     */
    private static void assertTwoRangesReadZeros(BackingStore s, byte[] data, RangeCall call) {
        call.apply(s, 100, 1000);
        call.apply(s, MIB, 2 * MIB);
        byte[] expected = data.clone();
        Arrays.fill(expected, 100, 1100, (byte) 0);
        Arrays.fill(expected, (int) MIB, (int) (3 * MIB), (byte) 0);
        assertArrayEquals(expected, FileStoreTest.read(s, 0, data.length));
    }

    @Test
    void aReadOnlyDeviceNeverUnmaps() throws Exception {
        loopDevice(MIB).close();
        try (BackingStore s = provider.open(FileStoreTest.spec("ro", Path.of(device), 0, true))) {
            assertEquals(java.util.Set.of(StoreCapability.FLUSH, StoreCapability.FUA), s.capabilities());
        }
    }
}
