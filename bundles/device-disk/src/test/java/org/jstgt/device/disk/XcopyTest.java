package org.jstgt.device.disk;

import static org.jstgt.device.disk.DiskTestBase.cdb10;
import static org.jstgt.device.disk.DiskTestBase.pattern;
import static org.jstgt.device.disk.DiskTestBase.run;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;

import org.jstgt.api.scsi.DataDirection;
import org.jstgt.api.scsi.LogicalUnit;
import org.jstgt.api.scsi.LunDirectory;
import org.jstgt.api.scsi.LunSpec;
import org.jstgt.api.scsi.ScsiException;
import org.jstgt.api.scsi.ScsiTask;
import org.jstgt.api.scsi.Sense;
import org.jstgt.api.scsi.SenseKey;
import org.jstgt.api.scsi.UnitLease;
import org.jstgt.scsi.spc.NaaDesignators;
import org.jstgt.testkit.FakeScsiTask;
import org.jstgt.testkit.RecordingStore;
import org.junit.jupiter.api.Test;

/** EXTENDED COPY(LID1) and RECEIVE COPY RESULTS (SPC-4 §6.4, §6.18) over a fake LUN directory. */
class XcopyTest {
    private static final Executor DIRECT = Runnable::run;
    private static final long NAA_A = 0x3000000000000A01L;
    private static final long NAA_B = 0x3000000000000B02L;
    private static final long NAA_C = 0x3000000000000C03L;
    private static final long NAA_ELSEWHERE = 0x3000000000000E04L;

    /** The LUNs of the asking command's target, by NAA, counting the leases opened and closed. */
    private static final class Directory implements LunDirectory {
        final Map<Long, LogicalUnit> units = new HashMap<>();
        final AtomicInteger opened = new AtomicInteger();
        final AtomicInteger closed = new AtomicInteger();

        @Override
        public Optional<LogicalUnit> unit(String lunName) {
            return Optional.empty();
        }

        @Override
        public Optional<UnitLease> lease(ScsiTask task, long naaId) {
            LogicalUnit u = units.get(naaId);
            if (u == null) {
                return Optional.empty();
            }
            opened.incrementAndGet();
            return Optional.of(new UnitLease() {
                private boolean done;

                @Override
                public LogicalUnit unit() {
                    return u;
                }

                @Override
                public int lun() {
                    return 0;
                }

                @Override
                public LunSpec spec() {
                    return u instanceof DiskUnit d ? d.spec() : null;
                }

                @Override
                public synchronized void close() {
                    if (!done) {
                        done = true;
                        closed.incrementAndGet();
                    }
                }
            });
        }
    }

    /** A unit of another device type (a tape drive, say). */
    private static final class NotADisk implements LogicalUnit {
        @Override
        public org.jstgt.api.scsi.CommandDescriptor parse(ScsiTask task) throws ScsiException {
            throw new ScsiException(org.jstgt.api.scsi.SenseReason.INVALID_COMMAND_OPERATION_CODE);
        }

        @Override
        public int peripheralDeviceType() {
            return 1;
        }

        @Override
        public long capacityBytes() {
            return 0;
        }

        @Override
        public void close() {
        }
    }

    private final Directory luns = new Directory();

    private DiskUnit disk(long naa, int blockSize, long bytes, boolean readOnly, RecordingStore store)
            throws Exception {
        LunSpec spec = new LunSpec("d" + Long.toHexString(naa), "test", "disk", "memory", blockSize, readOnly, "JSTGT",
                "VIRTUAL-DISK", "0001", "s" + naa, naa, Map.of());
        DiskUnit u = DiskUnit.create(spec, store, DIRECT, luns);
        luns.units.put(naa, u);
        return u;
    }

    /** @return completes the writes of a new 1 MiB disk of that NAA, which wait for it */
    private java.util.concurrent.CompletableFuture<Void> slowDisk(long naa) throws Exception {
        java.util.concurrent.CompletableFuture<Void> held = new java.util.concurrent.CompletableFuture<>();
        LunSpec spec = new LunSpec("slow", "test", "disk", "memory", 512, false, "JSTGT", "VIRTUAL-DISK", "0001",
                "slow", naa, Map.of());
        luns.units.put(naa, DiskUnit.create(spec, new WriteHook(new RecordingStore(1 << 20),
                (store, offset, src, fua, completion) -> held.thenCompose(v -> store.write(offset, src, fua, completion))), DIRECT, luns));
        return held;
    }

    private DiskUnit disk(long naa, int blockSize, long bytes) throws Exception {
        return disk(naa, blockSize, bytes, false, new RecordingStore(bytes));
    }

    // ---- parameter list builders (SPC-4 tables 104, 109, 128)

    static byte[] target(long naa, int blockLength) {
        ByteBuffer b = ByteBuffer.allocate(32);
        b.put(0, (byte) 0xE4);
        // designation descriptor: CODE SET binary, ASSOCIATION LU, DESIGNATOR TYPE NAA, length 8
        b.put(4, (byte) 0x01).put(5, (byte) 0x03).put(7, (byte) 8).putLong(8, naa);
        b.put(29, (byte) (blockLength >>> 16)).put(30, (byte) (blockLength >>> 8)).put(31, (byte) blockLength);
        return b.array();
    }

    static byte[] segment(boolean dc, int src, int dst, int blocks, long srcLba, long dstLba) {
        ByteBuffer b = ByteBuffer.allocate(28);
        b.put(0, (byte) 0x02).put(1, (byte) (dc ? 0x02 : 0)).putShort(2, (short) 0x18);
        b.putShort(4, (short) src).putShort(6, (short) dst).putShort(10, (short) blocks);
        b.putLong(12, srcLba).putLong(20, dstLba);
        return b.array();
    }

