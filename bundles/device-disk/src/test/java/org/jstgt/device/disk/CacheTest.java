package org.jstgt.device.disk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import org.jstgt.api.scsi.CommandResult;
import org.jstgt.api.scsi.SenseReason;
import org.jstgt.api.store.StoreCapability;
import org.jstgt.testkit.FakeScsiTask;
import org.jstgt.testkit.RecordingStore;
import org.junit.jupiter.api.Test;

/** SYNCHRONIZE CACHE(10)/(16). */
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
}
