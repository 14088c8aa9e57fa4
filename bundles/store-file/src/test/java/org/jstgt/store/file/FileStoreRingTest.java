package org.jstgt.store.file;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.uring.IoUring;
import io.netty.channel.uring.IoUringIoHandler;

import org.jstgt.api.ConfigException;
import org.jstgt.api.store.BackingStore;
import org.jstgt.api.store.StoreCapability;
import org.jstgt.api.store.StoreExtent;
import org.jstgt.api.store.StoreSpec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The file store called from Netty io_uring event loops: I/O goes through the loop's ring and
 * completes on the loop; calls it cannot take (heap buffers over 256 KiB or read-only, other threads,
 * io_uring off) still work through the I/O threads. Skipped where io_uring cannot load.
 */
class FileStoreRingTest {
    private static final long MIB = 1 << 20;

    @TempDir
    Path dir;

    private final FailingSyncs syncs = new FailingSyncs();
    private final FileStoreProvider provider = new FileStoreProvider(2, 1024, syncs);
    private EventLoopGroup group;
    private EventLoop loop;

    @BeforeEach
    void start() {
        assumeTrue(IoUring.isAvailable(), () -> "io_uring not available: " + IoUring.unavailabilityCause());
        group = new MultiThreadIoEventLoopGroup(1, IoUringIoHandler.newFactory());
        loop = group.next();
    }

    @AfterEach
    void stop() {
        if (group != null) {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        }
        provider.close();
    }

    private static StoreSpec spec(String name, Path path, long size, String... kv) {
        Map<String, String> props = new HashMap<>();
        // the ring path, also where the temporary directory is on tmpfs (which would copy inline)
        props.put(FileStoreProvider.INLINE, "false");
        for (int i = 0; i < kv.length; i += 2) {
            props.put(kv[i], kv[i + 1]);
        }
        return new StoreSpec(name, "etc/jstgt.lun-" + name + ".cfg", path.toString(), size, false, props);
    }

    /** Runs {@code call} on the loop and waits for the stage it starts there. */
    private <T> T onLoop(Callable<CompletionStage<T>> call, AtomicReference<Thread> completedOn) {
        CompletableFuture<T> result = new CompletableFuture<>();
        loop.execute(() -> {
            try {
                call.call().whenComplete((v, e) -> {
                    if (completedOn != null) {
                        completedOn.set(Thread.currentThread());
                    }
                    if (e != null) {
                        result.completeExceptionally(e);
                    } else {
                        result.complete(v);
                    }
                });
            } catch (Exception e) {
                result.completeExceptionally(e);
            }
        });
        return result.orTimeout(10, TimeUnit.SECONDS).join();
    }

    private static ByteBuffer direct(byte[] data) {
        ByteBuffer b = ByteBuffer.allocateDirect(data.length);
        b.put(data).flip();
        return b;
    }

    private static byte[] pattern(int len, int seed) {
        byte[] b = new byte[len];
        for (int i = 0; i < len; i++) {
            b[i] = (byte) (i * 31 + seed);
        }
        return b;
    }

    private static byte[] bytes(ByteBuffer b) {
        byte[] a = new byte[b.capacity()];
        b.duplicate().clear().get(a);
        return a;
    }

