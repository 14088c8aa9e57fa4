package org.jstgt.device.disk;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import org.jstgt.api.ConfigException;
import org.jstgt.api.scsi.CommandDescriptor;
import org.jstgt.api.scsi.CommandResult;
import org.jstgt.api.scsi.DataDirection;
import org.jstgt.api.scsi.ScsiException;
import org.jstgt.api.scsi.SenseReason;
import org.jstgt.api.store.StoreCapability;
import org.jstgt.testkit.FakeScsiTask;
import org.jstgt.testkit.RecordingStore;
import org.junit.jupiter.api.Test;

/** READ, WRITE and WRITE AND VERIFY in every CDB size, and the store calls under them. */
class ReadWriteTest extends DiskTestBase {
    @Test
    void writeThenReadBackEverySize() throws Exception {
        RecordingStore s = new RecordingStore(MIB);
        DiskUnit u = unit(s);
        byte[] a = pattern(1024, 1);
        assertEquals(0, run(u, withData(cdb10(0x2A, 0, 10, 2), a)));
        FakeScsiTask r10 = cdb10(0x28, 0, 10, 2);
        assertEquals(DataDirection.IN, u.parse(r10).direction());
        assertEquals(1024, u.parse(r10).transferLength());
        assertEquals(10, u.parse(r10).lba());
        assertEquals(2, u.parse(r10).blocks());
        assertArrayEquals(a, r10.dataInBytes(run(u, r10)));

        byte[] b = pattern(512, 2);
        run(u, withData(cdb6(0x0A, 20, 1), b));
        FakeScsiTask r6 = cdb6(0x08, 20, 1);
        assertArrayEquals(b, r6.dataInBytes(run(u, r6)));

        byte[] c = pattern(1536, 3);
        run(u, withData(cdb12(0xAA, 0, 30, 3), c));
        FakeScsiTask r12 = cdb12(0xA8, 0, 30, 3);
        assertArrayEquals(c, r12.dataInBytes(run(u, r12)));

        byte[] d = pattern(512, 4);
        run(u, withData(cdb16(0x8A, 0, 2047, 1), d));
        FakeScsiTask r16 = cdb16(0x88, 0, 2047, 1);
        assertArrayEquals(d, r16.dataInBytes(run(u, r16)));
        assertEquals(d[511], s.get(MIB - 1));
        assertEquals(List.of(new RecordingStore.Call("write", 5120, 1024, false)), s.calls().subList(0, 1));
    }

    @Test
    void overflowWriteStoresOnlyTheWholeBlocksSent() throws Exception {
        // The fabric hands over fewer bytes than the CDB asks when the initiator's EDTL is short
        // (libiscsi Write10Residuals): the disk writes the whole blocks present and no more.
        RecordingStore s = new RecordingStore(MIB);
        DiskUnit u = unit(s);
        byte[] old = pattern(1024, 9);
        run(u, withData(cdb10(0x2A, 0, 4, 2), old));
        byte[] one = pattern(512, 5);
        assertEquals(0, run(u, withData(cdb10(0x2A, 0, 4, 2), one)));
        FakeScsiTask r = cdb10(0x28, 0, 4, 2);
        byte[] back = r.dataInBytes(run(u, r));
        assertArrayEquals(one, Arrays.copyOf(back, 512));
        assertArrayEquals(Arrays.copyOfRange(old, 512, 1024), Arrays.copyOfRange(back, 512, 1024));
        // less than one block: nothing is written
        int writes = s.calls().size();
        assertEquals(0, run(u, withData(cdb10(0x2A, 0, 4, 1), pattern(200, 7))));
        assertEquals(writes, s.calls().size());
    }

    @Test
    void sixByteTransferLengthZeroMeans256Blocks() throws Exception {
        DiskUnit u = unit(new RecordingStore(MIB));
        assertEquals(256 * 512, u.parse(cdb6(0x08, 0, 0)).transferLength());
        assertEquals(256, u.parse(cdb6(0x0A, 0, 0)).blocks());
        // the 21-bit LBA
        expect(SenseReason.LBA_OUT_OF_RANGE, () -> u.parse(cdb6(0x08, 0x1F_FFFF, 1)));
        expect(SenseReason.LBA_OUT_OF_RANGE, () -> u.parse(cdb6(0x08, 2048 - 255, 0)));
        invalidField(1, 5, () -> u.parse(FakeScsiTask.of(0x08, 0x20, 0, 0, 1, 0)));
    }

