package org.jstgt.device.disk;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import org.jstgt.api.ConfigException;
import org.jstgt.api.scsi.CommandDescriptor;
import org.jstgt.api.scsi.CommandResult;
import org.jstgt.api.scsi.DataDirection;
import org.jstgt.api.scsi.LunSpec;
import org.jstgt.api.scsi.ScsiException;
import org.jstgt.api.scsi.SenseReason;
import org.jstgt.api.store.StoreCapability;
import org.jstgt.scsi.spc.StoreCalls;
import org.jstgt.testkit.FakeScsiTask;
import org.jstgt.testkit.FakeUnitContext;
import org.jstgt.testkit.Sense;
import org.jstgt.testkit.RecordingStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

class DiskUnitTest {
    private static final long MIB = 1 << 20;
    private final ExecutorService workers = Executors.newSingleThreadExecutor(r -> new Thread(r, "test-worker"));

    @AfterEach
    void stop() {
        workers.shutdownNow();
    }

    static LunSpec spec(int blockSize, boolean readOnly, Map<String, String> props) {
        return new LunSpec("disk0", "etc/jstgt.lun-disk0.cfg", "disk", "memory", blockSize, readOnly, "JSTGT",
                "VIRTUAL-DISK", "0001", "disk0", 0x3000000000000001L, props);
    }

    private DiskUnit unit(RecordingStore store) throws ConfigException {
        return DiskUnit.create(spec(512, false, Map.of()), store, workers);
    }

    private DiskUnit unit(RecordingStore store, String key, String value) throws ConfigException {
        return DiskUnit.create(spec(512, false, Map.of(key, value)), store, workers);
    }

    // ---- CDB builders (libiscsi scsi-lowlevel.c style)

    static FakeScsiTask cdb10(int op, int flags, long lba, int length) {
        return FakeScsiTask.of(op, flags, (int) (lba >>> 24) & 0xFF, (int) (lba >>> 16) & 0xFF, (int) (lba >>> 8) & 0xFF,
                (int) lba & 0xFF, 0, (length >>> 8) & 0xFF, length & 0xFF, 0);
    }

    static FakeScsiTask cdb12(int op, int flags, long lba, long length) {
        return FakeScsiTask.of(op, flags, (int) (lba >>> 24) & 0xFF, (int) (lba >>> 16) & 0xFF, (int) (lba >>> 8) & 0xFF,
                (int) lba & 0xFF, (int) (length >>> 24) & 0xFF, (int) (length >>> 16) & 0xFF,
                (int) (length >>> 8) & 0xFF, (int) length & 0xFF, 0, 0);
    }

    static FakeScsiTask cdb16(int op, int flags, long lba, long length) {
        int[] c = new int[16];
        c[0] = op;
        c[1] = flags;
        for (int i = 0; i < 8; i++) {
            c[2 + i] = (int) (lba >>> (56 - 8 * i)) & 0xFF;
        }
        for (int i = 0; i < 4; i++) {
            c[10 + i] = (int) (length >>> (24 - 8 * i)) & 0xFF;
        }
        return FakeScsiTask.of(c);
    }

    static FakeScsiTask cdb6(int op, long lba, int length) {
        return FakeScsiTask.of(op, (int) (lba >>> 16) & 0x1F, (int) (lba >>> 8) & 0xFF, (int) lba & 0xFF, length, 0);
    }

    /** Parses and runs; returns the Data-In byte count; throws the command's ScsiException. */
    static int run(DiskUnit u, FakeScsiTask t) throws ScsiException {
        CommandDescriptor d = u.parse(t);
        try {
            return d.execute(t).toCompletableFuture().join().dataInLength();
        } catch (CompletionException e) {
            Throwable c = StoreCalls.unwrap(e);
            if (c instanceof ScsiException s) {
                throw s;
            }
            throw e;
        }
    }

    static ScsiException expect(SenseReason reason, Executable e) {
        ScsiException x = assertThrows(ScsiException.class, e);
        assertTrue(x.sense().is(reason), "expected " + reason + ", got " + x.getMessage());
        return x;
    }