    /** @return a copy of {@code l} with byte {@code i} set to {@code v} */
    static byte[] with(byte[] l, int i, int v) {
        byte[] c = l.clone();
        c[i] = (byte) v;
        return c;
    }

    static List<byte[]> targets(byte[]... t) {
        return List.of(t);
    }

    static byte[] list(int listId, int usage, List<byte[]> targets, byte[]... segments) {
        int tl = targets.stream().mapToInt(t -> t.length).sum();
        int sl = 0;
        for (byte[] s : segments) {
            sl += s.length;
        }
        ByteBuffer b = ByteBuffer.allocate(16 + tl + sl);
        b.put(0, (byte) listId).put(1, (byte) (usage << 3)).putShort(2, (short) tl).putInt(8, sl);
        b.position(16);
        targets.forEach(b::put);
        for (byte[] s : segments) {
            b.put(s);
        }
        return b.array();
    }

    static FakeScsiTask xcopy(byte[] list) {
        return xcopy(list, list.length);
    }

    static FakeScsiTask xcopy(byte[] list, int parameterListLength) {
        int n = parameterListLength;
        FakeScsiTask t = FakeScsiTask.of(0x83, 0, 0, 0, 0, 0, 0, 0, 0, 0, n >>> 24, (n >>> 16) & 0xFF,
                (n >>> 8) & 0xFF, n & 0xFF, 0, 0);
        return list.length == 0 ? t : t.withDataOut(list);
    }

    static FakeScsiTask receiveCopyResults(int sa, int listId, int allocation) {
        return FakeScsiTask.of(0x84, sa, listId, 0, 0, 0, 0, 0, 0, 0, allocation >>> 24, (allocation >>> 16) & 0xFF,
                (allocation >>> 8) & 0xFF, allocation & 0xFF, 0, 0);
    }

    private static void fill(DiskUnit u, long lba, byte[] data) throws ScsiException {
        run(u, cdb10(0x2A, 0, lba, data.length / u.blockSize()).withDataOut(data));
    }

    private static byte[] read(DiskUnit u, long lba, int blocks) throws ScsiException {
        FakeScsiTask t = cdb10(0x28, 0, lba, blocks).toBuilder().expectedTransferLength(blocks * u.blockSize())
                .build();
        return t.dataInBytes(run(u, t));
    }

    private static Sense fails(DiskUnit u, FakeScsiTask t) {
        return assertThrows(ScsiException.class, () -> run(u, t)).sense();
    }

    private static void assertSense(Sense s, SenseKey key, int asc, int ascq) {
        assertEquals(key, s.key(), s.toString());
        assertEquals(asc, s.asc(), s.toString());
        assertEquals(ascq, s.ascq(), s.toString());
    }

    /** An ILLEGAL REQUEST sense pointing at a parameter list byte (and bit, or -1). */
    private static void assertParameterField(Sense s, int asc, int ascq, int byteIndex, int bit) {
        assertSense(s, SenseKey.ILLEGAL_REQUEST, asc, ascq);
        org.jstgt.testkit.Sense x = org.jstgt.testkit.Sense.of(s);
        assertFalse(x.fieldInCdb(), "C/D");
        assertEquals(byteIndex, x.fieldPointer(), "field pointer");
        assertEquals(bit, x.fieldBit(), "bit pointer");
    }

    private void assertLeasesClosed(int expected) {
        assertEquals(expected, luns.opened.get(), "leases opened");
        assertEquals(luns.opened.get(), luns.closed.get(), "leases closed");
    }

    // ---- good copies

    @Test
    void copiesWithinOneUnit() throws Exception {
        DiskUnit a = disk(NAA_A, 512, 1 << 20);
        byte[] data = pattern(8 * 512, 3);
        fill(a, 0, data);
        assertEquals(0, run(a, xcopy(list(1, 0b10, targets(target(NAA_A, 512)), segment(false, 0, 0, 8, 0, 100)))));
        assertArrayEquals(data, read(a, 100, 8));
        assertLeasesClosed(1);
    }

    /** A unit with {@code naa.company.id} is named by its 16-byte NAA 6h designator too; another company's is not it. */
    @Test
    void anNaa6DesignatorNamesTheUnitWhoseCompanyIdItCarries() throws Exception {
        LunSpec spec = new LunSpec("d6", "test", "disk", "memory", 512, false, "JSTGT", "VIRTUAL-DISK", "0001", "s6",
                NAA_B, Map.of(NaaDesignators.KEY, "AC-DE-48"));
        DiskUnit b = DiskUnit.create(spec, new RecordingStore(1 << 20), DIRECT, luns);
        luns.units.put(NAA_B, b);
        byte[] data = pattern(4 * 512, 8);
        fill(b, 0, data);
        assertEquals(0, run(b, xcopy(list(1, 0b11, targets(target6(NaaDesignators.registeredExtended(0xACDE48, NAA_B))),
                segment(false, 0, 0, 4, 0, 50)))));
        assertArrayEquals(data, read(b, 50, 4));
        assertSense(fails(b, xcopy(list(1, 0b11, targets(target6(NaaDesignators.registeredExtended(0x00AB00, NAA_B))),
                segment(false, 0, 0, 4, 0, 60)))), SenseKey.COPY_ABORTED, 0x0D, 0x02);
        assertLeasesClosed(2);
    }

    private static byte[] target6(byte[] designator) {
        ByteBuffer b = ByteBuffer.allocate(32);
        b.put(0, (byte) 0xE4);
        b.put(4, (byte) 0x01).put(5, (byte) 0x03).put(7, (byte) 16).put(8, designator);
        b.put(30, (byte) 0x02);
        return b.array();
    }

