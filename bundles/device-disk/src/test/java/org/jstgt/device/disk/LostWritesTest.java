package org.jstgt.device.disk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;

import org.jstgt.api.scsi.CommandResult;
import org.jstgt.api.scsi.ScsiException;
import org.jstgt.api.scsi.SenseData;
import org.jstgt.api.scsi.SenseReason;
import org.jstgt.api.store.StoreCapability;
import org.jstgt.scsi.spc.StoreCalls;
import org.jstgt.testkit.FakeScsiTask;
import org.jstgt.testkit.RecordingStore;
import org.jstgt.testkit.Sense;
import org.junit.jupiter.api.Test;

/**
 * A failed flush is never forgotten: an IMMED one becomes a deferred error for its nexus, and every
 * later flush and durable write fails although the store would now say yes.
 */
class LostWritesTest extends DiskTestBase {
    private static final String OTHER = "iqn.2026-11.org.jstgt:other";

    private static FakeScsiTask fromOther(FakeScsiTask t) {
        return t.toBuilder().initiator(OTHER, OTHER + ",i,0x000000000002").build();
    }

    private static FakeScsiTask testUnitReady() {
        return FakeScsiTask.of(0x00, 0, 0, 0, 0, 0);
    }

    @Test
    void anImmedFlushThatFailsIsADeferredErrorOnTheNextCommandOfItsNexus() throws Exception {
        CompletableFuture<Void> flush = new CompletableFuture<>();
        RecordingStore s = new RecordingStore(MIB, StoreCapability.FLUSH).holdFlushes(flush);
        DiskUnit u = unit(s);
        CompletionStage<CommandResult> done = start(u, cdb10(0x35, 0x02, 0, 0));
        assertEquals(CommandResult.good(), done.toCompletableFuture().getNow(null), "GOOD before the flush ends");
        flush.completeExceptionally(new IOException("Input/output error"));
        s.holdFlushes(null);

        assertEquals(0, run(u, fromOther(testUnitReady())), "another nexus is not told");
        assertEquals(36, run(u, FakeScsiTask.of(0x12, 0, 0, 0, 36, 0)), "INQUIRY answers as usual");
        int before = s.ops().size();
        ScsiException e = expect(SenseReason.WRITE_ERROR, () -> run(u, withData(cdb10(0x2A, 0, 0, 1), pattern(512, 1))));
        assertTrue(e.sense().deferred(), e.getMessage());
        assertEquals(0x73, Sense.of(e.sense()).responseCode(), "descriptor format, deferred");
        assertEquals(0x71, SenseData.fixed(e.sense())[0] & 0x7F, "fixed format, deferred");
        assertEquals(before, s.ops().size(), "the command that reported it was not processed");
        assertEquals(0, run(u, testUnitReady()), "reported once");

        ScsiException now = expect(SenseReason.WRITE_ERROR, () -> run(u, cdb10(0x35, 0x02, 0, 0)));
        assertFalse(now.sense().deferred(), "a later IMMED fails at once, as a current error");
    }

    @Test
    void aFailedFlushFailsEveryLaterFlushAndDurableWriteWhileTheStoreSaysYes() throws Exception {
        RecordingStore s = new RecordingStore(MIB, StoreCapability.FLUSH, StoreCapability.FUA);
        DiskUnit u = unit(s);
        s.failWith(new IOException("Input/output error"));
        expect(SenseReason.WRITE_ERROR, () -> run(u, cdb10(0x35, 0, 0, 0)));
        s.failWith(null);
        int before = s.ops().size();
        expect(SenseReason.WRITE_ERROR, () -> run(u, cdb16(0x91, 0, 0, 0)));
        // START STOP UNIT with START 0 and NO_FLUSH 0 flushes
        expect(SenseReason.WRITE_ERROR, () -> run(u, FakeScsiTask.of(0x1B, 0, 0, 0, 0x00, 0)));
        // WRITE(10) with FUA, WRITE AND VERIFY(10), READ(10) with FUA (which flushes first)
        expect(SenseReason.WRITE_ERROR, () -> run(u, withData(cdb10(0x2A, 0x08, 0, 1), pattern(512, 2))));
        expect(SenseReason.WRITE_ERROR, () -> run(u, withData(cdb10(0x2E, 0, 0, 1), pattern(512, 3))));
        expect(SenseReason.WRITE_ERROR, () -> run(u, cdb10(0x28, 0x08, 0, 1)));
        assertEquals(before, s.ops().size(), "none of them reached the store");
        assertEquals(0, run(u, withData(cdb10(0x2A, 0, 0, 1), pattern(512, 4))), "plain writes go on");
        assertEquals(512, run(u, cdb10(0x28, 0, 0, 1)), "reads go on");
        assertEquals(List.of("write", "read"), s.ops().subList(before, s.ops().size()));
        assertEquals(0, run(unit(s), cdb10(0x35, 0, 0, 0)), "a reopened LUN (a new unit) flushes again");
    }

    @Test
    void theFlushAfterAWriteTheStoreCannotForceSticksToo() throws Exception {
        RecordingStore s = new RecordingStore(MIB, StoreCapability.FLUSH);
        DiskUnit u = unit(s);
        CompletableFuture<Void> flush = new CompletableFuture<>();
        s.holdFlushes(flush);
        CompletionStage<CommandResult> done = start(u, withData(cdb10(0x2A, 0x08, 8, 1), pattern(512, 5)));
        flush.completeExceptionally(new IOException("Input/output error"));
        CompletionException failed = assertThrows(CompletionException.class, () -> done.toCompletableFuture().join());
        expect(SenseReason.WRITE_ERROR, () -> {
            throw StoreCalls.unwrap(failed);
        });
        s.holdFlushes(null);
        expect(SenseReason.WRITE_ERROR, () -> run(u, cdb10(0x35, 0, 0, 0)));
    }
}