    static void invalidField(int fieldByte, int fieldBit, Executable e) {
        Sense x = Sense.of(expect(SenseReason.INVALID_FIELD_IN_CDB, e).sense());
        assertTrue(x.fieldInCdb());
        assertEquals(fieldByte, x.fieldPointer(), "field pointer byte");
        assertEquals(fieldBit, x.fieldBit(), "field pointer bit");
    }

    static FakeScsiTask withData(FakeScsiTask t, byte[] data) {
        return t.withDataOut(data);
    }

    static byte[] pattern(int length, int seed) {
        byte[] b = new byte[length];
        for (int i = 0; i < length; i++) {
            b[i] = (byte) (i * 7 + seed);
        }
        return b;
    }

    // ---- creation

    @Test
    void storeSizeMustBeAMultipleOfTheBlockSize() {
        assertEquals("size", assertThrows(ConfigException.class, () -> unit(new RecordingStore(MIB + 100))).key());
        assertEquals("size", assertThrows(ConfigException.class, () -> unit(new RecordingStore(0))).key());
        assertEquals("size", assertThrows(ConfigException.class,
                () -> DiskUnit.create(spec(4096, false, Map.of()), new RecordingStore(MIB + 512), workers)).key());
    }

    @Test
    void maxTransferKeyIsValidated() throws Exception {
        assertEquals(16 * MIB / 512, unit(new RecordingStore(MIB), "max.transfer", "16MiB").maxTransferBlocks());
        assertEquals(8 * MIB / 512, unit(new RecordingStore(MIB)).maxTransferBlocks());
        for (String bad : new String[] {"100", "1GiB", "lots", "1000B"}) {
            assertEquals("max.transfer", assertThrows(ConfigException.class,
                    () -> unit(new RecordingStore(MIB), "max.transfer", bad)).key(), bad);
        }
        assertEquals("sense.format", assertThrows(ConfigException.class,
                () -> unit(new RecordingStore(MIB), "sense.format", "short")).key());
    }

    @Test
    void unitFacts() throws Exception {
        DiskUnit u = unit(new RecordingStore(MIB));
        assertEquals(0, u.peripheralDeviceType());
        assertEquals(MIB, u.capacityBytes());
        assertEquals(2048, u.capacity());
    }

    // ---- dispatch

    @Test
    void unknownOpcodesAndBadControlBytes() throws Exception {
        DiskUnit u = unit(new RecordingStore(MIB));
        // UNMAP, WRITE SAME(10), REPORT LUNS and REQUEST SENSE are not the device's
        for (int op : new int[] {0x42, 0x41, 0xA0, 0x03, 0x15, 0x55}) {
            ScsiException e = expect(SenseReason.INVALID_COMMAND_OPERATION_CODE, () -> u.parse(FakeScsiTask.of(op)));
            assertEquals(0, Sense.of(e.sense()).fieldPointer());
        }
        invalidField(9, 2, () -> u.parse(cdb10(0x28, 0, 0, 1).withCdbByte(9, 0x04)));
        invalidField(1, 4, () -> u.parse(FakeScsiTask.of(0x9E, 0x11)));
    }

    @Test
    void testUnitReady() throws Exception {
        DiskUnit u = unit(new RecordingStore(MIB));
        assertEquals(0, run(u, FakeScsiTask.of(0x00)));
        invalidField(2, -1, () -> u.parse(FakeScsiTask.of(0x00, 0, 1)));
    }

    // ---- INQUIRY