    @Test
    void copiesAcrossUnitsInChunksOfAtMostOneMebibyte() throws Exception {
        RecordingStore bs = new RecordingStore(8 << 20);
        DiskUnit a = disk(NAA_A, 512, 8 << 20);
        DiskUnit b = disk(NAA_B, 512, 8 << 20, false, bs);
        byte[] data = pattern(5000 * 512, 11);
        fill(a, 10, data);
        byte[] l = list(2, 0b11, targets(target(NAA_A, 512), target(NAA_B, 512)),
                segment(false, 0, 1, 3000, 10, 7), segment(true, 0, 1, 2000, 3010, 3007));
        assertEquals(DataDirection.OUT, a.parse(xcopy(l)).direction());
        assertEquals(l.length, a.parse(xcopy(l)).transferLength());
        run(a, xcopy(l));
        // 3000 blocks in a chunk of 1 MiB and one of the rest, 2000 blocks in one chunk
        assertEquals(List.of(new RecordingStore.Call("write", 7 * 512, 1 << 20, false),
                new RecordingStore.Call("write", 7 * 512 + (1 << 20), 3000 * 512 - (1 << 20), false),
                new RecordingStore.Call("write", 3007 * 512, 2000 * 512, false)), bs.calls());
        assertArrayEquals(data, read(b, 7, 5000));
        assertLeasesClosed(2);
    }

    @Test
    void copiesBetweenUnitsOfOtherBlockSizes() throws Exception {
        DiskUnit a = disk(NAA_A, 512, 1 << 20);
        DiskUnit c = disk(NAA_C, 4096, 1 << 20);
        byte[] data = pattern(2 * 4096, 5);
        fill(a, 16, data);
        // DC set: NUMBER OF BLOCKS counts the 4096-byte destination blocks
        run(a, xcopy(list(0, 0b11, targets(target(NAA_A, 512), target(NAA_C, 4096)), segment(true, 0, 1, 2, 16, 3))));
        assertArrayEquals(data, read(c, 3, 2));
        // DC clear: 3 source blocks are not a whole destination block
        Sense s = fails(a, xcopy(list(0, 0b11, targets(target(NAA_A, 512), target(NAA_C, 4096)),
                segment(false, 0, 1, 3, 16, 3))));
        assertSense(s, SenseKey.COPY_ABORTED, 0x26, 0x0A);
        assertEquals(0L, s.commandSpecific());
        assertLeasesClosed(4);
    }

    @Test
    void overlappingRangesCopyAsThroughABuffer() throws Exception {
        int blocks = 3000;
        byte[] data = pattern(blocks * 512, 17);
        // destination above the source, by less than one chunk and by more
        for (int shift : new int[] {1, 700, 2100}) {
            DiskUnit a = disk(NAA_A, 512, 8 << 20);
            fill(a, 50, data);
            run(a, xcopy(list(0, 0b11, targets(target(NAA_A, 512)), segment(false, 0, 0, blocks, 50, 50 + shift))));
            assertArrayEquals(data, read(a, 50 + shift, blocks), "shift up " + shift);
        }
        // destination below the source
        for (int shift : new int[] {1, 2100}) {
            DiskUnit a = disk(NAA_A, 512, 8 << 20);
            fill(a, 5000, data);
            run(a, xcopy(list(0, 0b11, targets(target(NAA_A, 512)),
                    segment(false, 0, 0, blocks, 5000, 5000 - shift))));
            assertArrayEquals(data, read(a, 5000 - shift, blocks), "shift down " + shift);
        }
        assertLeasesClosed(5);
    }

    @Test
    void blockingStoresAreCalledOffTheLoopAndTheCopyEndsOnIt() throws Exception {
        java.util.concurrent.ExecutorService workers = java.util.concurrent.Executors.newFixedThreadPool(2,
                r -> new Thread(r, "test-worker"));
        java.util.concurrent.ExecutorService loop = java.util.concurrent.Executors.newSingleThreadExecutor(
                r -> new Thread(r, "test-loop"));
        try {
            RecordingStore as = new RecordingStore(4 << 20).blocking(true);
            RecordingStore bs = new RecordingStore(4 << 20).blocking(true);
            DiskUnit a = DiskUnit.create(new LunSpec("a", "test", "disk", "memory", 512, false, "JSTGT",
                    "VIRTUAL-DISK", "0001", "a", NAA_A, Map.of()), as, workers, luns);
            DiskUnit b = DiskUnit.create(new LunSpec("b", "test", "disk", "memory", 512, false, "JSTGT",
                    "VIRTUAL-DISK", "0001", "b", NAA_B, Map.of()), bs, workers, luns);
            luns.units.put(NAA_A, a);
            luns.units.put(NAA_B, b);
            byte[] data = pattern(6000 * 512, 23);
            as.write(0, ByteBuffer.wrap(data), false, DIRECT);
            FakeScsiTask t = xcopy(list(0, 0b11, targets(target(NAA_A, 512), target(NAA_B, 512)),
                    segment(false, 0, 1, 6000, 0, 1))).toBuilder().executor(loop).build();
            String ended = a.parse(t).execute(t).thenApply(r -> Thread.currentThread().getName())
                    .toCompletableFuture().get(10, java.util.concurrent.TimeUnit.SECONDS);
            assertEquals("test-loop", ended);
            assertTrue(as.threads().subList(1, as.threads().size()).stream().allMatch("test-worker"::equals));
            assertTrue(bs.threads().stream().allMatch("test-worker"::equals), bs.threads().toString());
            byte[] copied = new byte[data.length];
            bs.read(512, ByteBuffer.wrap(copied), DIRECT);
            assertArrayEquals(data, copied);
            assertLeasesClosed(2);
        } finally {
            workers.shutdownNow();
            loop.shutdownNow();
        }
    }