    @Test
    void zeroTransferLengthIsGoodWithoutData() throws Exception {
        RecordingStore s = new RecordingStore(MIB);
        DiskUnit u = unit(s);
        for (FakeScsiTask t : new FakeScsiTask[] {cdb10(0x28, 0, 0, 0), cdb12(0xA8, 0, 2048, 0), cdb16(0x88, 0, 5, 0),
            cdb10(0x2A, 0, 2048, 0), cdb16(0x8A, 0, 0, 0)}) {
            CommandDescriptor d = u.parse(t);
            assertEquals(DataDirection.NONE, d.direction());
            assertEquals(0, d.transferLength());
            assertEquals(0, run(u, t));
            assertNull(t.dataInBuffer());
        }
        assertTrue(s.calls().isEmpty());
        // but an LBA past the end is still out of range
        expect(SenseReason.LBA_OUT_OF_RANGE, () -> u.parse(cdb10(0x28, 0, 2049, 0)));
    }

    @Test
    void lbaBoundaries() throws Exception {
        DiskUnit u = unit(new RecordingStore(MIB));
        assertEquals(512, run(u, cdb10(0x28, 0, 2047, 1)));
        assertEquals(8 * 512, run(u, cdb16(0x88, 0, 2040, 8)));
        ScsiException e = expect(SenseReason.LBA_OUT_OF_RANGE, () -> u.parse(cdb10(0x28, 0, 2048, 1)));
        assertEquals(2048L, e.sense().information());
        expect(SenseReason.LBA_OUT_OF_RANGE, () -> u.parse(cdb10(0x28, 0, 2047, 2)));
        expect(SenseReason.LBA_OUT_OF_RANGE, () -> u.parse(cdb10(0x28, 0, 0x8000_0000L, 1)));
        expect(SenseReason.LBA_OUT_OF_RANGE, () -> u.parse(cdb10(0x28, 0, 0xFFFF_FFFFL, 1)));
        expect(SenseReason.LBA_OUT_OF_RANGE, () -> u.parse(cdb12(0xA8, 0, 0xFFFF_FFFFL, 1)));
        expect(SenseReason.LBA_OUT_OF_RANGE, () -> u.parse(cdb16(0x88, 0, -1L, 1)));
        expect(SenseReason.LBA_OUT_OF_RANGE, () -> u.parse(cdb16(0x88, 0, Long.MIN_VALUE, 1)));
        expect(SenseReason.LBA_OUT_OF_RANGE, () -> u.parse(cdb16(0x8A, 0, -1L, 1)));
    }

    @Test
    void largeDevicesAddressAbove2TiB() throws Exception {
        long blocks = 3L << 32;
        RecordingStore s = new RecordingStore(blocks * 512);
        DiskUnit u = unit(s);
        long lba = blocks - 1;
        byte[] data = pattern(512, 9);
        run(u, withData(cdb16(0x8A, 0, lba, 1), data));
        assertEquals(lba * 512, s.calls().get(0).offset());
        FakeScsiTask r = cdb16(0x88, 0, lba, 1);
        assertArrayEquals(data, r.dataInBytes(run(u, r)));
        expect(SenseReason.LBA_OUT_OF_RANGE, () -> u.parse(cdb16(0x88, 0, blocks, 1)));
        // READ(10) reaches only the first 2^32 blocks
        assertEquals(512, run(u, cdb10(0x28, 0, 0xFFFF_FFFFL, 1)));
    }

