package org.jstgt.device.disk;

import static org.jstgt.device.disk.CompareAndWriteTest.fill;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;

import org.jstgt.api.scsi.CommandDescriptor;
import org.jstgt.api.scsi.CommandResult;
import org.jstgt.api.scsi.DataDirection;
import org.jstgt.api.scsi.SenseReason;
import org.jstgt.api.store.StoreCapability;
import org.jstgt.testkit.FakeScsiTask;
import org.jstgt.testkit.RecordingStore;
import org.junit.jupiter.api.Test;

/** WRITE SAME(10) and (16): writing, deallocating, limits and fields. */
class WriteSameTest extends DiskTestBase {
    private static final int UNMAP = 0x08;
    private static final int NDOB = 0x01;

    /** A WRITE SAME task with one block of Data-Out, the initiator expecting exactly that. */
    static FakeScsiTask ws(FakeScsiTask cdb, byte[] block) {
        return cdb.toBuilder().dataOut(block).expectedTransferLength(block.length).build();
    }

    static FakeScsiTask ndob(long lba, long blocks, int flags) {
        return cdb16(0x93, NDOB | flags, lba, blocks).toBuilder().expectedTransferLength(0).build();
    }

    private static byte[] read(DiskUnit u, long lba, int blocks) throws Exception {
        FakeScsiTask r = cdb16(0x88, 0, lba, blocks);
        return r.dataInBytes(run(u, r));
    }

    @Test
    void theBlockIsWrittenToEveryBlockOfTheRange() throws Exception {
        RecordingStore s = new RecordingStore(MIB);
        DiskUnit u = unit(s);
        byte[] block = pattern(512, 3);
        FakeScsiTask t = ws(cdb10(0x41, 0, 10, 3), block);
        CommandDescriptor d = u.parse(t);
        assertEquals(DataDirection.OUT, d.direction());
        assertEquals(512, d.transferLength());
        assertEquals(0, run(u, t));
        byte[] back = read(u, 9, 5);
        assertArrayEquals(new byte[512], Arrays.copyOf(back, 512));
        for (int i = 1; i <= 3; i++) {
            assertArrayEquals(block, Arrays.copyOfRange(back, 512 * i, 512 * (i + 1)));
        }
        assertArrayEquals(new byte[512], Arrays.copyOfRange(back, 2048, 2560));
        assertEquals(new RecordingStore.Call("write", 5120, 1536, false), s.calls().get(0));
        assertEquals(0, run(u, ws(cdb16(0x93, 0, 2047, 1), block)));
        assertArrayEquals(block, read(u, 2047, 1));
    }

    /** A long range goes through one buffer of at most 1 MiB, one store write at a time. */
    @Test
    void aLongRangeIsWrittenInBoundedChunksOneAtATime() throws Exception {
        RecordingStore s = new RecordingStore(4 * MIB);
        DiskUnit u = unit(s);
        run(u, ws(cdb16(0x93, 0, 0, 5120), fill(512, 'z')));
        assertEquals(List.of(new RecordingStore.Call("write", 0, 1 << 20, false),
                new RecordingStore.Call("write", 1 << 20, 1 << 20, false),
                new RecordingStore.Call("write", 2 << 20, 1 << 19, false)), s.calls());
        assertEquals('z', s.get((5 << 19) - 1));
        assertEquals(0, s.get(5 << 19));

        HeldStore held = new HeldStore(4 << 20).holdWrites(true);
        DiskUnit h = DiskUnit.create(spec(512, false, Map.of()), held, workers);
        CompletionStage<CommandResult> c = start(h, ws(cdb16(0x93, 0, 0, 5120), fill(512, 'y')));
        for (int i = 0; i < 3; i++) {
            assertEquals(1, held.heldCount());
            held.release();
        }
        assertEquals(0, c.toCompletableFuture().join().dataInLength());
        assertEquals(1, held.maxRunning());
        assertEquals('y', held.get((5 << 19) - 1));
    }