    @Test
    void nothingToCopy() throws Exception {
        RecordingStore as = new RecordingStore(1 << 20);
        DiskUnit a = disk(NAA_A, 512, 1 << 20, false, as);
        // PARAMETER LIST LENGTH 0: no data asked for, GOOD
        assertEquals(DataDirection.NONE, a.parse(xcopy(new byte[0], 0)).direction());
        run(a, xcopy(new byte[0], 0));
        // NUMBER OF BLOCKS 0: GOOD, no store call
        run(a, xcopy(list(0, 0b11, targets(target(NAA_A, 512)), segment(false, 0, 0, 0, 5, 9))));
        // no segment at all
        run(a, xcopy(list(0, 0b11, targets(target(NAA_A, 512)))));
        assertEquals(List.of(), as.calls());
        assertLeasesClosed(2);
    }

    // ---- RECEIVE COPY RESULTS OPERATING PARAMETERS

    @Test
    void operatingParametersReportTheLimits() throws Exception {
        DiskUnit a = disk(NAA_A, 4096, 1 << 20);
        FakeScsiTask t = receiveCopyResults(0x03, 0, 1024);
        byte[] d = t.dataInBytes(run(a, t));
        ByteBuffer b = ByteBuffer.wrap(d);
        assertEquals(46, d.length);
        assertEquals(42, b.getInt(0), "AVAILABLE DATA");
        assertEquals(1, d[4], "SNLID");
        assertEquals(4, b.getShort(8), "MAXIMUM CSCD DESCRIPTOR COUNT");
        assertEquals(16, b.getShort(10), "MAXIMUM SEGMENT DESCRIPTOR COUNT");
        assertEquals(4 * 32 + 16 * 28, b.getInt(12), "MAXIMUM DESCRIPTOR LIST LENGTH");
        assertEquals(64 << 20, b.getInt(16), "MAXIMUM SEGMENT LENGTH");
        assertEquals(0, b.getInt(20), "MAXIMUM INLINE DATA LENGTH");
        assertEquals(0, b.getInt(24), "HELD DATA LIMIT");
        assertEquals(0, b.getInt(28), "MAXIMUM STREAM DEVICE TRANSFER SIZE");
        assertEquals(8, b.getShort(34), "TOTAL CONCURRENT COPIES");
        assertEquals(8, d[36], "MAXIMUM CONCURRENT COPIES");
        assertEquals(12, d[37], "DATA SEGMENT GRANULARITY");
        assertEquals(0, d[38] | d[39], "INLINE, HELD DATA GRANULARITY");
        assertEquals(2, d[43], "IMPLEMENTED DESCRIPTOR LIST LENGTH");
        assertArrayEquals(new byte[] {0x02, (byte) 0xE4}, new byte[] {d[44], d[45]});
        // SPC-4 §4.2.5.6: a short allocation length cuts the data
        FakeScsiTask shortTask = receiveCopyResults(0x03, 0, 10);
        assertEquals(10, run(a, shortTask));
        assertArrayEquals(java.util.Arrays.copyOf(d, 10), shortTask.dataInBytes(10));
        assertEquals(0, run(a, receiveCopyResults(0x03, 0, 0)));
    }

    @Test
    void standardInquiryClaimsThirdPartyCopy() throws Exception {
        DiskUnit a = disk(NAA_A, 512, 1 << 20);
        FakeScsiTask t = FakeScsiTask.of(0x12, 0, 0, 0, 36, 0);
        assertEquals(0x08, t.dataInBytes(run(a, t))[5] & 0x08, "3PC");
    }

    @Test
    void receiveCopyResultsRefusesWhatItDoesNotServe() throws Exception {
        DiskUnit a = disk(NAA_A, 512, 1 << 20);
        // RECEIVE DATA (01h): no data is ever held
        DiskTestBase.invalidField(1, 4, () -> run(a, receiveCopyResults(0x01, 0, 1024)));
        DiskTestBase.invalidField(14, -1, () -> run(a, receiveCopyResults(0x00, 0, 1024).withCdbByte(14, 1)));
        DiskTestBase.invalidField(3, -1, () -> run(a, receiveCopyResults(0x03, 0, 1024).withCdbByte(3, 1)));
    }

    // ---- RECEIVE COPY RESULTS COPY STATUS and FAILED SEGMENT DETAILS

    private static FakeScsiTask from(FakeScsiTask t, String initiatorPort) {
        return t.toBuilder().initiator(FakeScsiTask.INITIATOR_NAME, initiatorPort).build();
    }