    @Test
    void inquiryClaimsSbc3AndListsDiskPages() throws Exception {
        DiskUnit u = unit(new RecordingStore(MIB));
        FakeScsiTask std = FakeScsiTask.of(0x12, 0, 0, 0, 255, 0);
        byte[] d = std.dataInBytes(run(u, std));
        assertEquals(0, d[0]);
        assertEquals(0x04, d[64]);
        assertEquals((byte) 0xC0, d[65]);
        assertTrue(u.parse(std).allowedWithUnitAttention());
        FakeScsiTask pages = FakeScsiTask.of(0x12, 1, 0, 0, 255, 0);
        assertArrayEquals(new byte[] {0, 0, 0, 5, 0, (byte) 0x80, (byte) 0x83, (byte) 0xB0, (byte) 0xB1},
                pages.dataInBytes(run(u, pages)));
        invalidField(2, -1, () -> u.parse(FakeScsiTask.of(0x12, 1, 0xB2, 0, 255, 0)));
    }

    @Test
    void blockLimitsPage() throws Exception {
        DiskUnit u = unit(new RecordingStore(MIB));
        FakeScsiTask t = FakeScsiTask.of(0x12, 1, 0xB0, 0, 255, 0);
        byte[] d = t.dataInBytes(run(u, t));
        assertEquals(64, d.length);
        byte[] head = {0, (byte) 0xB0, 0, 0x3C, 0, 0, 0, 8, 0, 0, 0x40, 0, 0, 0, 0x08, 0};
        assertArrayEquals(head, Arrays.copyOf(d, 16), "granularity 8 blocks, max 16384, optimal 2048");
        for (int i = 16; i < 64; i++) {
            assertEquals(0, d[i], "no UNMAP/WRITE SAME limits, byte " + i);
        }
        DiskUnit big = DiskUnit.create(spec(4096, false, Map.of()), new RecordingStore(MIB), workers);
        FakeScsiTask t4 = FakeScsiTask.of(0x12, 1, 0xB0, 0, 255, 0);
        byte[] d4 = t4.dataInBytes(run(big, t4));
        assertEquals(1, d4[7], "granularity 1 block of 4 KiB");
        assertEquals(2048, ((d4[10] & 0xFF) << 8) | (d4[11] & 0xFF));
    }

    @Test
    void blockDeviceCharacteristicsPage() throws Exception {
        DiskUnit u = unit(new RecordingStore(MIB));
        FakeScsiTask t = FakeScsiTask.of(0x12, 1, 0xB1, 0, 255, 0);
        byte[] d = t.dataInBytes(run(u, t));
        assertEquals(64, d.length);
        assertArrayEquals(new byte[] {0, (byte) 0xB1, 0, 0x3C, 0, 1, 0, 0}, Arrays.copyOf(d, 8));
        FakeScsiTask shortAlloc = FakeScsiTask.of(0x12, 1, 0xB1, 0, 6, 0);
        assertEquals(6, run(u, shortAlloc));
    }

    // ---- READ CAPACITY

    @Test
    void readCapacity10() throws Exception {
        DiskUnit u = unit(new RecordingStore(MIB));
        FakeScsiTask t = cdb10(0x25, 0, 0, 0);
        assertEquals(8, u.parse(t).transferLength());
        assertArrayEquals(new byte[] {0, 0, 0x07, (byte) 0xFF, 0, 0, 0x02, 0}, t.dataInBytes(run(u, t)));
        // PMI 0 with an LBA is an error; with PMI 1 the LBA is accepted
        invalidField(2, -1, () -> u.parse(cdb10(0x25, 0, 5, 0)));
        FakeScsiTask pmi = cdb10(0x25, 0, 5, 0).withCdbByte(8, 1);
        assertEquals(8, run(u, pmi));
        invalidField(8, 1, () -> u.parse(cdb10(0x25, 0, 0, 0).withCdbByte(8, 2)));
        invalidField(1, 1, () -> u.parse(cdb10(0x25, 2, 0, 0)));
    }

