package org.jstgt.device.disk;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.jstgt.api.scsi.CommandDescriptor;
import org.jstgt.api.scsi.CommandResult;
import org.jstgt.api.scsi.DataDirection;
import org.jstgt.api.scsi.ScsiException;
import org.jstgt.api.scsi.SenseReason;
import org.jstgt.api.store.StoreCapability;
import org.jstgt.testkit.FakeScsiTask;
import org.jstgt.testkit.RecordingStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** COMPARE AND WRITE, and its atomicity and the order of overlapping writes through the unit's range guard. */
class CompareAndWriteTest extends DiskTestBase {
    private final ExecutorService other = Executors.newFixedThreadPool(2, r -> new Thread(r, "other-loop"));

    @AfterEach
    void stopOther() {
        other.shutdownNow();
    }

    static FakeScsiTask caw(long lba, int blocks, int flags, byte[] data) {
        int[] c = new int[16];
        c[0] = 0x89;
        c[1] = flags;
        for (int i = 0; i < 8; i++) {
            c[2 + i] = (int) (lba >>> (56 - 8 * i));
        }
        c[13] = blocks;
        return FakeScsiTask.builder().cdb(c).dataOut(data).expectedTransferLength(data.length).build();
    }

    static byte[] fill(int length, int value) {
        byte[] b = new byte[length];
        Arrays.fill(b, (byte) value);
        return b;
    }