    /** The file itself has {@code data} at {@code offset} (another descriptor, same page cache). */
    private static void assertFileHolds(Path file, long offset, byte[] data) throws java.io.IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            ByteBuffer check = ByteBuffer.allocate(data.length);
            ch.read(check, offset);
            assertArrayEquals(data, check.array());
        }
    }

    /** The first call on a loop opens the ring's descriptor (and takes the pool); wait until open. */
    private void warmUp(FileStore s) {
        ByteBuffer b = ByteBuffer.allocateDirect(512);
        for (int i = 0; i < 100 && s.ringOps() == 0; i++) {
            b.clear();
            onLoop(() -> s.read(0, b, loop), null);
        }
        assertTrue(s.ringOps() > 0, "no operation went through io_uring");
    }

    @Test
    void writesAndReadsThroughTheRingAndCompleteOnTheLoop() throws Exception {
        Path file = dir.resolve("ring.img");
        try (FileStore s = (FileStore) provider.open(spec("r0", file, 16 * MIB))) {
            warmUp(s);
            long before = s.ringOps();
            byte[] data = pattern(128 * 1024, 7);
            AtomicReference<Thread> writeDone = new AtomicReference<>();
            onLoop(() -> s.write(3 * MIB + 512, direct(data), false, loop), writeDone);
            ByteBuffer back = ByteBuffer.allocateDirect(data.length);
            AtomicReference<Thread> readDone = new AtomicReference<>();
            onLoop(() -> s.read(3 * MIB + 512, back, loop), readDone);
            assertArrayEquals(data, bytes(back));
            assertEquals(before + 2, s.ringOps(), "both went through the ring");
            assertTrue(loop.inEventLoop(writeDone.get()), "write completed on " + writeDone.get());
            assertTrue(loop.inEventLoop(readDone.get()), "read completed on " + readDone.get());
            assertFileHolds(file, 3 * MIB + 512, data);
        }
    }

    @Test
    void readsIntoPartOfABuffer() throws Exception {
        Path file = dir.resolve("part.img");
        try (FileStore s = (FileStore) provider.open(spec("r1", file, 4 * MIB))) {
            warmUp(s);
            byte[] data = pattern(8192, 3);
            onLoop(() -> s.write(8192, direct(data), false, loop), null);
            ByteBuffer big = ByteBuffer.allocateDirect(3 * 4096);
            big.position(4096).limit(4096 + 8192);
            long before = s.ringOps();
            onLoop(() -> s.read(8192, big, loop), null);
            assertEquals(before + 1, s.ringOps());
            byte[] all = bytes(big);
            for (int i = 0; i < 4096; i++) {
                assertEquals(0, all[i], "byte before the position untouched");
            }
            assertArrayEquals(data, java.util.Arrays.copyOfRange(all, 4096, 4096 + 8192));
        }
    }

    @Test
    void fuaWriteAndFlushSyncThroughTheRing() throws Exception {
        Path file = dir.resolve("fua.img");
        try (FileStore s = (FileStore) provider.open(spec("r2", file, 4 * MIB))) {
            warmUp(s);
            long ops = s.ringOps();
            long forces = s.forceCount();
            onLoop(() -> s.write(0, direct(pattern(4096, 1)), true, loop), null);
            assertEquals(forces + 1, s.forceCount(), "FUA write synced");
            onLoop(() -> s.flush(loop), null);
            assertEquals(forces + 2, s.forceCount(), "flush synced");
            assertEquals(ops + 2, s.ringOps());
        }
    }

    @Test
    void aFlushThatFailsInTheRingFailsEveryLaterFlushAndFuaWrite() throws Exception {
        try (FileStore s = (FileStore) provider.open(spec("r11", dir.resolve("sticky.img"), 4 * MIB))) {
            warmUp(s);
            onLoop(() -> s.flush(loop), null);
            long ops = s.ringOps();
            syncs.ringFailures.set(1);
            CompletionException first = assertThrows(CompletionException.class, () -> onLoop(() -> s.flush(loop), null));
            assertInstanceOf(java.io.SyncFailedException.class, first.getCause(), first.toString());
            assertEquals(ops + 1, s.ringOps(), "the failed sync went through the ring");
            assertTrue(s.syncFailed());
            // the kernel would now report success: the pages it could not write were dropped as clean
            CompletionException again = assertThrows(CompletionException.class, () -> onLoop(() -> s.flush(loop), null));
            assertTrue(again.getCause().getMessage().contains("reopened"), again.toString());
            assertThrows(CompletionException.class,
                    () -> onLoop(() -> s.write(0, direct(pattern(4096, 1)), true, loop), null));
            // plain writes and reads still go through the ring
            onLoop(() -> s.write(0, direct(pattern(4096, 2)), false, loop), null);
            ByteBuffer back = ByteBuffer.allocateDirect(4096);
            onLoop(() -> s.read(0, back, loop), null);
            assertArrayEquals(pattern(4096, 2), bytes(back));
            assertEquals(ops + 3, s.ringOps());
        }
    }

    @Test
    void aFuaWriteWhoseRingSyncFailsFailsAndSticks() throws Exception {
        try (FileStore s = (FileStore) provider.open(spec("r12", dir.resolve("fua-sticky.img"), 4 * MIB))) {
            warmUp(s);
            long forces = s.forceCount();
            syncs.ringFailures.set(1);
            CompletionException e = assertThrows(CompletionException.class,
                    () -> onLoop(() -> s.write(4096, direct(pattern(4096, 3)), true, loop), null));
            assertInstanceOf(java.io.SyncFailedException.class, e.getCause(), e.toString());
            assertThrows(CompletionException.class, () -> onLoop(() -> s.flush(loop), null));
            assertEquals(forces, s.forceCount(), "nothing was forced");
        }
    }

    /**
     * A device's own heap buffers (COMPARE AND WRITE's compare read) go through the ring by a copy:
     * before, they took the file I/O threads, a hand-off there and back per command on a disk file
     * system.
     */
    @Test
    void smallHeapBuffersGoThroughTheRingByACopy() throws Exception {
        Path file = dir.resolve("heap.img");
        try (FileStore s = (FileStore) provider.open(spec("r3", file, 4 * MIB))) {
            warmUp(s);
            long before = s.ringOps();
            byte[] data = pattern(4096, 9);
            AtomicReference<Thread> writeDone = new AtomicReference<>();
            ByteBuffer src = ByteBuffer.wrap(data);
            onLoop(() -> s.write(4096, src, false, loop), writeDone);
            assertEquals(0, src.position(), "the caller's buffer is left as it was");
            // into the middle of a larger heap buffer: only position to limit is read into
            ByteBuffer back = ByteBuffer.allocate(3 * 4096);
            back.position(4096).limit(8192);
            AtomicReference<Thread> readDone = new AtomicReference<>();
            onLoop(() -> s.read(4096, back, loop), readDone);
            assertEquals(before + 2, s.ringOps(), "both went through the ring");
            assertTrue(loop.inEventLoop(writeDone.get()), "write completed on " + writeDone.get());
            assertTrue(loop.inEventLoop(readDone.get()), "read completed on " + readDone.get());
            assertArrayEquals(data, java.util.Arrays.copyOfRange(back.array(), 4096, 8192));
            // the largest copied so
            byte[] most = pattern(256 * 1024, 6);
            onLoop(() -> s.write(MIB, ByteBuffer.wrap(most), false, loop), null);
            ByteBuffer mostBack = ByteBuffer.allocate(most.length);
            onLoop(() -> s.read(MIB, mostBack, loop), null);
            assertArrayEquals(most, mostBack.array());
            assertEquals(before + 4, s.ringOps());
            assertArrayEquals(new byte[4096], java.util.Arrays.copyOf(back.array(), 4096));
            assertArrayEquals(new byte[4096], java.util.Arrays.copyOfRange(back.array(), 8192, 3 * 4096));
            assertFileHolds(file, 4096, data);
        }
    }

    @Test
    void largeOrReadOnlyHeapBuffersAndOtherThreadsTakeThePoolAndStillWork() throws Exception {
        Path file = dir.resolve("pool.img");
        try (FileStore s = (FileStore) provider.open(spec("r8", file, 4 * MIB))) {
            warmUp(s);
            long before = s.ringOps();
            byte[] big = pattern(256 * 1024 + 512, 3); // one sector over the copy's limit
            onLoop(() -> s.write(0, ByteBuffer.wrap(big), false, loop), null);
            ByteBuffer bigBack = ByteBuffer.allocate(big.length);
            onLoop(() -> s.read(0, bigBack, loop), null);
            assertArrayEquals(big, bigBack.array());
            byte[] data = pattern(4096, 9);
            onLoop(() -> s.write(2 * MIB, ByteBuffer.wrap(data).asReadOnlyBuffer(), false, loop), null);
            // from a thread that is no event loop
            ByteBuffer d = ByteBuffer.allocateDirect(4096);
            s.read(2 * MIB, d, Runnable::run).toCompletableFuture().join();
            assertArrayEquals(data, bytes(d));
            assertEquals(before, s.ringOps(), "none of these used the ring");
        }
    }

    @Test
    void aLoopWithoutIoUringTakesThePool() throws Exception {
        EventLoopGroup nio = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        Path file = dir.resolve("nio.img");
        try (FileStore s = (FileStore) provider.open(spec("r4", file, 4 * MIB))) {
            EventLoop other = nio.next();
            ByteBuffer b = direct(pattern(4096, 5));
            CompletableFuture<Void> done = new CompletableFuture<>();
            other.execute(() -> s.write(0, b, false, other).whenComplete((v, e) -> done.complete(null)));
            done.get(10, TimeUnit.SECONDS);
            assertEquals(0, s.ringOps());
        } finally {
            nio.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }

    @Test
    void ioUringOffKeepsEveryCallOnThePool() throws Exception {
        Path file = dir.resolve("off.img");
        try (FileStore s = (FileStore) provider.open(spec("r5", file, 4 * MIB, "store.io_uring", "false"))) {
            for (int i = 0; i < 5; i++) {
                onLoop(() -> s.write(0, direct(pattern(4096, 2)), false, loop), null);
            }
            assertEquals(0, s.ringOps());
        }
    }

    @Test
    void badIoUringValueNamesTheKey() {
        ConfigException e = assertThrows(ConfigException.class,
                () -> provider.open(spec("r6", dir.resolve("bad.img"), 4 * MIB, "store.io_uring", "maybe")));
        assertTrue(e.getMessage().contains("store.io_uring"), e.getMessage());
        assertTrue(e.getMessage().contains("maybe"), e.getMessage());
    }

    @Test
    void readBeyondAFileCutShortReadsZeros() throws Exception {
        assertReadPastACutEndReadsZeros("r7", ByteBuffer.allocateDirect(8192));
    }

    @Test
    void aHeapReadBeyondAFileCutShortReadsZeros() throws Exception {
        ByteBuffer back = ByteBuffer.allocate(8192);
        java.util.Arrays.fill(back.array(), (byte) 0x5A);
        assertReadPastACutEndReadsZeros("r9", back);
    }

    /** Reads 8 KiB through the ring into {@code back} where another tool cut the file after 4 KiB. */
    private void assertReadPastACutEndReadsZeros(String name, ByteBuffer back) throws Exception {
        Path file = dir.resolve(name + ".img");
        try (FileStore s = (FileStore) provider.open(spec(name, file, 4 * MIB))) {
            warmUp(s);
            onLoop(() -> s.write(MIB, direct(pattern(8192, 4)), false, loop), null);
            // another tool truncates the file behind the store's back, in the middle of that data
            try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
                ch.truncate(MIB + 4096);
            }
            long before = s.ringOps();
            onLoop(() -> s.read(MIB, back, loop), null);
            assertEquals(before + 1, s.ringOps());
            byte[] got = bytes(back);
            assertArrayEquals(java.util.Arrays.copyOf(pattern(8192, 4), 4096), java.util.Arrays.copyOf(got, 4096));
            assertArrayEquals(new byte[4096], java.util.Arrays.copyOfRange(got, 4096, 8192));
        }
    }

    @Test
    void closeReleasesTheRingAndHoleDescriptorsAndRefusesLaterCalls() throws Exception {
        Path file = dir.resolve("close.img");
        FileStore s = (FileStore) provider.open(spec("r8", file, 4 * MIB));
        warmUp(s);
        assertEquals(3, openDescriptors(file), "the channel, the ring's descriptor and the hole side's");
        s.close();
        assertEquals(0, openDescriptors(file));
        CompletionException e = assertThrows(CompletionException.class,
                () -> onLoop(() -> s.read(0, ByteBuffer.allocateDirect(512), loop), null));
        assertTrue(e.getCause() instanceof IOException, e.toString());
    }

    /**
     * UNMAP from an io_uring loop is an IORING_OP_FALLOCATE on its ring: it completes on the loop,
     * frees the blocks, and the range (unaligned here) reads zeros while its neighbours keep their
     * data; the holes report, which always takes the I/O threads, still completes on the loop.
     */
    @Test
    void unmapGoesThroughTheRingFreesBlocksAndCompletesOnTheLoop() throws Exception {
        Path file = dir.resolve("thin.img");
        long block = Files.getFileStore(dir).getBlockSize();
        try (FileStore s = (FileStore) provider.open(spec("r20", file, 16 * MIB))) {
            assertTrue(s.capabilities().contains(StoreCapability.UNMAP), s.capabilities().toString());
            warmUp(s);
            byte[] data = pattern((int) (2 * MIB), 5);
            onLoop(() -> s.write(2 * MIB, direct(data), false, loop), null);
            onLoop(() -> s.flush(loop), null);
            long blocksBefore = FileStoreThinTest.allocatedBlocks(file);
            long before = s.ringOps();
            AtomicReference<Thread> done = new AtomicReference<>();
            onLoop(() -> s.unmap(2 * MIB + 100, MIB, loop), done);
            assertEquals(before + 1, s.ringOps(), "the unmap went through the ring");
            assertTrue(loop.inEventLoop(done.get()), "unmap completed on " + done.get());
            long blocksAfter = FileStoreThinTest.allocatedBlocks(file);
            assertTrue(blocksAfter <= blocksBefore - (MIB - block) / 512,
                    "freed: " + blocksBefore + " -> " + blocksAfter + " blocks");

            ByteBuffer back = ByteBuffer.allocateDirect(data.length);
            onLoop(() -> s.read(2 * MIB, back, loop), null);
            byte[] expected = data.clone();
            java.util.Arrays.fill(expected, 100, (int) MIB + 100, (byte) 0);
            assertArrayEquals(expected, bytes(back));

            AtomicReference<Thread> extentDone = new AtomicReference<>();
            StoreExtent hole = onLoop(() -> s.extent(2 * MIB + block, loop), extentDone);
            assertEquals(new StoreExtent(2 * MIB + block, MIB - block, false), hole);
            assertTrue(loop.inEventLoop(extentDone.get()), "extent completed on " + extentDone.get());
            assertEquals(new StoreExtent(2 * MIB, block, true), onLoop(() -> s.extent(2 * MIB, loop), null));
        }
    }

    /**
     * A zeroing on an io_uring loop goes through the ring (IORING_OP_FALLOCATE with ZERO_RANGE) and
     * completes on the loop; the range reads zeros and its neighbours, in the same blocks, keep
     * their bytes. Skipped where the file system cannot zero a range.
     */
    @Test
    void zeroingGoesThroughTheRingAndCompletesOnTheLoop() throws Exception {
        Path file = dir.resolve("zero.img");
        try (FileStore s = (FileStore) provider.open(spec("r23", file, 8 * MIB))) {
            assumeTrue(s.capabilities().contains(StoreCapability.ZERO), "the file system cannot zero a range");
            warmUp(s);
            byte[] data = pattern((int) (2 * MIB), 7);
            onLoop(() -> s.write(2 * MIB, direct(data), false, loop), null);
            long before = s.ringOps();
            AtomicReference<Thread> done = new AtomicReference<>();
            onLoop(() -> s.zero(2 * MIB + 512, MIB - 1024, loop), done);
            assertEquals(before + 1, s.ringOps(), "the zeroing went through the ring");
            assertTrue(loop.inEventLoop(done.get()), "zeroing completed on " + done.get());
            byte[] expected = data.clone();
            java.util.Arrays.fill(expected, 512, (int) MIB - 512, (byte) 0);
            ByteBuffer back = ByteBuffer.allocateDirect(data.length);
            onLoop(() -> s.read(2 * MIB, back, loop), null);
            assertArrayEquals(expected, bytes(back));
            assertFileHolds(file, 2 * MIB, expected);
        }
    }

    /** On the ring too, a file that cannot zero in place after all refuses and the store drops ZERO. */
    @Test
    void aRingZeroingTheFileRefusesDropsZero() throws Exception {
        byte[] data = pattern((int) MIB, 9);
        try (UpgradedExt3 fs = new UpgradedExt3(dir, data);
                FileStore s = (FileStore) provider.open(spec("r24", fs.file(), 0))) {
            assertTrue(s.capabilities().contains(StoreCapability.ZERO), s.capabilities().toString());
            warmUp(s);
            long before = s.ringOps();
            CompletionException e = assertThrows(CompletionException.class,
                    () -> onLoop(() -> s.zero(4096, 8192, loop), null));
            assertInstanceOf(UnsupportedOperationException.class, e.getCause());
            assertEquals(before + 1, s.ringOps(), "the zeroing went through the ring");
            assertFalse(s.capabilities().contains(StoreCapability.ZERO), s.capabilities().toString());
            ByteBuffer back = ByteBuffer.allocateDirect(data.length);
            onLoop(() -> s.read(0, back, loop), null);
            assertArrayEquals(data, bytes(back));
        }
    }

    /** A later write to an unmapped range through the ring allocates it again. */
    @Test
    void aRingWriteAfterARingUnmapReadsBack() throws Exception {
        Path file = dir.resolve("rewrite.img");
        try (FileStore s = (FileStore) provider.open(spec("r21", file, 4 * MIB))) {
            warmUp(s);
            onLoop(() -> s.write(MIB, direct(pattern((int) MIB, 1)), false, loop), null);
            onLoop(() -> s.unmap(MIB, MIB, loop), null);
            byte[] again = pattern((int) MIB, 2);
            onLoop(() -> s.write(MIB, direct(again), false, loop), null);
            ByteBuffer back = ByteBuffer.allocateDirect(again.length);
            onLoop(() -> s.read(MIB, back, loop), null);
            assertArrayEquals(again, bytes(back));
            assertEquals(new StoreExtent(MIB, MIB, true), onLoop(() -> s.extent(MIB, loop), null));
        }
    }

    /**
     * Unmaps of the even 512-byte sectors and writes of the odd ones, all in flight in the kernel at
     * once (submitted together from the loop): the partial blocks punched never take a neighbour's
     * bytes with them.
     */
    @Test
    void ringUnmapsInFlightWithWritesOfNeighbouringSectorsKeepThem() throws Exception {
        Path file = dir.resolve("race.img");
        int sectors = 128;
        try (FileStore s = (FileStore) provider.open(spec("r22", file, MIB))) {
            warmUp(s);
            for (int i = 0; i < sectors; i++) {
                int sector = i;
                onLoop(() -> s.write(sector * 512L, direct(pattern(512, sector)), false, loop), null);
            }
            long before = s.ringOps();
            for (int round = 0; round < 10; round++) {
                int r = round;
                onLoop(() -> {
                    CompletableFuture<?>[] all = new CompletableFuture<?>[sectors];
                    for (int i = 0; i < sectors; i++) {
                        all[i] = (i % 2 == 0 ? s.unmap(i * 512L, 512, loop)
                                : s.write(i * 512L, direct(pattern(512, i + r)), false, loop)).toCompletableFuture();
                    }
                    return CompletableFuture.allOf(all);
                }, null);
            }
            assertEquals(before + 10 * sectors, s.ringOps(), "all through the ring");
            ByteBuffer back = ByteBuffer.allocateDirect(sectors * 512);
            onLoop(() -> s.read(0, back, loop), null);
            byte[] got = bytes(back);
            for (int i = 0; i < sectors; i++) {
                byte[] expected = i % 2 == 0 ? new byte[512] : pattern(512, i + 9);
                assertArrayEquals(expected, java.util.Arrays.copyOfRange(got, i * 512, i * 512 + 512), "sector " + i);
            }
        }
    }

    @Test
    void aNewLoopAfterTheOldOneStoppedGetsItsOwnRegistration() throws Exception {
        Path file = dir.resolve("loops.img");
        try (FileStore s = (FileStore) provider.open(spec("r9", file, 4 * MIB))) {
            warmUp(s);
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
            group = new MultiThreadIoEventLoopGroup(1, IoUringIoHandler.newFactory());
            loop = group.next();
            long before = s.ringOps();
            byte[] data = pattern(4096, 8);
            onLoop(() -> s.write(0, direct(data), false, loop), null);
            ByteBuffer back = ByteBuffer.allocateDirect(4096);
            onLoop(() -> s.read(0, back, loop), null);
            assertArrayEquals(data, bytes(back));
            assertEquals(before + 2, s.ringOps(), "the new loop registered the open descriptor at once");
        }
    }

    /**
     * Closing any descriptor of a file drops the process's POSIX locks on it: the ring's descriptor
     * belongs to the open file, not to a LUN, so a LUN sharing the file read-only with another
     * can go without the other losing the lock.
     */
    @Test
    void aLunLeavingASharedFileKeepsTheLockOfTheOther() throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/python3")), "python3 needed to probe locks");
        Path file = dir.resolve("shared.img");
        Files.write(file, pattern(1 << 20, 6));
        FileStore a = (FileStore) provider.open(new StoreSpec("a", "etc/jstgt.lun-a.cfg", file.toString(), 0, true,
                Map.of()));
        FileStore b = (FileStore) provider.open(new StoreSpec("b", "etc/jstgt.lun-b.cfg", file.toString(), 0, true,
                Map.of()));
        try {
            warmUp(a);
            warmUp(b);
            assertTrue(lockedByUs(file), "locked while both are open");
            a.close();
            assertTrue(lockedByUs(file), "still locked for the LUN that stays");
            ByteBuffer got = ByteBuffer.allocateDirect(4096);
            long before = b.ringOps();
            onLoop(() -> b.read(4096, got, loop), null);
            assertEquals(before + 1, b.ringOps(), "the ring still serves the LUN that stays");
            assertArrayEquals(java.util.Arrays.copyOfRange(pattern(1 << 20, 6), 4096, 8192), bytes(got));
        } finally {
            a.close();
            b.close();
        }
        assertFalse(lockedByUs(file), "unlocked once both left (the probe works)");
        assertEquals(0, openDescriptors(file));
    }

    /** A file replaced under its path before the ring opened it: the LUN keeps to the file it opened. */
    @Test
    void aFileReplacedUnderItsPathIsNotOpenedAgainThroughTheRing() throws Exception {
        Path file = dir.resolve("replaced.img");
        try (FileStore s = (FileStore) provider.open(spec("r10", file, 4 * MIB))) {
            Path other = dir.resolve("other.img");
            Files.write(other, new byte[4096]);
            Files.move(other, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                    java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            byte[] data = pattern(4096, 11);
            for (int i = 0; i < 5; i++) {
                onLoop(() -> s.write(8192, direct(data), false, loop), null);
            }
            ByteBuffer back = ByteBuffer.allocateDirect(4096);
            onLoop(() -> s.read(8192, back, loop), null);
            assertArrayEquals(data, bytes(back), "written to and read from the file the LUN opened");
            assertEquals(0, s.ringOps(), "the ring never used the file now at the path");
            assertEquals(4096, Files.size(file), "the new file at the path is untouched");
        }
    }

    /** @return true when another process cannot take an exclusive POSIX lock on {@code file} */
    private static boolean lockedByUs(Path file) throws Exception {
        Process p = new ProcessBuilder("python3", "-c",
                "import fcntl,sys\nf=open(sys.argv[1],'rb+')\ntry:\n fcntl.lockf(f,fcntl.LOCK_EX|fcntl.LOCK_NB)\n"
                        + "except OSError:\n sys.exit(3)\n", file.toString())
                .redirectErrorStream(true).start();
        assertTrue(p.waitFor(20, TimeUnit.SECONDS), "lock probe finished");
        int rc = p.exitValue();
        assertTrue(rc == 0 || rc == 3, "lock probe failed: " + new String(p.getInputStream().readAllBytes()));
        return rc == 3;
    }

    /** @return how many descriptors of this process refer to {@code file} */
    private static long openDescriptors(Path file) throws IOException {
        Path real = file.toRealPath();
        try (var fds = Files.list(Path.of("/proc/self/fd"))) {
            return fds.filter(fd -> {
                try {
                    return Files.readSymbolicLink(fd).equals(real);
                } catch (IOException e) {
                    return false;
                }
            }).count();
        }
    }
}