    /**
     * Zeroing writes from one shared direct buffer of zeros: no buffer allocated and filled per
     * command, and nothing for the store to copy into a direct buffer of its own first. The shared
     * buffer stays zeros whatever was written before.
     */
    @Test
    void aBlockOfZerosIsWrittenFromTheSharedDirectBuffer() throws Exception {
        RecordingStore inner = new RecordingStore(4 * MIB);
        List<Boolean> direct = new java.util.ArrayList<>();
        WriteHook s = new WriteHook(inner, (store, offset, src, fua, completion) -> {
            direct.add(src.isDirect());
            return store.write(offset, src, fua, completion);
        });
        DiskUnit u = DiskUnit.create(spec(512, false, Map.of()), s, workers);
        run(u, ws(cdb16(0x93, 0, 0, 4096), fill(512, 'x')));
        assertEquals(List.of(false, false), direct, "a pattern: a heap buffer of its own");
        run(u, ws(cdb16(0x93, 0, 1, 4094), new byte[512]));
        assertEquals(List.of(false, false, true, true), direct);
        byte[] back = read(u, 0, 4096);
        assertArrayEquals(fill(512, 'x'), Arrays.copyOf(back, 512));
        assertArrayEquals(new byte[4094 * 512], Arrays.copyOfRange(back, 512, 4095 * 512));
        assertArrayEquals(fill(512, 'x'), Arrays.copyOfRange(back, 4095 * 512, 4096 * 512));
        run(u, ndob(4095, 1, 0));
        assertArrayEquals(new byte[512], read(u, 4095, 1));
        assertEquals(true, direct.get(direct.size() - 1), "NDOB zeros too");
        byte[] almost = new byte[4096];
        almost[4095] = 1;
        assertEquals(false, BlockFill.zeros(ByteBuffer.wrap(almost)));
        assertEquals(true, BlockFill.zeros(ByteBuffer.wrap(almost).limit(4095)));
    }

    /**
     * A store that zeroes ranges itself gets one call for the whole range of a zero block (Data-Out
     * or NDOB), however long, and no data; a pattern is still written. Its failure is WRITE ERROR.
     */
    @Test
    void aStoreThatZeroesGetsOneCallForTheWholeRange() throws Exception {
        RecordingStore s = new RecordingStore(4 * MIB, StoreCapability.ZERO);
        DiskUnit u = unit(s);
        run(u, ws(cdb16(0x93, 0, 0, 8192), fill(512, 'x')));
        assertEquals(List.of("write", "write", "write", "write"), s.ops());
        int n = s.calls().size();
        run(u, ws(cdb16(0x93, 0, 1, 8190), new byte[512]));
        assertEquals(List.of(new RecordingStore.Call("zero", 512, 8190 * 512, false)), since(s, n));
        byte[] back = read(u, 0, 8192);
        assertArrayEquals(fill(512, 'x'), Arrays.copyOf(back, 512));
        assertArrayEquals(new byte[8190 * 512], Arrays.copyOfRange(back, 512, 8191 * 512));
        assertArrayEquals(fill(512, 'x'), Arrays.copyOfRange(back, 8191 * 512, 8192 * 512));
        n = s.calls().size();
        run(u, ndob(8191, 0, 0));
        assertEquals(List.of(new RecordingStore.Call("zero", 8191 * 512, 512, false)), since(s, n));
        assertArrayEquals(new byte[512], read(u, 8191, 1));
        byte[] almost = new byte[512];
        almost[511] = 1;
        n = s.calls().size();
        run(u, ws(cdb10(0x41, 0, 5, 2), almost));
        assertEquals(List.of(new RecordingStore.Call("write", 2560, 1024, false)), since(s, n));

        s.failWith(new java.io.IOException("Input/output error"));
        expect(SenseReason.WRITE_ERROR, () -> run(u, ndob(0, 16, 0)));
    }

