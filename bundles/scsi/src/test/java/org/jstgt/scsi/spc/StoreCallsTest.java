package org.jstgt.scsi.spc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import org.jstgt.api.scsi.ScsiException;
import org.jstgt.api.scsi.SenseReason;
import org.jstgt.api.store.NoSpaceException;
import org.jstgt.api.store.StoreCapability;
import org.jstgt.testkit.RecordingStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class StoreCallsTest {
    private static final Executor LOOP = Runnable::run;
    private final ExecutorService workers = Executors.newSingleThreadExecutor(r -> new Thread(r, "test-worker"));

    @AfterEach
    void stop() {
        workers.shutdownNow();
    }

    private static Throwable failure(CompletionStage<Void> s) {
        CompletionException e = assertThrows(CompletionException.class, () -> s.toCompletableFuture().join());
        return StoreCalls.unwrap(e);
    }

    private static void expect(SenseReason reason, CompletionStage<Void> s) {
        Throwable c = failure(s);
        assertTrue(c instanceof ScsiException, "a ScsiException, not " + c);
        assertTrue(((ScsiException) c).sense().is(reason), "expected " + reason + ", got " + c.getMessage());
    }

    @Test
    void mediaErrorsAreMediumErrorWithTheReadOrWriteCode() {
        RecordingStore s = new RecordingStore(1 << 20, StoreCapability.UNMAP);
        StoreCalls io = new StoreCalls(s, workers, "lun7");
        s.failWith(new IOException("EIO"));
        expect(SenseReason.UNRECOVERED_READ_ERROR, io.read(512, ByteBuffer.allocate(512), LOOP));
        expect(SenseReason.WRITE_ERROR, io.write(0, ByteBuffer.allocate(512), true, LOOP));
        expect(SenseReason.WRITE_ERROR, io.flush(LOOP));
        s.close();
        expect(SenseReason.WRITE_ERROR, io.unmap(0, 4096, LOOP));
    }

    /**
     * A store out of space is not a media error: writes, unmaps and zeroings get DATA PROTECT,
     * SPACE ALLOCATION FAILED WRITE PROTECT (27h/07h); a flush keeps WRITE ERROR (data already
     * acknowledged may be lost) and a read UNRECOVERED READ ERROR.
     */
    @Test
    void noSpaceIsSpaceAllocationFailedForCallsThatAllocate() {
        RecordingStore s = new RecordingStore(1 << 20, StoreCapability.UNMAP, StoreCapability.ZERO);
        StoreCalls io = new StoreCalls(s, workers, "lun7");
        s.failWith(new NoSpaceException("ENOSPC (no space left on device)"));
        expect(SenseReason.SPACE_ALLOCATION_FAILED_WRITE_PROTECT, io.write(0, ByteBuffer.allocate(512), false, LOOP));
        expect(SenseReason.SPACE_ALLOCATION_FAILED_WRITE_PROTECT, io.write(0, ByteBuffer.allocate(512), true, LOOP));
        expect(SenseReason.SPACE_ALLOCATION_FAILED_WRITE_PROTECT, io.zero(0, 4096, LOOP));
        expect(SenseReason.WRITE_ERROR, io.flush(LOOP));
        expect(SenseReason.UNRECOVERED_READ_ERROR, io.read(512, ByteBuffer.allocate(512), LOOP));
        expect(SenseReason.SPACE_ALLOCATION_FAILED_WRITE_PROTECT, io.unmap(0, 4096, LOOP));
        assertEquals(0x07, SenseReason.SPACE_ALLOCATION_FAILED_WRITE_PROTECT.sense().key().code());
        assertEquals(0x27, SenseReason.SPACE_ALLOCATION_FAILED_WRITE_PROTECT.sense().asc());
        assertEquals(0x07, SenseReason.SPACE_ALLOCATION_FAILED_WRITE_PROTECT.sense().ascq());
    }

    @Test
    void aMediaErrorIsLoggedOnceWithLunOperationOffsetAndLength() {
        RecordingStore s = new RecordingStore(1 << 20);
        StoreCalls io = new StoreCalls(s, workers, "lun7");
        s.failWith(new IOException("EIO"));
        PrintStream err = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            expect(SenseReason.UNRECOVERED_READ_ERROR, io.read(1536, ByteBuffer.allocate(1024), LOOP));
        } finally {
            System.setErr(err);
        }
        List<String> lines = captured.toString(StandardCharsets.UTF_8).lines()
                .filter(l -> l.contains(StoreCalls.class.getName())).toList();
        assertEquals(1, lines.size(), "logged once: " + lines);
        String line = lines.get(0);
        for (String part : new String[] {"LUN lun7", "read of 1024 bytes at offset 1536", "recording", "EIO"}) {
            assertTrue(line.contains(part), part + " in " + line);
        }
    }

    @Test
    void otherFailuresPassThroughUnchanged() {
        RecordingStore s = new RecordingStore(4096);
        StoreCalls io = new StoreCalls(s, workers, "lun7");
        // the store's range check: a caller bug, not a medium error
        Throwable c = failure(io.read(4096, ByteBuffer.allocate(512), LOOP));
        assertTrue(c instanceof IllegalArgumentException, c.toString());
        // a store without UNMAP
        assertTrue(failure(io.unmap(0, 512, LOOP)) instanceof UnsupportedOperationException);
    }

    @Test
    void aStoreThatDoesNotBlockIsCalledOnTheCallersThread() {
        RecordingStore s = new RecordingStore(4096);
        StoreCalls io = new StoreCalls(s, workers, "lun7");
        assertSame(s, io.store());
        io.write(0, ByteBuffer.allocate(512), false, LOOP).toCompletableFuture().join();
        io.read(0, ByteBuffer.allocate(512), LOOP).toCompletableFuture().join();
        assertEquals(List.of(Thread.currentThread().getName(), Thread.currentThread().getName()), s.threads());
    }

    @Test
    void aStoreThatBlocksIsCalledFromTheWorkers() {
        RecordingStore s = new RecordingStore(4096).blocking(true);
        StoreCalls io = new StoreCalls(s, workers, "lun7");
        io.write(0, ByteBuffer.allocate(512), false, LOOP).toCompletableFuture().join();
        io.read(0, ByteBuffer.allocate(512), LOOP).toCompletableFuture().join();
        assertEquals(List.of("test-worker", "test-worker"), s.threads());
    }

    /** The store contract holds through the workers too: the caller's continuation runs on its executor. */
    @Test
    void aBlockingStoresCallCompletesOnTheCallersExecutor() throws Exception {
        RecordingStore s = new RecordingStore(4096).blocking(true);
        StoreCalls io = new StoreCalls(s, workers, "lun7");
        ExecutorService loop = Executors.newSingleThreadExecutor(r -> new Thread(r, "the-loop"));
        java.util.concurrent.CountDownLatch held = new java.util.concurrent.CountDownLatch(1);
        try {
            // the worker is busy until the continuation is attached, so the store completes on it later
            workers.execute(() -> {
                try {
                    held.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            java.util.concurrent.CompletableFuture<String> on = io.read(0, ByteBuffer.allocate(512), loop)
                    .thenApply(v -> Thread.currentThread().getName()).toCompletableFuture();
            held.countDown();
            assertEquals("the-loop", on.get(5, java.util.concurrent.TimeUnit.SECONDS));
        } finally {
            loop.shutdownNow();
        }
    }

    @Test
    void workersThatRefuseTheCallMeanNotReady() {
        RecordingStore s = new RecordingStore(4096).blocking(true);
        StoreCalls io = new StoreCalls(s, workers, "lun7");
        workers.shutdown();
        expect(SenseReason.LOGICAL_UNIT_NOT_READY_CAUSE_NOT_REPORTABLE, io.read(0, ByteBuffer.allocate(512), LOOP));
        expect(SenseReason.LOGICAL_UNIT_NOT_READY_CAUSE_NOT_REPORTABLE, io.flush(LOOP));
        assertTrue(s.calls().isEmpty());
    }

    @Test
    void unwrapFindsTheCauseInsideWrappers() {
        IOException io = new IOException("EIO");
        assertSame(io, StoreCalls.unwrap(new CompletionException(new ExecutionException(io))));
        assertSame(io, StoreCalls.unwrap(io));
        CompletionException empty = new CompletionException("no cause", null);
        assertSame(empty, StoreCalls.unwrap(empty));
    }
}