    @Test
    void copyStatusOfAListHeldByItsNexus() throws Exception {
        DiskUnit a = disk(NAA_A, 512, 1 << 20);
        // no copy of that list yet (libiscsi ReceiveCopyResults.CopyStatus)
        DiskTestBase.invalidField(2, -1, () -> run(a, receiveCopyResults(0x00, 7, 1024)));
        run(a, xcopy(list(7, 0b00, targets(target(NAA_A, 512)), segment(false, 0, 0, 8, 0, 100),
                segment(false, 0, 0, 2, 0, 200))));
        FakeScsiTask t = receiveCopyResults(0x00, 7, 1024);
        byte[] d = t.dataInBytes(run(a, t));
        // AVAILABLE DATA 8; COPY MANAGER STATUS 01h (completed, no error); 2 segments; 10 blocks in bytes
        assertArrayEquals(new byte[] {0, 0, 0, 8, 0x01, 0, 2, 0, 0, 0, 0x14, 0}, d);
        FakeScsiTask f = receiveCopyResults(0x04, 7, 1024);
        byte[] fd = f.dataInBytes(run(a, f));
        assertEquals(60, fd.length);
        assertEquals(56, ByteBuffer.wrap(fd).getInt(0), "AVAILABLE DATA");
        assertEquals(0, fd[56], "GOOD");
        assertEquals(0, ByteBuffer.wrap(fd).getShort(58), "no sense");
        // another nexus does not see the list; LIST ID USAGE 10b and 11b hold nothing
        DiskTestBase.invalidField(2, -1, () -> run(a, from(receiveCopyResults(0x00, 7, 1024), "iqn.x,i,0x02")));
        run(a, xcopy(list(8, 0b10, targets(target(NAA_A, 512)))));
        run(a, xcopy(list(9, 0b11, targets(target(NAA_A, 512)))));
        DiskTestBase.invalidField(2, -1, () -> run(a, receiveCopyResults(0x00, 8, 1024)));
        DiskTestBase.invalidField(2, -1, () -> run(a, receiveCopyResults(0x00, 9, 1024)));
        // the nexus ends: what it held goes
        a.nexusLost(FakeScsiTask.INITIATOR_PORT_NAME, FakeScsiTask.TARGET_PORT_NAME);
        DiskTestBase.invalidField(2, -1, () -> run(a, receiveCopyResults(0x00, 7, 1024)));
    }

    @Test
    void failedSegmentDetailsCarryTheSense() throws Exception {
        DiskUnit a = disk(NAA_A, 512, 1 << 20);
        Sense s = fails(a, xcopy(list(3, 0b00, targets(target(NAA_A, 512)), segment(false, 0, 0, 1, 0, 5),
                segment(false, 0, 0, 4, 0, 2047))));
        FakeScsiTask t = receiveCopyResults(0x00, 3, 1024);
        // COPY MANAGER STATUS 02h (completed with errors), 1 segment processed, 512 bytes
        assertArrayEquals(new byte[] {0, 0, 0, 8, 0x02, 0, 1, 0, 0, 0, 0x02, 0}, t.dataInBytes(run(a, t)));
        FakeScsiTask f = receiveCopyResults(0x04, 3, 1024);
        byte[] d = f.dataInBytes(run(a, f));
        assertEquals(60 + 18, d.length);
        assertEquals(2, d[56], "CHECK CONDITION");
        assertEquals(18, ByteBuffer.wrap(d).getShort(58), "SENSE DATA LENGTH");
        assertArrayEquals(org.jstgt.api.scsi.SenseData.fixed(s), java.util.Arrays.copyOfRange(d, 60, 78));
        assertEquals(0x0A, d[60 + 2] & 0x0F, "COPY ABORTED");
        assertEquals(1, ByteBuffer.wrap(d).getInt(60 + 8), "COMMAND-SPECIFIC INFORMATION: segment 1");
        // a short allocation length cuts the data
        FakeScsiTask cut = receiveCopyResults(0x04, 3, 8);
        assertEquals(8, run(a, cut));
    }

    @Test
    void aListStillBeingCopiedIsInProgress() throws Exception {
        DiskUnit a = disk(NAA_A, 512, 1 << 20);
        java.util.concurrent.CompletableFuture<Void> held = slowDisk(NAA_B);
        byte[] l = list(5, 0b00, targets(target(NAA_A, 512), target(NAA_B, 512)), segment(false, 0, 1, 1, 0, 0));
        java.util.concurrent.CompletionStage<?> first = DiskTestBase.start(a, xcopy(l));
        FakeScsiTask t = receiveCopyResults(0x00, 5, 1024);
        assertArrayEquals(new byte[] {0, 0, 0, 8, 0x00, 0, 0, 0, 0, 0, 0, 0}, t.dataInBytes(run(a, t)), "in progress");
        FakeScsiTask f = receiveCopyResults(0x04, 5, 1024);
        assertArrayEquals(new byte[4], f.dataInBytes(run(a, f)), "no details while it runs");
        assertParameterField(fails(a, xcopy(l)), 0x00, 0x16, 0, -1);
        // the same list identifier from another nexus is another list
        FakeScsiTask other = from(xcopy(l), "iqn.x,i,0x02");
        java.util.concurrent.CompletionStage<?> second = DiskTestBase.start(a, other);
        held.complete(null);
        first.toCompletableFuture().join();
        second.toCompletableFuture().join();
        FakeScsiTask done = receiveCopyResults(0x00, 5, 1024);
        assertEquals(0x01, done.dataInBytes(run(a, done))[4]);
        // a finished list identifier may be used again
        run(a, xcopy(l));
        assertLeasesClosed(6);
    }

    // ---- errors before any segment is processed

    @Test
    void extendedCopyCdbFields() throws Exception {
        DiskUnit a = disk(NAA_A, 512, 1 << 20);
        byte[] l = list(0, 0b11, targets(target(NAA_A, 512)));
        DiskTestBase.invalidField(1, 4, () -> run(a, xcopy(l).withCdbByte(1, 0x01)));
        DiskTestBase.invalidField(2, -1, () -> run(a, xcopy(l).withCdbByte(2, 1)));
        DiskTestBase.invalidField(14, -1, () -> run(a, xcopy(l).withCdbByte(14, 1)));
        DiskTestBase.invalidField(15, 2, () -> run(a, xcopy(l).withCdbByte(15, 0x04)));
        // shorter than the header, longer than the header and every descriptor allowed
        for (int n : new int[] {15, 16 + 4 * 32 + 16 * 28 + 1}) {
            Sense s = fails(a, xcopy(new byte[0], n));
            assertSense(s, SenseKey.ILLEGAL_REQUEST, 0x1A, 0x00);
            org.jstgt.testkit.Sense x = org.jstgt.testkit.Sense.of(s);
            assertTrue(x.fieldInCdb());
            assertEquals(10, x.fieldPointer());
        }
        assertLeasesClosed(0);
    }