    /**
     * A long range is zeroed in calls of at most 64 MiB; a store that refuses (its file cannot after
     * all) gets the zeros of the rest written, and the command still succeeds.
     */
    @Test
    void zeroingGoesInBoundedCallsAndFallsBackToWritesWhenRefused() throws Exception {
        RecordingStore s = new RecordingStore(1L << 30, StoreCapability.ZERO);
        DiskUnit u = unit(s);
        long blocks = (200L << 20) / 512;
        run(u, ndob(1, blocks, 0));
        long mib = 1L << 20;
        assertEquals(List.of(new RecordingStore.Call("zero", 512, (int) (64 * mib), false),
                new RecordingStore.Call("zero", 512 + 64 * mib, (int) (64 * mib), false),
                new RecordingStore.Call("zero", 512 + 128 * mib, (int) (64 * mib), false),
                new RecordingStore.Call("zero", 512 + 192 * mib, (int) (8 * mib), false)), s.calls());

        RecordingStore refusing = new RecordingStore(4 * MIB, StoreCapability.ZERO).refuseZero(true);
        DiskUnit r = unit(refusing);
        run(r, ws(cdb16(0x93, 0, 0, 8192), fill(512, 'q')));
        int n = refusing.calls().size();
        assertEquals(0, run(r, ws(cdb16(0x93, 0, 2, 4096), new byte[512])));
        assertEquals(List.of(new RecordingStore.Call("zero", 1024, 4096 * 512, false),
                new RecordingStore.Call("write", 1024, 1 << 20, false),
                new RecordingStore.Call("write", 1024 + (1 << 20), 1 << 20, false)), since(refusing, n));
        byte[] back = read(r, 0, 8192);
        assertArrayEquals(fill(1024, 'q'), Arrays.copyOf(back, 1024));
        assertArrayEquals(new byte[4096 * 512], Arrays.copyOfRange(back, 1024, 4098 * 512));
        assertArrayEquals(fill(4094 * 512, 'q'), Arrays.copyOfRange(back, 4098 * 512, 8192 * 512));
    }

    private static List<RecordingStore.Call> since(RecordingStore s, int n) {
        List<RecordingStore.Call> all = s.calls();
        return all.subList(n, all.size());
    }

    @Test
    void zeroBlocksMeansToTheLastBlock() throws Exception {
        RecordingStore s = new RecordingStore(MIB);
        DiskUnit u = unit(s);
        run(u, ws(cdb10(0x41, 0, 2040, 0), fill(512, 'e')));
        assertEquals(List.of(new RecordingStore.Call("write", 2040 * 512, 8 * 512, false)), s.calls());
        // at the end there is nothing left to write
        assertEquals(0, run(u, ws(cdb16(0x93, 0, 2048, 0), fill(512, 'e'))));
        assertEquals(1, s.calls().size());
    }

    @Test
    void maximumWriteSameLength() throws Exception {
        DiskUnit u = unit(new RecordingStore(2L << 30));
        assertEquals(2L << 20, WriteSame.maxBlocks(u));
        invalidField(10, -1, () -> u.parse(ws(cdb16(0x93, 0, 0, (2L << 20) + 1), new byte[512])));
        // to the end of a 2 GiB unit is 4 Mi blocks: further than the limit
        invalidField(10, -1, () -> u.parse(ws(cdb16(0x93, 0, 0, 0), new byte[512])));
        invalidField(7, -1, () -> u.parse(ws(cdb10(0x41, 0, 0, 0), new byte[512])));
        assertEquals(DataDirection.OUT, u.parse(ws(cdb16(0x93, 0, 0, 2L << 20), new byte[512])).direction());
        assertEquals(DataDirection.OUT, u.parse(ws(cdb16(0x93, 0, (2L << 20) + 1, 0), new byte[512])).direction());
    }