    @Test
    void readCapacity10Beyond2TiBReportsFFFFFFFF() throws Exception {
        RecordingStore s = new RecordingStore((0xFFFF_FFFFL + 2) * 512);
        DiskUnit u = unit(s);
        FakeScsiTask t = cdb10(0x25, 0, 0, 0);
        assertArrayEquals(new byte[] {-1, -1, -1, -1, 0, 0, 2, 0}, t.dataInBytes(run(u, t)));
        // last LBA FFFFFFFEh still fits
        DiskUnit edge = unit(new RecordingStore(0xFFFF_FFFFL * 512));
        FakeScsiTask e = cdb10(0x25, 0, 0, 0);
        assertArrayEquals(new byte[] {-1, -1, -1, -2, 0, 0, 2, 0}, e.dataInBytes(run(edge, e)));
        FakeScsiTask t16 = cdb16(0x9E, 0x10, 0, 32);
        byte[] d = t16.dataInBytes(run(u, t16));
        assertArrayEquals(new byte[] {0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 2, 0}, Arrays.copyOf(d, 12));
    }

    @Test
    void readCapacity16() throws Exception {
        DiskUnit u = unit(new RecordingStore(MIB));
        FakeScsiTask t = cdb16(0x9E, 0x10, 0, 32);
        byte[] d = t.dataInBytes(run(u, t));
        assertEquals(32, d.length);
        assertArrayEquals(new byte[] {0, 0, 0, 0, 0, 0, 0x07, (byte) 0xFF, 0, 0, 0x02, 0, 0, 0, 0, 0},
                Arrays.copyOf(d, 16));
        // allocation lengths 0-15 are not errors (libiscsi readcapacity16_alloclen)
        for (int alloc = 0; alloc < 16; alloc++) {
            FakeScsiTask a = cdb16(0x9E, 0x10, 0, alloc);
            assertEquals(alloc, run(u, a));
        }
        invalidField(2, -1, () -> u.parse(cdb16(0x9E, 0x10, 1, 32)));
        assertEquals(32, run(u, cdb16(0x9E, 0x10, 1, 32).withCdbByte(14, 1)));
        invalidField(1, 5, () -> u.parse(cdb16(0x9E, 0x30, 0, 32)));
    }

