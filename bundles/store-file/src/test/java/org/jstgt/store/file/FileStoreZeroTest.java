package org.jstgt.store.file;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.CompletionException;

import org.jstgt.api.store.BackingStore;
import org.jstgt.api.store.StoreCapability;
import org.jstgt.api.store.StoreExtent;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Zeroing on the file I/O threads (WRITE SAME of a zero block): where the file system zeroes a
 * range without writing it (ext4, XFS), a thin or a thick store offers ZERO, the range reads zeros,
 * its neighbours keep their bytes (also inside a partly zeroed block), the file keeps its length and
 * the range stays allocated. tmpfs cannot, so a store there writes its zeros instead. The zeroing
 * tests need the temporary directory on such a file system and are skipped elsewhere.
 */
class FileStoreZeroTest {
    private static final long MIB = 1 << 20;
    private static final Path SHM = Path.of("/dev/shm");

    @TempDir
    Path dir;

    private final FileStoreProvider provider = new FileStoreProvider(2, 1024);

    @AfterEach
    void stop() {
        provider.close();
    }

    static void zero(BackingStore s, long off, long len) {
        s.zero(off, len, Runnable::run).toCompletableFuture().join();
    }

    private static Throwable cause(Runnable r) {
        return assertThrows(CompletionException.class, r::run).getCause();
    }

    /**
     * Opens a store in the temporary directory: on ext4 or XFS it must zero a range; elsewhere the
     * test is skipped.
     */
    private BackingStore open(String name, Path file, long size, String... kv) throws Exception {
        String type = Files.getFileStore(dir).type();
        assumeTrue(type.equals("ext4") || type.equals("xfs"), dir + " is on " + type + ", not ext4 or XFS");
        BackingStore s = provider.open(FileStoreTest.spec(name, file, size, false, kv));
        assertTrue(s.capabilities().contains(StoreCapability.ZERO), type + ": " + s.capabilities());
        return s;
    }

    /** A written range zeroed at unaligned ends: zeros inside, every byte around it kept, still allocated. */
    private void zeroKeepsNeighboursAndAllocation(BackingStore s, Path file) throws Exception {
        byte[] data = FileStoreThinTest.pattern((int) (4 * MIB), 9);
        FileStoreThinTest.write(s, 4 * MIB, data);
        s.flush(Runnable::run).toCompletableFuture().join();
        long before = FileStoreThinTest.allocatedBlocks(file);

        zero(s, 5 * MIB + 512, 2 * MIB - 1024);

        byte[] expected = data.clone();
        Arrays.fill(expected, (int) MIB + 512, (int) (3 * MIB) - 512, (byte) 0);
        assertArrayEquals(expected, FileStoreTest.read(s, 4 * MIB, (int) (4 * MIB)));
        s.flush(Runnable::run).toCompletableFuture().join();
        long after = FileStoreThinTest.allocatedBlocks(file);
        assertTrue(after >= before, "the zeroed range stays allocated: " + before + " -> " + after + " blocks");
        assertEquals(16 * MIB, Files.size(file), "the file keeps its length");
    }

    @Test
    void aThinStoreZeroesARangeThatStaysAllocated() throws Exception {
        Path file = dir.resolve("thin.img");
        try (BackingStore s = open("z0", file, 16 * MIB)) {
            assertTrue(s.capabilities().contains(StoreCapability.UNMAP), s.capabilities().toString());
            zeroKeepsNeighboursAndAllocation(s, file);
        }
    }

    /**
     * A range zeroed in a thin file stays allocated, so the holes report (GET LBA STATUS) shows it
     * mapped, though ext4 and XFS keep it as unwritten extents that SEEK_DATA skips as holes; a
     * punched range next to it still shows as a hole, and data not yet written back as mapped.
     */
    @Test
    void aZeroedRangeOfAThinFileShowsAsMappedAndAPunchedOneAsAHole() throws Exception {
        Path file = dir.resolve("report.img");
        try (BackingStore s = open("z7", file, 16 * MIB)) {
            zero(s, 4 * MIB, 4 * MIB);
            FileStoreThinTest.write(s, 8 * MIB, FileStoreThinTest.pattern((int) MIB, 3));
            assertEquals(new StoreExtent(0, 4 * MIB, false), FileStoreThinTest.extent(s, 0));
            assertEquals(new StoreExtent(4 * MIB, 5 * MIB, true), FileStoreThinTest.extent(s, 4 * MIB),
                    "zeroed, then written (not yet written back)");
            assertEquals(new StoreExtent(6 * MIB, 3 * MIB, true), FileStoreThinTest.extent(s, 6 * MIB),
                    "a run starts where asked");
            assertEquals(new StoreExtent(9 * MIB, 7 * MIB, false), FileStoreThinTest.extent(s, 9 * MIB));

            s.flush(Runnable::run).toCompletableFuture().join();
            FileStoreThinTest.unmap(s, 5 * MIB, MIB);
            assertEquals(new StoreExtent(4 * MIB, MIB, true), FileStoreThinTest.extent(s, 4 * MIB));
            assertEquals(new StoreExtent(5 * MIB, MIB, false), FileStoreThinTest.extent(s, 5 * MIB));
            assertEquals(new StoreExtent(6 * MIB, 3 * MIB, true), FileStoreThinTest.extent(s, 6 * MIB));
            assertEquals(new StoreExtent(16 * MIB - 1, 1, false), FileStoreThinTest.extent(s, 16 * MIB - 1));
            assertArrayEquals(new byte[(int) (2 * MIB)], FileStoreTest.read(s, 4 * MIB, (int) (2 * MIB)));
        }
    }