    @Test
    void rangeAndWriteProtection() throws Exception {
        DiskUnit u = unit(new RecordingStore(MIB));
        byte[] block = new byte[512];
        assertEquals(2048L, expect(SenseReason.LBA_OUT_OF_RANGE,
                () -> u.parse(ws(cdb10(0x41, 0, 2048, 1), block))).sense().information());
        expect(SenseReason.LBA_OUT_OF_RANGE, () -> u.parse(ws(cdb10(0x41, 0, 2047, 2), block)));
        expect(SenseReason.LBA_OUT_OF_RANGE, () -> u.parse(ws(cdb10(0x41, 0, 2049, 0), block)));
        expect(SenseReason.LBA_OUT_OF_RANGE, () -> u.parse(ws(cdb10(0x41, 0, 0xFFFF_FFFFL, 0), block)));
        expect(SenseReason.LBA_OUT_OF_RANGE, () -> u.parse(ws(cdb16(0x93, 0, -1L, 1), block)));
        DiskUnit ro = DiskUnit.create(spec(512, true, Map.of()), new RecordingStore(MIB), workers);
        expect(SenseReason.WRITE_PROTECTED, () -> ro.parse(ws(cdb10(0x41, 0, 0, 1), block)));
        expect(SenseReason.WRITE_PROTECTED, () -> ro.parse(ndob(0, 1, 0)));
    }

    @Test
    void badFields() throws Exception {
        DiskUnit u = unit(new RecordingStore(MIB, StoreCapability.UNMAP));
        byte[] block = new byte[512];
        for (int bit = 7; bit >= 5; bit--) {
            int flags = 1 << bit;
            invalidField(1, bit, () -> u.parse(ws(cdb10(0x41, flags, 0, 1), block)));
            invalidField(1, bit, () -> u.parse(ws(cdb16(0x93, flags, 0, 1), block)));
        }
        // ANCHOR: not supported, with or without UNMAP
        invalidField(1, 4, () -> u.parse(ws(cdb10(0x41, 0x10, 0, 1), block)));
        invalidField(1, 4, () -> u.parse(ws(cdb16(0x93, 0x18, 0, 1), block)));
        // obsolete PBDATA and LBDATA; the reserved bit 0 of the 10-byte form
        invalidField(1, 2, () -> u.parse(ws(cdb10(0x41, 0x04, 0, 1), block)));
        invalidField(1, 1, () -> u.parse(ws(cdb16(0x93, 0x02, 0, 1), block)));
        invalidField(1, 0, () -> u.parse(ws(cdb10(0x41, 0x01, 0, 1), block)));
        invalidField(9, 2, () -> u.parse(ws(cdb10(0x41, 0, 0, 1).withCdbByte(9, 0x04), block)));
        // GROUP NUMBER is ignored
        assertEquals(0, run(u, ws(cdb10(0x41, 0, 0, 1).withCdbByte(6, 0x3F), block)));
    }

    /** libiscsi WriteSame10.InvalidDataOutSize: half a block or two blocks of Data-Out. */
    @Test
    void theInitiatorMustSendExactlyOneBlock() throws Exception {
        DiskUnit u = unit(new RecordingStore(MIB, StoreCapability.UNMAP));
        expect(SenseReason.INVALID_FIELD_IN_COMMAND_INFORMATION_UNIT,
                () -> u.parse(ws(cdb10(0x41, UNMAP, 0, 1), new byte[256])));
        expect(SenseReason.INVALID_FIELD_IN_COMMAND_INFORMATION_UNIT,
                () -> u.parse(ws(cdb10(0x41, UNMAP, 0, 1), new byte[1024])));
    }