    @Test
    void protectionFieldsAreRefused() {
        DiskUnit u = assertDoesNotThrowUnit();
        for (int p = 1; p < 8; p++) {
            int flags = p << 5;
            invalidField(1, 31 - Integer.numberOfLeadingZeros(flags), () -> u.parse(cdb10(0x28, flags, 0, 1)));
            invalidField(1, 31 - Integer.numberOfLeadingZeros(flags), () -> u.parse(cdb12(0xAA, flags, 0, 1)));
            invalidField(1, 31 - Integer.numberOfLeadingZeros(flags), () -> u.parse(cdb16(0x88, flags, 0, 1)));
            invalidField(1, 31 - Integer.numberOfLeadingZeros(flags), () -> u.parse(cdb10(0x2F, flags, 0, 1)));
        }
    }

    private DiskUnit assertDoesNotThrowUnit() {
        try {
            return unit(new RecordingStore(MIB));
        } catch (ConfigException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void dpoAndFuaAreAccepted() throws Exception {
        DiskUnit u = unit(new RecordingStore(MIB));
        for (int flags : new int[] {0x10, 0x08, 0x18, 0x02}) {
            assertEquals(512, run(u, cdb10(0x28, flags, 0, 1)));
            assertEquals(0, run(u, withData(cdb10(0x2A, flags, 0, 1), new byte[512])));
        }
    }

    @Test
    void transferAboveTheMaximumIsAnInvalidLength() throws Exception {
        DiskUnit u = unit(new RecordingStore(64 * MIB), "max.transfer", "64KiB");
        assertEquals(128 * 512, u.parse(cdb10(0x28, 0, 0, 128)).transferLength());
        invalidField(7, -1, () -> u.parse(cdb10(0x28, 0, 0, 129)));
        invalidField(6, -1, () -> u.parse(cdb12(0xAA, 0, 0, 129)));
        invalidField(10, -1, () -> u.parse(cdb16(0x88, 0, 0, 0xFFFF_FFFFL)));
        invalidField(4, -1, () -> u.parse(cdb6(0x08, 0, 0)));
    }

    @Test
    void writesToAReadOnlyUnitAreRefused() throws Exception {
        RecordingStore s = new RecordingStore(MIB);
        DiskUnit ro = DiskUnit.create(spec(512, true, Map.of()), s, workers);
        for (FakeScsiTask t : new FakeScsiTask[] {cdb6(0x0A, 0, 1), cdb10(0x2A, 0, 0, 1), cdb12(0xAA, 0, 0, 1),
            cdb16(0x8A, 0, 0, 1), cdb10(0x2E, 0, 0, 1), cdb10(0x2A, 0, 0, 0)}) {
            expect(SenseReason.WRITE_PROTECTED, () -> ro.parse(t));
        }
        assertEquals(512, run(ro, cdb10(0x28, 0, 0, 1)));
        RecordingStore roStore = new RecordingStore(MIB);
        roStore.readOnly(true);
        DiskUnit u = unit(roStore);
        expect(SenseReason.WRITE_PROTECTED, () -> u.parse(cdb10(0x2A, 0, 0, 1)));
        assertTrue(s.ops().stream().noneMatch("write"::equals));
    }

    @Test
    void fuaReachesAStoreThatHonoursIt() throws Exception {
        RecordingStore s = new RecordingStore(MIB, StoreCapability.FUA, StoreCapability.FLUSH);
        DiskUnit u = unit(s);
        run(u, withData(cdb10(0x2A, 0x08, 3, 1), new byte[512]));
        run(u, withData(cdb16(0x8A, 0x00, 4, 1), new byte[512]));
        assertEquals(List.of(new RecordingStore.Call("write", 1536, 512, true), new RecordingStore.Call("write", 2048, 512, false)),
                s.calls());
    }

    @Test
    void fuaOnAStoreWithOnlyFlushWritesThenFlushes() throws Exception {
        RecordingStore s = new RecordingStore(MIB, StoreCapability.FLUSH);
        DiskUnit u = unit(s);
        run(u, withData(cdb12(0xAA, 0x08, 3, 1), new byte[512]));
        assertEquals(List.of("write", "flush"), s.ops());
        assertFalse(s.calls().get(0).fua());
    }

    @Test
    void fuaReadFlushesAVolatileCacheFirst() throws Exception {
        RecordingStore cached = new RecordingStore(MIB, StoreCapability.FLUSH);
        run(unit(cached), cdb10(0x28, 0x08, 0, 1));
        assertEquals(List.of("flush", "read"), cached.ops());
        RecordingStore plain = new RecordingStore(MIB);
        run(unit(plain), cdb10(0x28, 0x08, 0, 1));
        assertEquals(List.of("read"), plain.ops());
    }

    @Test
    void aLargeReadIsSentFromTheStoresViewAndEndsOnlyOnceTheDataLeft() throws Exception {
        RecordingStore s = new RecordingStore(MIB).views(true);
        DiskUnit u = unit(s);
        byte[] a = pattern(ReadWrite.SEND_FROM_VIEW, 5);
        int blocks = ReadWrite.SEND_FROM_VIEW / 512;
        run(u, withData(cdb10(0x2A, 0, 8, blocks), a));
        CompletableFuture<Void> left = new CompletableFuture<>();
        FakeScsiTask r = cdb10(0x28, 0, 8, blocks).toBuilder().sendsDataIn(left).build();
        CompletableFuture<CommandResult> read = start(u, r).toCompletableFuture();
        assertFalse(r.dataInAllocated(), "no Data-In buffer: the view is sent");
        assertArrayEquals(a, r.dataInBytes(a.length));
        assertEquals(new RecordingStore.Call("view", 8 * 512, a.length, false), s.calls().get(1));
        assertFalse(read.isDone(), "the read must not end while its data may still be read from the view");
        left.complete(null);
        assertEquals(a.length, read.join().dataInLength());
        assertEquals(List.of("write", "view"), s.ops());
    }

    @Test
    void smallFuaAndDeclinedReadsAreCopied() throws Exception {
        int blocks = ReadWrite.SEND_FROM_VIEW / 512;
        CompletableFuture<Void> sent = CompletableFuture.completedFuture(null);
        RecordingStore s = new RecordingStore(MIB).views(true);
        FakeScsiTask small = cdb10(0x28, 0, 0, blocks - 1).toBuilder().sendsDataIn(sent).build();
        run(unit(s), small);
        assertTrue(small.dataInAllocated(), "below the threshold a copy costs less than a status of its own");
        FakeScsiTask declined = cdb10(0x28, 0, 0, blocks);
        run(unit(s), declined);
        assertTrue(declined.dataInAllocated(), "the fabric declined: copied");
        assertEquals(List.of("read", "view", "read"), s.ops());

        RecordingStore cached = new RecordingStore(MIB, StoreCapability.FLUSH).views(true);
        FakeScsiTask fua = cdb10(0x28, 0x08, 0, blocks).toBuilder().sendsDataIn(sent).build();
        run(unit(cached), fua);
        assertEquals(List.of("flush", "read"), cached.ops(), "FUA: the medium's data after the flush, copied");

        RecordingStore blocking = new RecordingStore(MIB).views(true);
        blocking.blocking(true);
        FakeScsiTask onWorker = cdb10(0x28, 0, 0, blocks).toBuilder().sendsDataIn(sent).build();
        run(unit(blocking), onWorker);
        assertEquals(List.of("read"), blocking.ops(), "a store that blocks is not asked for views");

        RecordingStore none = new RecordingStore(MIB);
        FakeScsiTask plain = cdb10(0x28, 0, 0, blocks).toBuilder().sendsDataIn(sent).build();
        run(unit(none), plain);
        assertTrue(plain.dataInAllocated(), "no view: copied");
    }

    @Test
    void mediaErrorsBecomeMediumErrorSense() throws Exception {
        RecordingStore s = new RecordingStore(MIB);
        DiskUnit u = unit(s);
        s.failWith(new IOException("EIO"));
        expect(SenseReason.UNRECOVERED_READ_ERROR, () -> run(u, cdb10(0x28, 0, 0, 1)));
        expect(SenseReason.WRITE_ERROR, () -> run(u, withData(cdb10(0x2A, 0, 0, 1), new byte[512])));
        expect(SenseReason.WRITE_ERROR, () -> run(u, cdb10(0x35, 0, 0, 0)));
    }

    /**
     * A store out of space (a full file system under a thin LUN): writes get DATA PROTECT, SPACE
     * ALLOCATION FAILED WRITE PROTECT (27h/07h), which initiators treat as out of space rather than
     * as a bad medium; reads and SYNCHRONIZE CACHE keep their media error codes.
     */
    @Test
    void noSpaceIsSpaceAllocationFailedWriteProtect() throws Exception {
        RecordingStore s = new RecordingStore(MIB);
        DiskUnit u = unit(s);
        s.failWith(new org.jstgt.api.store.NoSpaceException("ENOSPC (no space left on device)"));
        expect(SenseReason.SPACE_ALLOCATION_FAILED_WRITE_PROTECT,
                () -> run(u, withData(cdb10(0x2A, 0, 0, 1), new byte[512])));
        expect(SenseReason.SPACE_ALLOCATION_FAILED_WRITE_PROTECT,
                () -> run(u, WriteSameTest.ws(cdb10(0x41, 0, 0, 8), pattern(512, 3))));
        expect(SenseReason.UNRECOVERED_READ_ERROR, () -> run(u, cdb10(0x28, 0, 0, 1)));
        expect(SenseReason.WRITE_ERROR, () -> run(u, cdb10(0x35, 0, 0, 0)));
    }

    @Test
    void aStoreThatBlocksIsCalledFromTheWorkerPool() throws Exception {
        RecordingStore s = new RecordingStore(MIB);
        s.blocking(true);
        DiskUnit u = unit(s);
        run(u, withData(cdb10(0x2A, 0, 0, 1), new byte[512]));
        run(u, cdb10(0x28, 0, 0, 1));
        assertEquals(List.of("test-worker", "test-worker"), s.threads());
    }

    @Test
    void writeAndVerifyIsADurableWriteAndComparesWithByteCheck() throws Exception {
        RecordingStore s = new RecordingStore(MIB, StoreCapability.FUA);
        DiskUnit u = unit(s);
        byte[] data = pattern(512, 8);
        assertEquals(0, run(u, withData(cdb10(0x2E, 0, 9, 1), data)));
        assertEquals(List.of(new RecordingStore.Call("write", 9 * 512, 512, true)), s.calls());
        assertEquals(0, run(u, withData(cdb16(0x8E, 0x02, 9, 1), data)));
        assertEquals(List.of("write", "write", "read"), s.ops());
        invalidField(1, 2, () -> u.parse(cdb12(0xAE, 0x04, 0, 1)));
        invalidField(1, 3, () -> u.parse(cdb10(0x2E, 0x08, 0, 1)));
    }

    /** SBC-4: GROUP NUMBER is a hint this unit ignores, in every form that has one. */
    @Test
    void groupNumberIsIgnored() throws Exception {
        DiskUnit u = unit(new RecordingStore(MIB));
        assertEquals(512, run(u, cdb10(0x28, 0, 0, 1).withCdbByte(6, 0x3F)));
        assertEquals(512, run(u, cdb12(0xA8, 0, 0, 1).withCdbByte(10, 0x3F)));
        assertEquals(0, run(u, withData(cdb16(0x8A, 0, 0, 1).withCdbByte(14, 0x3F), new byte[512])));
        assertEquals(0, run(u, withData(cdb10(0x2E, 0, 0, 1).withCdbByte(6, 0x3F), new byte[512])));
        assertEquals(0, run(u, cdb16(0x8F, 0, 0, 1).withCdbByte(14, 0x3F)));
    }

    /** WRITE AND VERIFY: BYTCHK 10b and 11b are reserved; 01b with DPO writes and compares. */
    @Test
    void writeAndVerifyByteCheckValues() throws Exception {
        DiskUnit u = unit(new RecordingStore(MIB));
        invalidField(1, 2, () -> u.parse(cdb10(0x2E, 0x04, 0, 1)));
        invalidField(1, 2, () -> u.parse(cdb16(0x8E, 0x06, 0, 1)));
        assertEquals(0, run(u, withData(cdb12(0xAE, 0x12, 4, 2), pattern(1024, 3))));
        FakeScsiTask r = cdb10(0x28, 0, 4, 2);
        assertArrayEquals(pattern(1024, 3), r.dataInBytes(run(u, r)));
    }
}