    @Test
    void listsLongerThanWhatWasSentOrAllowed() throws Exception {
        DiskUnit a = disk(NAA_A, 512, 1 << 20);
        byte[] l = list(0, 0b11, targets(target(NAA_A, 512)), segment(false, 0, 0, 1, 0, 1));
        // the lists reach past PARAMETER LIST LENGTH (libiscsi ExtendedCopy.ParamHdr)
        assertSense(fails(a, xcopy(java.util.Arrays.copyOf(l, 16 + 31))), SenseKey.ILLEGAL_REQUEST, 0x1A, 0);
        assertSense(fails(a, xcopy(java.util.Arrays.copyOf(l, l.length - 1))), SenseKey.ILLEGAL_REQUEST, 0x1A, 0);
        // descriptor lists over MAXIMUM DESCRIPTOR LIST LENGTH, though each count is within bounds
        byte[][] segs = new byte[16][];
        java.util.Arrays.fill(segs, segment(false, 0, 0, 1, 0, 1));
        byte[] t = target(NAA_A, 512);
        byte[] over = list(0, 0b11, targets(t, t, t, t), segs);
        ByteBuffer.wrap(over).putShort(2, (short) (4 * 32 + 4));
        assertSense(fails(a, xcopy(java.util.Arrays.copyOf(over, over.length + 4))), SenseKey.ILLEGAL_REQUEST, 0x1A, 0);
        // a target descriptor list that is not whole descriptors
        byte[] ragged = list(0, 0b11, targets(t));
        ByteBuffer.wrap(ragged).putShort(2, (short) 31);
        assertSense(fails(a, xcopy(ragged)), SenseKey.ILLEGAL_REQUEST, 0x1A, 0);
        assertLeasesClosed(0);
    }

    @Test
    void tooManyDescriptors() throws Exception {
        DiskUnit a = disk(NAA_A, 512, 1 << 20);
        byte[] t = target(NAA_A, 512);
        byte[] s = segment(false, 0, 0, 1, 0, 1);
        assertSense(fails(a, xcopy(list(0, 0b11, targets(t, t, t, t, t), s))), SenseKey.ILLEGAL_REQUEST, 0x26, 0x06);
        byte[][] segs = new byte[17][];
        java.util.Arrays.fill(segs, s);
        assertSense(fails(a, xcopy(list(0, 0b11, targets(t), segs))), SenseKey.ILLEGAL_REQUEST, 0x26, 0x08);
        // the limits themselves are accepted
        run(a, xcopy(list(0, 0b11, targets(t, t, t, t), java.util.Arrays.copyOf(segs, 16))));
        assertLeasesClosed(1);
    }

    /** libiscsi ExtendedCopy.DescrLimits: one over each limit that OPERATING PARAMETERS reports. */
    @Test
    void oneOverEachReportedLimit() throws Exception {
        DiskUnit a = disk(NAA_A, 512, 1 << 20);
        FakeScsiTask op = receiveCopyResults(0x03, 0, 1024);
        ByteBuffer p = ByteBuffer.wrap(op.dataInBytes(run(a, op)));
        int maxTargets = p.getShort(8);
        int maxSegments = p.getShort(10);
        int maxListLength = p.getInt(12);
        byte[] t = target(NAA_A, 512);
        byte[] s = segment(false, 0, 0, 1, 0, 1);
        byte[][] ts = new byte[maxTargets + 1][];
        java.util.Arrays.fill(ts, t);
        byte[][] ss = new byte[maxSegments + 1][];
        java.util.Arrays.fill(ss, s);
        assertSense(fails(a, xcopy(list(1, 0, List.of(ts), s))), SenseKey.ILLEGAL_REQUEST, 0x26, 0x06);
        assertSense(fails(a, xcopy(list(2, 0, List.of(t), ss))), SenseKey.ILLEGAL_REQUEST, 0x26, 0x08);
        // over MAXIMUM DESCRIPTOR LIST LENGTH with the extra target descriptor too: the length wins
        int segments = (maxListLength + 28 - (maxTargets + 1) * 32) / 28 + 1;
        byte[][] many = new byte[segments][];
        java.util.Arrays.fill(many, s);
        assertSense(fails(a, xcopy(list(3, 0, List.of(ts), many))), SenseKey.ILLEGAL_REQUEST, 0x1A, 0x00);
        assertLeasesClosed(0);
    }

    @Test
    void unsupportedDescriptorTypes() throws Exception {
        DiskUnit a = disk(NAA_A, 512, 1 << 20);
        byte[] fc = target(NAA_A, 512);
        fc[0] = (byte) 0xE0;
        byte[] good = target(NAA_A, 512);
        assertParameterField(fails(a, xcopy(list(0, 0b11, targets(good, fc), segment(false, 0, 0, 1, 0, 1)))),
                0x26, 0x07, 16 + 32, -1);
        // stream to stream (03h), 20 bytes
        ByteBuffer streams = ByteBuffer.allocate(20).put(0, (byte) 0x03).putShort(2, (short) 16);
        assertParameterField(fails(a, xcopy(list(0, 0b11, targets(good), segment(false, 0, 0, 1, 0, 1),
                streams.array()))), 0x26, 0x09, 16 + 32 + 28, -1);
        assertLeasesClosed(0);
    }

