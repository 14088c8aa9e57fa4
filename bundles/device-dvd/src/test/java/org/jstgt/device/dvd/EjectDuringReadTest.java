package org.jstgt.device.dvd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;

import org.jstgt.api.media.MediumOpener;
import org.jstgt.api.scsi.CommandResult;
import org.jstgt.api.store.BackingStore;
import org.jstgt.api.store.StoreCapability;
import org.jstgt.testkit.FakeScsiTask;
import org.junit.jupiter.api.Test;

/** A read in flight keeps its image open across an eject and a medium change. */
class EjectDuringReadTest extends DvdTestBase {

    /** An image whose reads complete when the test says so. */
    static final class HeldStore implements BackingStore {
        final byte[] bytes;
        final CompletableFuture<Void> release = new CompletableFuture<>();
        volatile boolean closed;

        HeldStore(byte[] bytes) {
            this.bytes = bytes;
        }

        @Override
        public long size() {
            return bytes.length;
        }

        @Override
        public boolean readOnly() {
            return true;
        }

        @Override
        public Set<StoreCapability> capabilities() {
            return EnumSet.noneOf(StoreCapability.class);
        }

        @Override
        public CompletionStage<Void> read(long offset, ByteBuffer dst, Executor completion) {
            return release.thenRun(() -> {
                if (closed) {
                    throw new IllegalStateException("read after close");
                }
                dst.put(bytes, (int) offset, dst.remaining());
            });
        }

        @Override
        public CompletionStage<Void> write(long offset, ByteBuffer src, boolean fua, Executor completion) {
            return CompletableFuture.failedFuture(new UnsupportedOperationException());
        }

        @Override
        public CompletionStage<Void> flush(Executor completion) {
            return CompletableFuture.completedFuture(null);
        }

        @Override
        public String describe() {
            return "held";
        }

        @Override
        public void close() {
            closed = true;
        }
    }

    @Test
    void ejectAndReconfigureWhileAReadIsInFlight() throws Exception {
        byte[] bytes = new byte[8 * BLOCK];
        new java.util.Random(9).nextBytes(bytes);
        HeldStore held = new HeldStore(bytes);
        Path other = iso("other.iso", 4, 2);
        MediumOpener media = (type, spec) -> spec.path().equals("/held.iso") ? CompletableFuture.completedFuture(held)
                : opener.open(type, spec);
        DvdUnit u = DvdUnit.create(spec("/held.iso"), media, events, workers, new TrayFile(null, "cd0", workers), "L");
        FakeScsiTask read = read10(2, 3);
        CompletableFuture<CommandResult> inFlight = u.parse(read).execute(read).toCompletableFuture();
        assertFalse(inFlight.isDone());

        assertEquals(0, run(u, startStop(false, true, false)));
        expect(Tray.TRAY_OPEN, () -> run(u, tur()));
        assertFalse(held.closed, "the read still holds the image");
        assertTrue(u.reconfigure(spec(other.toString())));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (u.tray().peek() == null && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertEquals(3, u32(data(u, readCapacity()), 0), "the new disc serves new commands");
        assertFalse(held.closed);

        held.release.complete(null);
        assertEquals(3 * BLOCK, inFlight.get(10, TimeUnit.SECONDS).dataInLength());
        assertArrayEquals(Arrays.copyOfRange(bytes, 2 * BLOCK, 5 * BLOCK), read.dataInBytes(3 * BLOCK));
        deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!held.closed && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertTrue(held.closed, "the last reference closed the image");
    }
}
