package org.jstgt.device.disk;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import org.jstgt.api.scsi.DataDirection;
import org.jstgt.api.scsi.SenseReason;
import org.jstgt.testkit.FakeScsiTask;
import org.jstgt.testkit.RecordingStore;
import org.junit.jupiter.api.Test;

/** GET LBA STATUS: descriptors from the store's extents, in blocks. */
class GetLbaStatusTest extends DiskTestBase {

    static FakeScsiTask getLbaStatus(long lba, long allocation) {
        return cdb16(0x9E, 0x12, lba, allocation);
    }

    /** @return "lba+blocks:status" per descriptor, after checking PARAMETER DATA LENGTH */
    static List<String> descriptors(byte[] data) {
        ByteBuffer b = ByteBuffer.wrap(data);
        assertEquals(data.length - 4, b.getInt(0), "PARAMETER DATA LENGTH");
        List<String> d = new ArrayList<>();
        for (int p = 8; p + 16 <= data.length; p += 16) {
            d.add(b.getLong(p) + "+" + b.getInt(p + 8) + ":" + b.get(p + 12));
        }
        return d;
    }

    private DiskUnit unit(HeldStore s) throws Exception {
        return DiskUnit.create(spec(512, false, Map.of()), s, workers);
    }

    private static List<String> status(DiskUnit u, long lba, int allocation) throws Exception {
        FakeScsiTask t = getLbaStatus(lba, allocation);
        return descriptors(t.dataInBytes(run(u, t)));
    }

    @Test
    void aStoreWithoutHolesIsMappedThroughout() throws Exception {
        DiskUnit u = unit(new RecordingStore(MIB));
        FakeScsiTask t = getLbaStatus(0, 4096);
        assertEquals(DataDirection.IN, u.parse(t).direction());
        assertEquals(4096, u.parse(t).transferLength());
        assertEquals(List.of("0+2048:0"), descriptors(t.dataInBytes(run(u, t))));
        assertEquals(List.of("2047+1:0"), status(u, 2047, 4096));
    }

    /**
     * A hole of bytes 700..2699 with 512-byte blocks: blocks 1 and 5 hold mapped bytes too, so
     * only 2-4 are deallocated; extents cut at 1000 bytes are joined again.
     */
    @Test
    void unalignedExtentsAreCountedInWholeBlocks() throws Exception {
        HeldStore s = new HeldStore(64 * 512).hole(700, 2000).maxExtent(1000);
        DiskUnit u = unit(s);
        assertEquals(List.of("0+2:0", "2+3:1", "5+59:0"), status(u, 0, 1024));
        // only the first descriptor starts at the starting LBA
        assertEquals(List.of("3+2:1", "5+59:0"), status(u, 3, 1024));
        assertEquals(List.of("1+1:0", "2+3:1", "5+59:0"), status(u, 1, 1024));
    }

    @Test
    void holesThatMeetInsideABlockDeallocateIt() throws Exception {
        HeldStore s = new HeldStore(16 * 512).hole(0, 300).hole(300, 1236).hole(4096, 100);
        DiskUnit u = unit(s);
        // bytes 0..1535 are a hole in two pieces: blocks 0-2; block 8 keeps mapped bytes after 4195
        assertEquals(List.of("0+3:1", "3+13:0"), status(u, 0, 1024));
    }

    @Test
    void aStoreThatAnswersLaterGivesTheSameDescriptors() throws Exception {
        ExecutorService later = Executors.newSingleThreadExecutor();
        try {
            HeldStore s = new HeldStore(64 * 512).hole(1024, 4096).completeOn(later).maxExtent(512);
            DiskUnit u = unit(s);
            assertEquals(List.of("0+2:0", "2+8:1", "10+54:0"), status(u, 0, 1024));
        } finally {
            later.shutdownNow();
        }
    }

    @Test
    void theAllocationLengthBoundsTheDescriptors() throws Exception {
        HeldStore s = new HeldStore(64 * 512).hole(1024, 1024).hole(4096, 1024);
        DiskUnit u = unit(s);
        assertEquals(List.of("0+2:0"), status(u, 0, 24));
        assertEquals(List.of("0+2:0", "2+2:1"), status(u, 0, 40));
        assertEquals(List.of("0+2:0", "2+2:1", "4+4:0", "8+2:1", "10+54:0"), status(u, 0, 4096));
        // shorter than one descriptor: the data is cut, not refused
        FakeScsiTask t = getLbaStatus(0, 12);
        assertEquals(12, run(u, t));
        assertArrayEquals(new byte[] {0, 0, 0, 20, 0, 0, 0, 0, 0, 0, 0, 0}, t.dataInBytes(12));
        FakeScsiTask none = getLbaStatus(0, 0);
        assertEquals(DataDirection.NONE, u.parse(none).direction());
        assertEquals(0, run(u, none));
    }

    @Test
    void startingLbaPastTheEndIsOutOfRange() throws Exception {
        DiskUnit u = unit(new RecordingStore(MIB));
        assertEquals(2048L, expect(SenseReason.LBA_OUT_OF_RANGE, () -> u.parse(getLbaStatus(2048, 24)))
                .sense().information());
        expect(SenseReason.LBA_OUT_OF_RANGE, () -> u.parse(getLbaStatus(-1L, 24)));
    }

    @Test
    void badFieldsAndDispatchBesideReadCapacity16() throws Exception {
        DiskUnit u = unit(new RecordingStore(MIB));
        invalidField(1, 7, () -> u.parse(cdb16(0x9E, 0x92, 0, 24)));
        invalidField(1, 5, () -> u.parse(cdb16(0x9E, 0x32, 0, 24)));
        invalidField(14, 0, () -> u.parse(getLbaStatus(0, 24).withCdbByte(14, 1)));
        invalidField(15, 2, () -> u.parse(getLbaStatus(0, 24).withCdbByte(15, 4)));
        // READ CAPACITY(16) shares the opcode
        FakeScsiTask rc = cdb16(0x9E, 0x10, 0, 32);
        assertEquals(32, run(u, rc));
        invalidField(1, 4, () -> u.parse(cdb16(0x9E, 0x13, 0, 32)));
    }
}
