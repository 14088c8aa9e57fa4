package org.jstgt.store.file;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;

import org.jstgt.api.store.BackingStore;
import org.jstgt.api.store.StoreSpec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Durability on the pool path: a failed data sync is never forgotten (fsyncgate), and a new file
 * is synced with the directories that gained its entry.
 */
class SyncFailureTest {
    private static final long MIB = 1 << 20;

    @TempDir
    Path dir;

    private final FailingSyncs syncs = new FailingSyncs();
    private final FileStoreProvider provider = new FileStoreProvider(2, 1024, syncs);

    @AfterEach
    void stop() {
        provider.close();
    }

    private static StoreSpec spec(Path path, long size) {
        return new StoreSpec("s0", "etc/jstgt.lun-s0.cfg", path.toString(), size, false, Map.of());
    }

    private static void join(CompletionStage<Void> s) {
        s.toCompletableFuture().join();
    }

    private static IOException failure(CompletionStage<Void> s) {
        CompletionException e = assertThrows(CompletionException.class, () -> join(s));
        return assertInstanceOf(IOException.class, e.getCause());
    }

    private static ByteBuffer block(int seed) {
        byte[] b = new byte[512];
        java.util.Arrays.fill(b, (byte) seed);
        return ByteBuffer.wrap(b);
    }

    @Test
    void aFailedFlushFailsEveryLaterFlushAndFuaWriteUntilReopened() throws Exception {
        Path file = dir.resolve("sticky.img");
        try (FileStore s = (FileStore) provider.open(spec(file, MIB))) {
            join(s.write(0, block(1), false, Runnable::run));
            join(s.flush(Runnable::run));
            syncs.poolFailures.set(1);
            join(s.write(512, block(2), false, Runnable::run));
            assertTrue(failure(s.flush(Runnable::run)).getMessage().contains("injected"));
            assertTrue(s.syncFailed());
            // the disk would now say yes: the pages it could not write were dropped as clean
            int before = syncs.poolSyncs.get();
            IOException again = failure(s.flush(Runnable::run));
            assertTrue(again.getMessage().contains("reopened"), again.getMessage());
            assertTrue(again.getMessage().contains(file.toString()), again.getMessage());
            failure(s.write(1024, block(3), true, Runnable::run));
            assertEquals(before, syncs.poolSyncs.get(), "refused without asking the kernel");
            // reads and plain writes go on
            join(s.write(1536, block(4), false, Runnable::run));
            join(s.read(0, ByteBuffer.allocate(512), Runnable::run));
        }
        try (FileStore s = (FileStore) provider.open(spec(file, MIB))) {
            assertFalse(s.syncFailed());
            join(s.flush(Runnable::run));
            join(s.write(0, block(5), true, Runnable::run));
        }
    }

    @Test
    void aFuaWriteWhoseSyncFailsFailsAndSticks() throws Exception {
        try (FileStore s = (FileStore) provider.open(spec(dir.resolve("fua.img"), MIB))) {
            syncs.poolFailures.set(1);
            failure(s.write(0, block(1), true, Runnable::run));
            assertTrue(s.syncFailed());
            failure(s.flush(Runnable::run));
            failure(s.write(0, block(1), true, Runnable::run));
            assertEquals(0, s.forceCount());
        }
    }

    @Test
    void aNewFileIsSyncedWithEveryDirectoryThatGainedAnEntry() throws Exception {
        Path file = dir.resolve("a/b/new.img");
        try (BackingStore s = provider.open(spec(file, MIB))) {
            assertEquals(MIB, s.size());
        }
        assertEquals(List.of(dir.resolve("a/b"), dir.resolve("a"), dir), syncs.directories);
        syncs.directories.clear();
        provider.open(spec(file, MIB)).close();
        assertEquals(List.of(), syncs.directories, "an existing file added no entry");
        Files.createDirectories(dir.resolve("c"));
        provider.open(spec(dir.resolve("c/x.img"), MIB)).close();
        assertEquals(List.of(dir.resolve("c")), syncs.directories, "only the directory that gained the entry");
    }

    @Test
    void aFileSystemThatRefusesDirectorySyncsStillGetsItsFile() throws Exception {
        syncs.refuseDirectories = true;
        Path file = dir.resolve("d/new.img");
        try (BackingStore s = provider.open(spec(file, MIB))) {
            assertEquals(MIB, Files.size(file));
        }
        assertEquals(List.of(dir.resolve("d"), dir), syncs.directories);
    }
}