    // ---- READ / WRITE

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
    void mediaErrorsBecomeMediumErrorSense() throws Exception {
        RecordingStore s = new RecordingStore(MIB);
        DiskUnit u = unit(s);
        s.failWith(new IOException("EIO"));
        expect(SenseReason.UNRECOVERED_READ_ERROR, () -> run(u, cdb10(0x28, 0, 0, 1)));
        expect(SenseReason.WRITE_ERROR, () -> run(u, withData(cdb10(0x2A, 0, 0, 1), new byte[512])));
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

    // ---- SYNCHRONIZE CACHE

    @Test
    void synchronizeCacheFlushesAfterARangeCheck() throws Exception {
        RecordingStore s = new RecordingStore(MIB, StoreCapability.FLUSH);
        DiskUnit u = unit(s);
        assertEquals(0, run(u, cdb10(0x35, 0, 0, 0)));
        assertEquals(0, run(u, cdb16(0x91, 0, 2040, 8)));
        assertEquals(List.of("flush", "flush"), s.ops());
        expect(SenseReason.LBA_OUT_OF_RANGE, () -> u.parse(cdb10(0x35, 0, 2040, 9)));
        expect(SenseReason.LBA_OUT_OF_RANGE, () -> u.parse(cdb16(0x91, 0, 2049, 0)));
        invalidField(1, 3, () -> u.parse(cdb10(0x35, 0x08, 0, 0)));
    }

    @Test
    void synchronizeCacheWithImmedDoesNotWaitForTheFlush() throws Exception {
        RecordingStore s = new RecordingStore(MIB, StoreCapability.FLUSH);
        CompletableFuture<Void> flush = new CompletableFuture<>();
        s.holdFlushes(flush);
        DiskUnit u = unit(s);
        FakeScsiTask immed = cdb10(0x35, 0x02, 0, 0);
        CompletionStage<CommandResult> done = u.parse(immed).execute(immed);
        assertTrue(done.toCompletableFuture().isDone());
        FakeScsiTask waits = cdb10(0x35, 0, 0, 0);
        CompletionStage<CommandResult> later = u.parse(waits).execute(waits);
        assertFalse(later.toCompletableFuture().isDone());
        flush.complete(null);
        assertEquals(0, later.toCompletableFuture().join().dataInLength());
    }

    // ---- VERIFY and WRITE AND VERIFY

    @Test
    void verifyWithoutByteCheckOnlyChecksTheRange() throws Exception {
        RecordingStore s = new RecordingStore(MIB);
        DiskUnit u = unit(s);
        CommandDescriptor d = u.parse(cdb10(0x2F, 0, 0, 2048));
        assertEquals(DataDirection.NONE, d.direction());
        assertEquals(0, run(u, cdb16(0x8F, 0x10, 100, 1000)));
        assertTrue(s.calls().isEmpty());
        expect(SenseReason.LBA_OUT_OF_RANGE, () -> u.parse(cdb10(0x2F, 0, 2049, 0)));
        expect(SenseReason.LBA_OUT_OF_RANGE, () -> u.parse(cdb10(0x2F, 0, 0xFFFF_FFFFL, 0)));
        expect(SenseReason.LBA_OUT_OF_RANGE, () -> u.parse(cdb12(0xAF, 0, 2000, 49)));
    }

    @Test
    void verifyByteCheckComparesWithTheMedium() throws Exception {
        RecordingStore s = new RecordingStore(MIB);
        DiskUnit u = unit(s);
        byte[] data = pattern(1024, 5);
        run(u, withData(cdb10(0x2A, 0, 7, 2), data));
        FakeScsiTask ok = withData(cdb10(0x2F, 0x02, 7, 2), data.clone());
        assertEquals(1024, u.parse(ok).transferLength());
        assertEquals(DataDirection.OUT, u.parse(ok).direction());
        assertEquals(0, run(u, ok));
        byte[] bad = data.clone();
        bad[700] ^= 'X';
        ScsiException e = expect(SenseReason.MISCOMPARE_DURING_VERIFY, () -> run(u, withData(cdb16(0x8F, 0x02, 7, 2), bad)));
        assertEquals(700L, e.sense().information());
        // the initiator's EDTL covered only one of the two blocks to compare (overflow)
        expect(SenseReason.INVALID_FIELD_IN_COMMAND_INFORMATION_UNIT,
                () -> run(u, withData(cdb10(0x2F, 0x02, 7, 2), Arrays.copyOf(data, 512))));
    }

    @Test
    void verifyOneBlockAgainstEveryBlock() throws Exception {
        RecordingStore s = new RecordingStore(MIB);
        DiskUnit u = unit(s);
        byte[] block = pattern(512, 6);
        byte[] three = new byte[1536];
        for (int i = 0; i < 3; i++) {
            System.arraycopy(block, 0, three, 512 * i, 512);
        }
        run(u, withData(cdb10(0x2A, 0, 0, 3), three));
        FakeScsiTask t = withData(cdb10(0x2F, 0x06, 0, 3), block.clone());
        assertEquals(512, u.parse(t).transferLength());
        assertEquals(0, run(u, t));
        ScsiException e = expect(SenseReason.MISCOMPARE_DURING_VERIFY,
                () -> run(u, withData(cdb10(0x2F, 0x06, 0, 4), block.clone())));
        assertEquals(0L, e.sense().information());
    }

    @Test
    void verifyBadFields() throws Exception {
        DiskUnit u = unit(new RecordingStore(MIB), "max.transfer", "4KiB");
        invalidField(1, 2, () -> u.parse(cdb10(0x2F, 0x04, 0, 1)));
        invalidField(1, 3, () -> u.parse(cdb10(0x2F, 0x08, 0, 1)));
        invalidField(7, -1, () -> u.parse(cdb10(0x2F, 0x02, 0, 9)));
        assertEquals(0, run(u, cdb10(0x2F, 0, 0, 9)));
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

    @Test
    void providerBuildsDisks() throws Exception {
        DiskProvider p = new DiskProvider();
        try {
            org.jstgt.api.scsi.LogicalUnit u = p.create(FakeUnitContext.of(spec(512, false, Map.of()), new RecordingStore(MIB)));
            assertEquals(MIB, u.capacityBytes());
            FakeScsiTask t = cdb10(0x25, 0, 0, 0);
            CommandDescriptor d = u.parse(t);
            assertEquals(8, d.execute(t).toCompletableFuture().join().dataInLength());
            u.close();
        } finally {
            p.close();
        }
        assertEquals("disk", DiskProvider.TYPE);
    }

    /** A disk needs a store: a LUN without store.type is a configuration error naming that key. */
    @Test
    void aDiskWithoutStoreTypeNamesTheKey() {
        DiskProvider p = new DiskProvider();
        try {
            ConfigException e = assertThrows(ConfigException.class,
                    () -> p.create(FakeUnitContext.of(spec(512, false, Map.of()), null)));
            assertEquals("store.type", e.key());
        } finally {
            p.close();
        }
    }

    // ---- MODE SENSE

    @Test
    void modeSenseReportsDpofuaWriteProtectAndWriteCache() throws Exception {
        DiskUnit plain = unit(new RecordingStore(MIB));
        FakeScsiTask t = FakeScsiTask.of(0x1A, 0, 0x3F, 0, 255, 0);
        byte[] d = t.dataInBytes(run(plain, t));
        assertEquals(0x10, d[2], "DPOFUA, not WP");
        assertEquals(8, d[3]);
        assertArrayEquals(new byte[] {0, 0, 0x08, 0, 0, 0, 0x02, 0}, Arrays.copyOfRange(d, 4, 12));
        assertEquals(0x08, d[12], "caching page first");
        assertEquals(0x00, d[14], "WCE 0 without a volatile cache");
        assertEquals(0x0A, d[32], "control page");
        assertEquals(0x02, d[34], "D_SENSE 0, GLTSD");
        assertEquals(0x1C, d[44], "informational exceptions");
        assertEquals(d.length - 1, d[0]);

        DiskUnit cached = DiskUnit.create(spec(512, true, Map.of("sense.format", "descriptor")),
                new RecordingStore(MIB, StoreCapability.FLUSH), workers);
        FakeScsiTask c = FakeScsiTask.of(0x5A, 0x08, 0x3F, 0, 0, 0, 0, 0, 255, 0);
        byte[] cd = c.dataInBytes(run(cached, c));
        assertEquals((byte) 0x90, cd[3], "WP and DPOFUA");
        assertEquals(0, cd[7], "DBD");
        assertEquals(0x04, cd[10], "WCE");
        assertEquals(0x06, cd[30], "D_SENSE");
        invalidField(2, 5, () -> plain.parse(FakeScsiTask.of(0x1A, 0, 0x01, 0, 255, 0)));
        expect(SenseReason.SAVING_PARAMETERS_NOT_SUPPORTED, () -> plain.parse(FakeScsiTask.of(0x1A, 0, 0xFF, 0, 255, 0)));
    }

    @Test
    void modeSenseTruncatesWithoutError() throws Exception {
        DiskUnit u = unit(new RecordingStore(MIB));
        FakeScsiTask t = FakeScsiTask.of(0x1A, 0, 0x3F, 0, 4, 0);
        assertEquals(4, run(u, t));
    }

    // ---- START STOP UNIT and PREVENT ALLOW MEDIUM REMOVAL

    @Test
    void startStopUnit() throws Exception {
        RecordingStore s = new RecordingStore(MIB, StoreCapability.FLUSH);
        DiskUnit u = unit(s);
        for (int immed = 0; immed < 2; immed++) {
            assertEquals(0, run(u, FakeScsiTask.of(0x1B, immed, 0, 0, 0x01, 0)));
            assertEquals(0, run(u, FakeScsiTask.of(0x1B, immed, 0, 0, 0x05, 0)));
        }
        assertTrue(s.calls().isEmpty());
        run(u, FakeScsiTask.of(0x1B, 0, 0, 0, 0x00, 0));
        assertEquals(List.of("flush"), s.ops());
        run(u, FakeScsiTask.of(0x1B, 1, 0, 0, 0x04, 0));
        assertEquals(List.of("flush"), s.ops(), "NO_FLUSH");
        for (int pc : new int[] {0x1, 0x2, 0x3, 0x7, 0xA, 0xB}) {
            assertEquals(0, run(u, FakeScsiTask.of(0x1B, 1, 0, 0, pc << 4 | 0x02, 0)));
        }
        for (int pc : new int[] {0x4, 0x5, 0x6, 0x8, 0x9, 0xC, 0xD, 0xE, 0xF}) {
            invalidField(4, 7, () -> u.parse(FakeScsiTask.of(0x1B, 1, 0, 0, pc << 4, 0)));
        }
        invalidField(4, 1, () -> u.parse(FakeScsiTask.of(0x1B, 1, 0, 0, 0x02, 0)));
        invalidField(4, 1, () -> u.parse(FakeScsiTask.of(0x1B, 1, 0, 0, 0x03, 0)));
        invalidField(1, 1, () -> u.parse(FakeScsiTask.of(0x1B, 2, 0, 0, 0x01, 0)));
        invalidField(3, 4, () -> u.parse(FakeScsiTask.of(0x1B, 0, 0, 0x10, 0x01, 0)));
        invalidField(4, 3, () -> u.parse(FakeScsiTask.of(0x1B, 0, 0, 0, 0x09, 0)));
    }

    @Test
    void preventAllowMediumRemoval() throws Exception {
        DiskUnit u = unit(new RecordingStore(MIB));
        assertEquals(0, run(u, FakeScsiTask.of(0x1E, 0, 0, 0, 1, 0)));
        assertEquals(0, run(u, FakeScsiTask.of(0x1E, 0, 0, 0, 0, 0)));
        invalidField(4, 1, () -> u.parse(FakeScsiTask.of(0x1E, 0, 0, 0, 2, 0)));
        invalidField(4, 1, () -> u.parse(FakeScsiTask.of(0x1E, 0, 0, 0, 3, 0)));
        invalidField(1, -1, () -> u.parse(FakeScsiTask.of(0x1E, 1, 0, 0, 0, 0)));
    }

    // ---- REPORT SUPPORTED OPERATION CODES

    @Test
    void reportSupportedOperationCodesShowsDpoFuaUsage() throws Exception {
        DiskUnit u = unit(new RecordingStore(MIB));
        FakeScsiTask t = FakeScsiTask.of(0xA3, 0x0C, 0x01, 0x28, 0, 0, 0, 0, 0xFF, 0xFF, 0, 0);
        byte[] d = t.dataInBytes(run(u, t));
        assertEquals(0x03, d[1], "supported");
        assertEquals(10, d[3]);
        assertEquals(0x28, d[4]);
        assertEquals(0x18, d[5] & 0x18, "DPO and FUA are used");
        FakeScsiTask all = FakeScsiTask.of(0xA3, 0x0C, 0x00, 0, 0, 0, 0, 0, 0xFF, 0xFF, 0, 0);
        byte[] a = all.dataInBytes(run(u, all));
        int count = (int) ((a[3] & 0xFF) + ((a[2] & 0xFF) << 8)) / 8;
        assertEquals(u.opcodeTable().commands().size(), count);
        // every listed command answers its own one-command query
        Map<Integer, Integer> seen = new HashMap<>();
        for (int i = 0; i < count; i++) {
            int op = a[4 + 8 * i] & 0xFF;
            int sa = a[4 + 8 * i + 3] & 0xFF;
            boolean servactv = (a[4 + 8 * i + 5] & 1) != 0;
            FakeScsiTask one = FakeScsiTask.of(0xA3, 0x0C, servactv ? 0x02 : 0x01, op, 0, sa, 0, 0, 0xFF, 0xFF, 0, 0);
            byte[] o = one.dataInBytes(run(u, one));
            assertEquals(0x03, o[1]);
            assertEquals((byte) op, o[4]);
            seen.merge(op, 1, Integer::sum);
        }
        assertEquals(1, seen.get(0x28));
    }
}