    @Test
    void invalidFieldsInTheParameterList() throws Exception {
        DiskUnit a = disk(NAA_A, 512, 1 << 20);
        byte[] t = target(NAA_A, 512);
        byte[] s = segment(false, 0, 0, 1, 0, 1);
        byte[] l = list(0, 0b11, targets(t), s);
        // header: reserved bits of byte 1, LIST ID USAGE 01b, reserved bytes 4-7, inline data
        assertParameterField(fails(a, xcopy(with(l, 1, 0x40 | 0x18))), 0x26, 0x00, 1, 6);
        assertParameterField(fails(a, xcopy(with(l, 1, 0x08))), 0x26, 0x00, 1, 4);
        assertParameterField(fails(a, xcopy(with(l, 5, 1))), 0x26, 0x00, 5, -1);
        assertParameterField(fails(a, xcopy(with(l, 15, 4))), 0x26, 0x00, 12, -1);
        // CSCD descriptor: PERIPHERAL DEVICE TYPE, ASSOCIATION, CODE SET, DESIGNATOR LENGTH
        assertParameterField(fails(a, xcopy(with(l, 16 + 1, 0x01))), 0x26, 0x00, 17, 4);
        assertParameterField(fails(a, xcopy(with(l, 16 + 5, 0x13))), 0x26, 0x00, 21, 5);
        assertParameterField(fails(a, xcopy(with(l, 16 + 4, 0x02))), 0x26, 0x00, 20, 3);
        assertParameterField(fails(a, xcopy(with(l, 16 + 7, 16))), 0x26, 0x00, 23, -1);
        // segment descriptor: DESCRIPTOR LENGTH, reserved bits of byte 1
        assertParameterField(fails(a, xcopy(with(l, 48 + 3, 0x14))), 0x26, 0x00, 50, -1);
        assertParameterField(fails(a, xcopy(with(l, 48 + 1, 0x04))), 0x26, 0x00, 49, 2);
        // SPC-4: LU ID TYPE is ignored (libiscsi ExtendedCopy.ValidTgtDescr), so is PRIORITY
        run(a, xcopy(with(with(l, 16 + 1, 0x80), 1, 0x18 | 0x07)));
        assertLeasesClosed(1);
    }

    @Test
    void diskBlockLengthMustBeTheUnits() throws Exception {
        DiskUnit a = disk(NAA_A, 512, 1 << 20);
        disk(NAA_C, 4096, 1 << 20);
        Sense s = fails(a, xcopy(list(0, 0b11, targets(target(NAA_A, 512), target(NAA_C, 512)),
                segment(false, 0, 1, 8, 0, 0))));
        assertParameterField(s, 0x26, 0x00, 16 + 32 + 29, -1);
        assertLeasesClosed(2);
    }

    @Test
    void aDesignatorOfNoUnitOfTheTargetIsNotReachable() throws Exception {
        DiskUnit a = disk(NAA_A, 512, 1 << 20);
        Sense s = fails(a, xcopy(list(0, 0b11, targets(target(NAA_A, 512), target(NAA_ELSEWHERE, 512)),
                segment(false, 0, 1, 1, 0, 0))));
        assertSense(s, SenseKey.COPY_ABORTED, 0x0D, 0x02);
        // a 16-byte NAA 6h designator: no unit of ours has one
        byte[] naa6 = new byte[32];
        naa6[0] = (byte) 0xE4;
        naa6[4] = 0x01;
        naa6[5] = 0x03;
        naa6[7] = 16;
        naa6[8] = 0x60;
        naa6[30] = 0x02;
        assertSense(fails(a, xcopy(list(0, 0b11, targets(naa6), segment(false, 0, 0, 1, 0, 1)))),
                SenseKey.COPY_ABORTED, 0x0D, 0x02);
        assertLeasesClosed(1);
    }

    @Test
    void aUnitThatIsNotADiskIsTheWrongType() throws Exception {
        DiskUnit a = disk(NAA_A, 512, 1 << 20);
        luns.units.put(NAA_B, new NotADisk());
        assertSense(fails(a, xcopy(list(0, 0b11, targets(target(NAA_A, 512), target(NAA_B, 512)),
                segment(false, 0, 1, 1, 0, 0)))), SenseKey.COPY_ABORTED, 0x0D, 0x03);
        assertLeasesClosed(2);
    }

    // ---- errors while segments are processed

    @Test
    void aSegmentNamingNoDescriptorAbortsTheCopyThere() throws Exception {
        DiskUnit a = disk(NAA_A, 512, 1 << 20);
        byte[] data = pattern(512, 1);
        fill(a, 0, data);
        Sense s = fails(a, xcopy(list(0, 0b11, targets(target(NAA_A, 512)), segment(false, 0, 0, 1, 0, 9),
                segment(false, 0, 1, 1, 0, 10))));
        assertSense(s, SenseKey.COPY_ABORTED, 0x0D, 0x02);
        assertEquals(1L, s.commandSpecific(), "segment number");
        assertArrayEquals(data, read(a, 9, 1), "segment 0 was done");
        assertLeasesClosed(1);
    }