    static byte[] concat(byte[] a, byte[] b) {
        byte[] c = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, c, a.length, b.length);
        return c;
    }

    private static byte[] read(DiskUnit u, long lba, int blocks) throws ScsiException {
        FakeScsiTask r = cdb10(0x28, 0, lba, blocks);
        return r.dataInBytes(run(u, r));
    }

    /** Parses and starts {@code t} on another thread, as a second connection's event loop would. */
    private CompletionStage<CommandResult> startElsewhere(DiskUnit u, FakeScsiTask t) throws Exception {
        return other.submit(() -> start(u, t)).get(10, TimeUnit.SECONDS);
    }

    @Test
    void matchingDataIsReplaced() throws Exception {
        RecordingStore s = new RecordingStore(MIB);
        DiskUnit u = unit(s);
        run(u, withData(cdb10(0x2A, 0, 5, 2), fill(1024, 'A')));
        FakeScsiTask t = caw(5, 2, 0, concat(fill(1024, 'A'), fill(1024, 'B')));
        CommandDescriptor d = u.parse(t);
        assertEquals(DataDirection.OUT, d.direction());
        assertEquals(2048, d.transferLength());
        assertEquals(5, d.lba());
        assertEquals(2, d.blocks());
        assertEquals(0, run(u, t));
        assertArrayEquals(fill(1024, 'B'), read(u, 5, 2));
        assertEquals(List.of("write", "read", "write", "read"), s.ops());
    }

    @Test
    void aMiscompareWritesNothingAndPointsAtTheFirstDifferentByte() throws Exception {
        RecordingStore s = new RecordingStore(MIB);
        DiskUnit u = unit(s);
        run(u, withData(cdb10(0x2A, 0, 0, 3), fill(1536, 'A')));
        byte[] verify = fill(1536, 'A');
        verify[1536 - 27] = 'C';
        verify[1536 - 5] = 'D';
        ScsiException e = expect(SenseReason.MISCOMPARE_DURING_VERIFY,
                () -> run(u, caw(0, 3, 0, concat(verify, fill(1536, 'B')))));
        assertEquals(1536L - 27, e.sense().information());
        assertArrayEquals(fill(1536, 'A'), read(u, 0, 3));
        assertEquals(1, s.ops().stream().filter("write"::equals).count(), "only the first WRITE");
    }

    @Test
    void zeroBlocksIsGoodAndTouchesNothing() throws Exception {
        RecordingStore s = new RecordingStore(MIB);
        DiskUnit u = unit(s);
        FakeScsiTask t = caw(2048, 0, 0, new byte[0]);
        assertEquals(DataDirection.NONE, u.parse(t).direction());
        assertEquals(0, run(u, t));
        assertTrue(s.calls().isEmpty());
        expect(SenseReason.LBA_OUT_OF_RANGE, () -> u.parse(caw(2049, 0, 0, new byte[0])));
        // 256 blocks do not fit the one-byte field: 0 with data on its way is refused (libiscsi
        // CompareAndWrite.Simple and .Miscompare send exactly that)
        invalidField(13, -1, () -> u.parse(caw(0, 0, 0, new byte[2 * 256 * 512])));
    }

    @Test
    void rangeAndLengthLimits() throws Exception {
        DiskUnit u = unit(new RecordingStore(MIB), "max.transfer", "4KiB");
        assertEquals(8, CompareAndWrite.maxBlocks(u));
        assertEquals(255, CompareAndWrite.maxBlocks(unit(new RecordingStore(MIB))));
        invalidField(13, -1, () -> u.parse(caw(0, 9, 0, new byte[9 * 1024])));
        assertEquals(0, run(u, caw(0, 8, 0, new byte[8 * 1024])));
        ScsiException oob = expect(SenseReason.LBA_OUT_OF_RANGE, () -> u.parse(caw(2047, 2, 0, new byte[2048])));
        assertEquals(2047L, oob.sense().information());
        expect(SenseReason.LBA_OUT_OF_RANGE, () -> u.parse(caw(-1L, 1, 0, new byte[1024])));
        assertEquals(0, run(u, caw(2047, 1, 0, new byte[1024])));
    }

    @Test
    void badFields() throws Exception {
        DiskUnit u = unit(new RecordingStore(MIB));
        byte[] data = new byte[1024];
        invalidField(1, 7, () -> u.parse(caw(0, 1, 0x80, data)));
        invalidField(1, 6, () -> u.parse(caw(0, 1, 0x40, data)));
        invalidField(1, 5, () -> u.parse(caw(0, 1, 0x20, data)));
        invalidField(1, 2, () -> u.parse(caw(0, 1, 0x04, data)));
        invalidField(1, 0, () -> u.parse(caw(0, 1, 0x01, data)));
        for (int b = 10; b <= 12; b++) {
            int at = b;
            invalidField(at, -1, () -> u.parse(caw(0, 1, 0, data).withCdbByte(at, 1)));
        }
        // DPO, FUA and the obsolete FUA_NV are accepted; GROUP NUMBER is ignored
        for (int flags : new int[] {0x10, 0x08, 0x18, 0x02}) {
            assertEquals(0, run(u, caw(0, 1, flags, data)));
        }
        assertEquals(0, run(u, caw(0, 1, 0, data).withCdbByte(14, 0x3F)));
        invalidField(15, 2, () -> u.parse(caw(0, 1, 0, data).withCdbByte(15, 0x04)));
    }

    @Test
    void writeProtectionAndDataOutSize() throws Exception {
        DiskUnit ro = DiskUnit.create(spec(512, true, Map.of()), new RecordingStore(MIB), workers);
        expect(SenseReason.WRITE_PROTECTED, () -> ro.parse(caw(0, 1, 0, new byte[1024])));
        DiskUnit u = unit(new RecordingStore(MIB));
        // libiscsi CompareAndWrite.InvalidDataOutSize: 4 blocks of Data-Out for 1 block, and for 3
        expect(SenseReason.INVALID_FIELD_IN_COMMAND_INFORMATION_UNIT, () -> u.parse(caw(0, 1, 0, new byte[2048])));
        expect(SenseReason.INVALID_FIELD_IN_COMMAND_INFORMATION_UNIT, () -> u.parse(caw(0, 3, 0, new byte[2048])));
    }

    @Test
    void fuaMakesTheWriteDurable() throws Exception {
        RecordingStore s = new RecordingStore(MIB, StoreCapability.FUA);
        DiskUnit u = unit(s);
        run(u, caw(3, 1, 0x08, new byte[1024]));
        run(u, caw(3, 1, 0, new byte[1024]));
        assertEquals(List.of(new RecordingStore.Call("read", 1536, 512, false),
                new RecordingStore.Call("write", 1536, 512, true), new RecordingStore.Call("read", 1536, 512, false),
                new RecordingStore.Call("write", 1536, 512, false)), s.calls());
    }

    /**
     * A WRITE to the block that arrives (from another thread) while COMPARE AND WRITE has read but
     * not yet written does not reach the store before COMPARE AND WRITE ends, so the compare and
     * the write stay one operation and the later WRITE wins.
     */
    @Test
    void compareAndWriteIsAtomicAgainstAConcurrentWrite() throws Exception {
        HeldStore s = new HeldStore(1 << 20).holdReads(true);
        DiskUnit u = DiskUnit.create(spec(512, false, Map.of()), s, workers);
        CompletionStage<CommandResult> cas = start(u, caw(7, 1, 0, concat(new byte[512], fill(512, 'B'))));
        assertEquals(List.of("read 3584"), s.log());
        CompletionStage<CommandResult> write = startElsewhere(u, withData(cdb10(0x2A, 0, 7, 1), fill(512, 'W')));
        assertEquals(List.of("read 3584"), s.log(), "the WRITE waits for COMPARE AND WRITE");
        assertFalse(write.toCompletableFuture().isDone());
        s.release();
        assertEquals(0, cas.toCompletableFuture().get(10, TimeUnit.SECONDS).dataInLength());
        write.toCompletableFuture().get(10, TimeUnit.SECONDS);
        assertEquals(List.of("read 3584", "write 3584", "write 3584"), s.log());
        assertEquals('W', s.get(3584));
        assertEquals(0, s.collisions());
    }

    /**
     * Overlapping WRITEs from two threads reach the store one at a time, in the order they
     * arrived; writes to other blocks run beside them.
     */
    @Test
    void overlappingWritesAreOrderedAndDisjointOnesRunTogether() throws Exception {
        HeldStore s = new HeldStore(1 << 20).holdWrites(true);
        DiskUnit u = DiskUnit.create(spec(512, false, Map.of()), s, workers);
        CompletionStage<CommandResult> first = startElsewhere(u, withData(cdb10(0x2A, 0, 0, 1), fill(512, 'x')));
        CompletionStage<CommandResult> second = start(u, withData(cdb10(0x2A, 0, 0, 2), fill(1024, 'y')));
        CompletionStage<CommandResult> beside = startElsewhere(u, withData(cdb10(0x2A, 0, 8, 8), fill(4096, 'b')));
        assertEquals(2, s.heldCount(), "the first and the disjoint write");
        assertEquals(2, s.maxRunning());
        s.release();
        first.toCompletableFuture().get(10, TimeUnit.SECONDS);
        beside.toCompletableFuture().get(10, TimeUnit.SECONDS);
        assertEquals(1, s.heldCount(), "the second write went to the store once the first ended");
        s.release();
        second.toCompletableFuture().get(10, TimeUnit.SECONDS);
        assertEquals('y', s.get(0));
        assertEquals(List.of("write 0", "write 4096", "write 0"), s.log());
        assertEquals(0, u.guard().size());
    }

    /**
     * Two threads issue WRITE, COMPARE AND WRITE and UNMAP over a few shared blocks while the
     * store completes on a third: no two overlapping changes are ever in the store together.
     */
    @Test
    void twoThreadsOfMixedWritesNeverCollide() throws Exception {
        ExecutorService completer = Executors.newSingleThreadExecutor();
        try {
            HeldStore s = new HeldStore(1 << 20, StoreCapability.UNMAP).completeOn(completer);
            DiskUnit u = DiskUnit.create(spec(512, false, Map.of()), s, workers);
            List<Future<List<CompletionStage<CommandResult>>>> threads = new ArrayList<>();
            for (int t = 0; t < 2; t++) {
                int seed = t;
                threads.add(other.submit(() -> {
                    List<CompletionStage<CommandResult>> mine = new ArrayList<>();
                    for (int i = 0; i < 500; i++) {
                        int lba = (i * 7 + seed * 3) % 16;
                        FakeScsiTask task = switch (i % 3) {
                            case 0 -> withData(cdb10(0x2A, 0, lba, 4), new byte[2048]);
                            case 1 -> caw(lba, 2, 0, new byte[2048]);
                            default -> UnmapTest.unmap(new long[] {lba, 3});
                        };
                        mine.add(start(u, task).exceptionally(e -> CommandResult.good()));
                    }
                    return mine;
                }));
            }
            for (Future<List<CompletionStage<CommandResult>>> f : threads) {
                for (CompletionStage<CommandResult> c : f.get(60, TimeUnit.SECONDS)) {
                    c.toCompletableFuture().get(60, TimeUnit.SECONDS);
                }
            }
            assertEquals(0, s.collisions());
            assertEquals(0, u.guard().size());
        } finally {
            completer.shutdownNow();
        }
    }
}
