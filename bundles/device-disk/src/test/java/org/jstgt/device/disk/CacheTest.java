package org.jstgt.device.disk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import org.jstgt.api.scsi.CommandResult;
import org.jstgt.api.scsi.DataDirection;
import org.jstgt.api.scsi.SenseReason;
import org.jstgt.api.store.StoreCapability;
import org.jstgt.testkit.FakeScsiTask;
import org.jstgt.testkit.RecordingStore;
import org.junit.jupiter.api.Test;

/** SYNCHRONIZE CACHE(10)/(16) and PRE-FETCH(10)/(16). */
class CacheTest extends DiskTestBase {
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

    /** libiscsi PreFetch10/16 Simple, BeyondEol, ZeroBlocks and Flags: GOOD in range, LBA OUT OF RANGE beyond. */
    @Test
    void preFetchChecksTheRangeAndAnswersGood() throws Exception {
        RecordingStore s = new RecordingStore(MIB);
        DiskUnit u = unit(s);
        for (FakeScsiTask t : new FakeScsiTask[] {cdb10(0x34, 0, 0, 256), cdb10(0x34, 0, 2047, 1), cdb10(0x34, 0, 0, 0),
            cdb16(0x90, 0x02, 2040, 8), cdb16(0x90, 0, 2048, 0), cdb10(0x34, 0x02, 0, 1).withCdbByte(6, 3),
            cdb10(0x34, 0x01, 0, 1)}) {
            assertEquals(DataDirection.NONE, u.parse(t).direction());
            assertEquals(0, run(u, t));
        }
        assertTrue(s.calls().isEmpty());
        assertEquals(2047L, expect(SenseReason.LBA_OUT_OF_RANGE, () -> u.parse(cdb10(0x34, 0, 2047, 2)))
                .sense().information());
        expect(SenseReason.LBA_OUT_OF_RANGE, () -> u.parse(cdb10(0x34, 0, 2049, 0)));
        expect(SenseReason.LBA_OUT_OF_RANGE, () -> u.parse(cdb10(0x34, 0, 0x8000_0000L, 0)));
        expect(SenseReason.LBA_OUT_OF_RANGE, () -> u.parse(cdb16(0x90, 0, -1L, 0)));
        expect(SenseReason.LBA_OUT_OF_RANGE, () -> u.parse(cdb16(0x90, 0, 2048, 1)));
    }

    @Test
    void preFetchBadFields() throws Exception {
        DiskUnit u = unit(new RecordingStore(MIB));
        for (int bit = 7; bit >= 2; bit--) {
            int flags = 1 << bit;
            invalidField(1, bit, () -> u.parse(cdb10(0x34, flags, 0, 1)));
            invalidField(1, bit, () -> u.parse(cdb16(0x90, flags, 0, 1)));
        }
        invalidField(9, 2, () -> u.parse(cdb10(0x34, 0, 0, 1).withCdbByte(9, 4)));
        invalidField(15, 0, () -> u.parse(cdb16(0x90, 0, 0, 1).withCdbByte(15, 1)));
    }
}