    @Test
    void aSegmentOutsideAUnitAbortsTheCopy() throws Exception {
        DiskUnit a = disk(NAA_A, 512, 1 << 20);
        DiskUnit b = disk(NAA_B, 512, 64 << 10);
        long last = (1 << 20) / 512 - 1;
        List<byte[]> ab = targets(target(NAA_A, 512), target(NAA_B, 512));
        // past the destination's end (libiscsi ExtendedCopy.ValidSegDescr), past the source's end
        Sense s = fails(a, xcopy(list(0, 0b11, ab, segment(false, 0, 1, 2, 0, 127))));
        assertSense(s, SenseKey.COPY_ABORTED, 0x00, 0x00);
        assertEquals(0L, s.commandSpecific());
        s = fails(a, xcopy(list(0, 0b11, ab, segment(false, 0, 1, 1, 0, 0), segment(false, 0, 1, 2, last, 0))));
        assertSense(s, SenseKey.COPY_ABORTED, 0x00, 0x00);
        assertEquals(1L, s.commandSpecific());
        // an LBA near 2^64 does not wrap
        s = fails(a, xcopy(list(0, 0b11, ab, segment(false, 0, 1, 2, -1L, 0))));
        assertSense(s, SenseKey.COPY_ABORTED, 0x00, 0x00);
        // the last block of each is inside
        run(a, xcopy(list(0, 0b11, ab, segment(false, 0, 1, 1, last, 127))));
        assertEquals(128, b.capacity());
        assertLeasesClosed(8);
    }

    @Test
    void aReadOnlyDestinationIsWriteProtected() throws Exception {
        DiskUnit a = disk(NAA_A, 512, 1 << 20);
        RecordingStore ro = new RecordingStore(1 << 20);
        disk(NAA_B, 512, 1 << 20, true, ro);
        Sense s = fails(a, xcopy(list(0, 0b11, targets(target(NAA_A, 512), target(NAA_B, 512)),
                segment(false, 1, 0, 1, 0, 0), segment(false, 0, 1, 1, 0, 0))));
        assertSense(s, SenseKey.DATA_PROTECT, 0x27, 0x00);
        assertEquals(1L, s.commandSpecific());
        assertEquals(List.of("read"), ro.ops(), "copied from, never written");
        assertLeasesClosed(2);
    }

    @Test
    void aSegmentLongerThanTheMaximumSegmentLength() throws Exception {
        DiskUnit big = disk(NAA_C, 4096, 512L << 20);
        // 65535 blocks of 4096 bytes: 256 MiB
        Sense s = fails(big, xcopy(list(0, 0b11, targets(target(NAA_C, 4096)),
                segment(false, 0, 0, 0xFFFF, 0, 0x10000))));
        assertSense(s, SenseKey.COPY_ABORTED, 0x26, 0x00);
        assertEquals(0L, s.commandSpecific());
        assertLeasesClosed(1);
    }

    @Test
    void aStoreErrorAbortsTheCopyWithItsCode() throws Exception {
        RecordingStore as = new RecordingStore(1 << 20);
        DiskUnit a = disk(NAA_A, 512, 1 << 20, false, as);
        disk(NAA_B, 512, 1 << 20);
        as.failWith(new IOException("EIO"));
        Sense s = fails(a, xcopy(list(0, 0b11, targets(target(NAA_A, 512), target(NAA_B, 512)),
                segment(false, 0, 1, 4, 0, 0))));
        assertSense(s, SenseKey.COPY_ABORTED, 0x11, 0x00);
        assertEquals(0L, s.commandSpecific());
        assertLeasesClosed(2);
    }

    @Test
    void copiesBeyondTheConcurrentCopiesWaitTheirTurn() throws Exception {
        DiskUnit a = disk(NAA_A, 512, 1 << 20);
        // a destination whose writes do not complete yet holds each copy open
        java.util.concurrent.CompletableFuture<Void> held = slowDisk(NAA_B);
        byte[] l = list(0, 0b11, targets(target(NAA_A, 512), target(NAA_B, 512)), segment(false, 0, 1, 1, 0, 0));
        List<java.util.concurrent.CompletableFuture<?>> copies = new ArrayList<>();
        for (int i = 0; i < Xcopy.MAX_CONCURRENT_COPIES + 2; i++) {
            copies.add(DiskTestBase.start(a, xcopy(l)).toCompletableFuture());
        }
        // the two beyond the limit hold no lease while they wait, and are not refused
        assertEquals(2 * Xcopy.MAX_CONCURRENT_COPIES, luns.opened.get());
        assertTrue(copies.stream().noneMatch(java.util.concurrent.CompletableFuture::isDone));
        held.complete(null);
        for (java.util.concurrent.CompletableFuture<?> c : copies) {
            c.join();
        }
        assertLeasesClosed(2 * (Xcopy.MAX_CONCURRENT_COPIES + 2));
    }

    @Test
    void aSlotGoesToTheNextWaiterOnItsOwnExecutor() throws Exception {
        XcopySlots slots = new XcopySlots(1);
        assertTrue(slots.acquire(DIRECT).toCompletableFuture().isDone());
        List<Runnable> loopA = new ArrayList<>();
        java.util.concurrent.CompletableFuture<Void> second = slots.acquire(loopA::add).toCompletableFuture();
        Executor stopped = r -> {
            throw new java.util.concurrent.RejectedExecutionException("stopped");
        };
        java.util.concurrent.CompletableFuture<Void> third = slots.acquire(stopped).toCompletableFuture();
        java.util.concurrent.CompletableFuture<Void> fourth = slots.acquire(DIRECT).toCompletableFuture();
        slots.release();
        assertFalse(second.isDone(), "resumes on its executor, not the releasing thread");
        loopA.forEach(Runnable::run);
        assertTrue(second.isDone());
        slots.release();
        // the third's executor is gone: it fails and the fourth gets the slot
        assertTrue(third.isCompletedExceptionally());
        assertTrue(fourth.isDone() && !fourth.isCompletedExceptionally());
        assertEquals(1, slots.used());
        slots.release();
        assertEquals(0, slots.used());
    }
}