    @Test
    void aThickStoreZeroesTooWithoutGivingUpItsSpace() throws Exception {
        Path file = dir.resolve("thick.img");
        try (BackingStore s = open("z1", file, 16 * MIB, "store.preallocate", "true")) {
            assertFalse(s.capabilities().contains(StoreCapability.UNMAP), "thick: " + s.capabilities());
            long full = FileStoreThinTest.allocatedBlocks(file);
            zeroKeepsNeighboursAndAllocation(s, file);
            zero(s, 0, 16 * MIB);
            assertArrayEquals(new byte[(int) (16 * MIB)], FileStoreTest.read(s, 0, (int) (16 * MIB)));
            assertTrue(FileStoreThinTest.allocatedBlocks(file) >= full, "still fully allocated");
        }
    }

    /** The probe at open zeroes past the end of the file and punches that out again: nothing changes. */
    @Test
    void theProbeLeavesAnExistingFileAsItWas() throws Exception {
        Path file = dir.resolve("existing.img");
        byte[] data = FileStoreThinTest.pattern((int) MIB + 1000, 4);
        Files.write(file, data);
        long blocks = FileStoreThinTest.allocatedBlocks(file);
        try (BackingStore s = open("z2", file, 0)) {
            assertEquals(MIB + 1000, s.size());
        }
        assertEquals(blocks, FileStoreThinTest.allocatedBlocks(file));
        assertArrayEquals(data, Files.readAllBytes(file));
    }

    /**
     * A file that cannot zero in place though the probe's new file next to it can (a file made
     * before its ext4 file system had extents): the zeroing fails with UnsupportedOperationException
     * (WRITE SAME then writes the zeros), leaves the file alone, and the store drops ZERO.
     */
    @Test
    void aFileThatRefusesAfterAllDropsZero() throws Exception {
        byte[] data = FileStoreThinTest.pattern((int) (2 * MIB), 6);
        try (UpgradedExt3 fs = new UpgradedExt3(dir, data);
                BackingStore s = provider.open(FileStoreTest.spec("z6", fs.file(), 0, false))) {
            assertTrue(s.capabilities().contains(StoreCapability.ZERO), s.capabilities().toString());
            assertInstanceOf(UnsupportedOperationException.class, cause(() -> zero(s, 512, MIB)));
            assertFalse(s.capabilities().contains(StoreCapability.ZERO), s.capabilities().toString());
            assertTrue(s.capabilities().contains(StoreCapability.UNMAP), "punching works on such a file");
            assertInstanceOf(UnsupportedOperationException.class, cause(() -> zero(s, 512, MIB)));
            assertArrayEquals(data, FileStoreTest.read(s, 0, data.length));
        }
    }

    @Test
    void zeroingChecksItsRangeAndAClosedStore() throws Exception {
        Path file = dir.resolve("range.img");
        BackingStore s = open("z3", file, 2 * MIB);
        zero(s, 0, 0);
        assertInstanceOf(IOException.class, cause(() -> zero(s, 2 * MIB - 512, 1024)));
        assertInstanceOf(IOException.class, cause(() -> zero(s, -512, 512)));
        s.close();
        assertInstanceOf(IOException.class, cause(() -> zero(s, 0, 512)));
    }

    @Test
    void aReadOnlyStoreNeverZeroes() throws Exception {
        Path file = dir.resolve("ro.img");
        provider.open(FileStoreTest.spec("z4", file, 2 * MIB, false)).close();
        try (BackingStore s = provider.open(FileStoreTest.spec("z4", file, 0, true))) {
            assertFalse(s.capabilities().contains(StoreCapability.ZERO), s.capabilities().toString());
            assertInstanceOf(UnsupportedOperationException.class, cause(() -> zero(s, 0, 512)));
        }
    }

    /** tmpfs has no ZERO_RANGE: no ZERO, and the call fails as the contract says (WRITE SAME writes). */
    @Test
    void aStoreOnTmpfsDoesNotOfferZeroing() throws Exception {
        assumeTrue(Files.isDirectory(SHM) && MemoryFs.holds(SHM), "needs /dev/shm on tmpfs");
        Path file = Files.createTempFile(SHM, "jstgt-zero-", ".img");
        try (BackingStore s = provider.open(FileStoreTest.spec("z5", file, 2 * MIB, false))) {
            assertTrue(s.capabilities().contains(StoreCapability.UNMAP), s.capabilities().toString());
            assertFalse(s.capabilities().contains(StoreCapability.ZERO), s.capabilities().toString());
            assertInstanceOf(UnsupportedOperationException.class, cause(() -> zero(s, 0, 512)));
        } finally {
            Files.deleteIfExists(file);
        }
    }
}