    @Test
    void ndobWritesZerosWithoutData() throws Exception {
        RecordingStore s = new RecordingStore(MIB, StoreCapability.UNMAP);
        DiskUnit u = unit(s);
        run(u, ws(cdb10(0x41, 0, 0, 4), fill(512, 'q')));
        FakeScsiTask t = ndob(1, 2, 0);
        assertEquals(DataDirection.NONE, u.parse(t).direction());
        assertEquals(0, u.parse(t).transferLength());
        assertEquals(0, run(u, t));
        assertEquals(List.of("write", "write"), s.ops(), "NDOB without UNMAP writes");
        byte[] back = read(u, 0, 4);
        assertArrayEquals(fill(512, 'q'), Arrays.copyOf(back, 512));
        assertArrayEquals(new byte[1024], Arrays.copyOfRange(back, 512, 1536));
        assertArrayEquals(fill(512, 'q'), Arrays.copyOfRange(back, 1536, 2048));
    }

    @Test
    void unmapDeallocatesOnAThinUnitWhateverTheBlock() throws Exception {
        RecordingStore s = new RecordingStore(MIB, StoreCapability.UNMAP);
        DiskUnit u = unit(s);
        run(u, ws(cdb10(0x41, UNMAP, 8, 8), new byte[512]));
        run(u, ndob(16, 8, UNMAP));
        assertEquals(List.of(new RecordingStore.Call("unmap", 4096, 4096, false),
                new RecordingStore.Call("unmap", 8192, 4096, false)), s.calls());
        // the bit asks for deallocation: a block that is not zeros is not written (libiscsi's
        // WriteSame10.UnmapUntilEnd sends FFh with UNMAP and reads zeros back, as LBPRZ 1 says)
        run(u, ws(cdb16(0x93, UNMAP, 30, 2), fill(512, 'n')));
        assertEquals(new RecordingStore.Call("unmap", 30 * 512, 1024, false), s.calls().get(2));
        assertArrayEquals(new byte[1024], read(u, 30, 2));
    }

    @Test
    void unmapOnAFullyProvisionedUnitWrites() throws Exception {
        RecordingStore s = new RecordingStore(MIB);
        DiskUnit u = unit(s);
        run(u, ws(cdb10(0x41, UNMAP, 8, 8), new byte[512]));
        run(u, ndob(16, 8, UNMAP));
        assertEquals(List.of("write", "write"), s.ops());
    }

    @Test
    void provisioningPagesAdvertiseWriteSame() throws Exception {
        DiskUnit thin = unit(new RecordingStore(MIB, StoreCapability.UNMAP));
        FakeScsiTask lbp = FakeScsiTask.of(0x12, 1, 0xB2, 0, 255, 0);
        assertEquals((byte) 0xE4, lbp.dataInBytes(run(thin, lbp))[5], "LBPU, LBPWS, LBPWS10, LBPRZ");
        FakeScsiTask bl = FakeScsiTask.of(0x12, 1, 0xB0, 0, 255, 0);
        ByteBuffer b = ByteBuffer.wrap(bl.dataInBytes(run(thin, bl)));
        assertEquals(0, b.get(4) & 1, "WSNZ");
        assertEquals(2L << 20, b.getLong(36), "MAXIMUM WRITE SAME LENGTH");
    }

    /** WRITE SAME holds its range: it waits for an overlapping WRITE that is still running. */
    @Test
    void writeSameWaitsForAnOverlappingWrite() throws Exception {
        HeldStore s = new HeldStore(1 << 20).holdWrites(true);
        DiskUnit u = DiskUnit.create(spec(512, false, Map.of()), s, workers);
        CompletionStage<CommandResult> w = start(u, withData(cdb10(0x2A, 0, 4, 1), fill(512, 'w')));
        CompletionStage<CommandResult> same = start(u, ws(cdb10(0x41, 0, 0, 8), fill(512, 's')));
        assertEquals(List.of("write 2048"), s.log());
        s.release();
        w.toCompletableFuture().join();
        assertEquals(List.of("write 2048", "write 0"), s.log());
        s.release();
        same.toCompletableFuture().join();
        assertEquals('s', s.get(2048));
    }
}
