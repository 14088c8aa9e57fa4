package org.jstgt.testkit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

import org.jstgt.api.scsi.ScsiStatus;
import org.jstgt.api.scsi.TaskAttribute;
import org.jstgt.api.store.StoreCapability;
import org.jstgt.api.target.ScsiResult;
import org.jstgt.api.target.TargetRegistry;
import org.junit.jupiter.api.Test;

class FakesTest {

    @Test
    void ofPadsTheCdbTo16BytesAndUsesTheDefaults() {
        FakeScsiTask t = FakeScsiTask.of(0x12, 1, 0x83, 0x1FF);
        assertEquals(16, t.cdb().length());
        assertEquals(0xFF, t.cdb().u8(3), "only the low 8 bits of each int");
        assertEquals(0, t.lun());
        assertEquals(FakeScsiTask.DEFAULT_EXPECTED_TRANSFER_LENGTH, t.expectedTransferLength());
        assertEquals(TaskAttribute.SIMPLE, t.attribute());
        assertEquals(FakeScsiTask.INITIATOR_PORT_NAME, t.initiatorPortName());
        assertEquals(FakeScsiTask.TARGET_PORT_NAME, t.targetPortName());
        assertEquals(1, t.relativeTargetPortId());
        assertEquals(0, t.dataOut().remaining());
    }

    @Test
    void builderKeepsTheCdbLengthAndEverySetting() {
        FakeScsiTask t = FakeScsiTask.builder().cdb(Cdbs.reportLuns(0, 64)).lun(5).expectedTransferLength(64)
                .attribute(TaskAttribute.ORDERED).initiator("iqn.x:i", "iqn.x:i,i,0x1").target("iqn.x:t", "iqn.x:t,t,0x2")
                .relativeTargetPortId(2).targetPortGroup(9).build();
        assertEquals(12, t.cdb().length());
        assertEquals(5, t.lun());
        assertEquals(64, t.expectedTransferLength());
        assertEquals(TaskAttribute.ORDERED, t.attribute());
        assertEquals("iqn.x:i", t.initiatorName());
        assertEquals("iqn.x:t,t,0x2", t.targetPortName());
        assertEquals(9, t.targetPortGroup());
        FakeScsiTask c = t.withCdbByte(2, 0x02);
        assertEquals(2, c.cdb().u8(2));
        assertEquals(0, t.cdb().u8(2), "the original is unchanged");
        assertEquals(5, c.lun());
        assertThrows(IllegalArgumentException.class, () -> FakeScsiTask.builder().lun(16384));
        assertThrows(IllegalStateException.class, () -> FakeScsiTask.builder().build());
    }

    @Test
    void dataOutIsAFreshReadOnlyViewAtPositionZero() {
        FakeScsiTask t = FakeScsiTask.of(0x2A).withDataOut(new byte[] {1, 2, 3});
        ByteBuffer first = t.dataOut();
        first.get();
        assertEquals(0, t.dataOut().position());
        assertEquals(3, t.dataOut().remaining());
        assertTrue(t.dataOut().isReadOnly());
    }

    @Test
    void dataInIsAllocatedOnceAndReadBack() {
        FakeScsiTask t = FakeScsiTask.of(0x12);
        assertFalse(t.dataInAllocated());
        assertNull(t.dataInBuffer());
        assertThrows(IllegalStateException.class, () -> t.dataInBytes(1));
        t.dataIn(4).put(new byte[] {9, 8, 7});
        assertArrayEquals(new byte[] {9, 8}, t.dataInBytes(2));
        assertThrows(IllegalArgumentException.class, () -> t.dataInBytes(5));
        assertThrows(IllegalStateException.class, () -> t.dataIn(4));
    }

    @Test
    void recordingStoreIsSparseAndRecordsCalls() {
        RecordingStore s = new RecordingStore(1L << 40, StoreCapability.UNMAP);
        s.write(5000, ByteBuffer.wrap(new byte[] {1, 2}), true, Runnable::run).toCompletableFuture().join();
        ByteBuffer b = ByteBuffer.allocate(4);
        s.read(4999, b, Runnable::run).toCompletableFuture().join();
        assertArrayEquals(new byte[] {0, 1, 2, 0}, b.array());
        s.unmap(5001, 1, Runnable::run).toCompletableFuture().join();
        assertEquals(0, s.get(5001));
        assertEquals(1, s.get(5000));
        assertEquals(List.of(new RecordingStore.Call("write", 5000, 2, true), new RecordingStore.Call("read", 4999, 4, false),
                new RecordingStore.Call("unmap", 5001, 1, false)), s.calls());
        assertEquals(List.of(Thread.currentThread().getName(), Thread.currentThread().getName()), s.threads());
        assertThrows(IllegalArgumentException.class, () -> s.read((1L << 40) - 1, ByteBuffer.allocate(2), Runnable::run));
    }

    @Test
    void recordingStoreFailsHoldsFlushesAndRefusesWorkAfterClose() {
        RecordingStore s = new RecordingStore(4096);
        assertThrows(CompletionException.class, () -> s.unmap(0, 1, Runnable::run).toCompletableFuture().join(), "no UNMAP capability");
        IOException eio = new IOException("EIO");
        s.failWith(eio);
        CompletionException e = assertThrows(CompletionException.class,
                () -> s.write(0, ByteBuffer.allocate(1), false, Runnable::run).toCompletableFuture().join());
        assertEquals(eio, e.getCause());
        s.failWith(null);
        CompletableFuture<Void> gate = new CompletableFuture<>();
        s.holdFlushes(gate);
        CompletableFuture<Void> flush = s.flush(Runnable::run).toCompletableFuture();
        assertFalse(flush.isDone());
        gate.complete(null);
        assertTrue(flush.isDone());
        s.close();
        assertTrue(s.isClosed());
        e = assertThrows(CompletionException.class, () -> s.read(0, ByteBuffer.allocate(1), Runnable::run).toCompletableFuture().join());
        assertTrue(e.getCause() instanceof IOException);
        assertEquals(List.of("unmap", "write", "flush", "read"), s.ops());
    }

    @Test
    void configPropsCarryTheFileAndOverride() {
        var p = ConfigProps.fromFile("jstgt.lun-d0.cfg", "size", "1MiB", "store.type", "file");
        assertEquals("/opt/jstgt/etc/jstgt.lun-d0.cfg", org.jstgt.api.Pids.origin(p));
        var q = ConfigProps.override(p, "size", "2MiB", "store.type", null);
        assertEquals("2MiB", q.get("size"));
        assertFalse(q.containsKey("store.type"));
        assertEquals("1MiB", p.get("size"), "the base is unchanged");
        assertThrows(IllegalArgumentException.class, () -> ConfigProps.override(p, "size"));
    }

    @Test
    void fakeTargetIsFoundByNameAndAllowsWhomTheTestSays() {
        FakeScsiTarget a = new FakeScsiTarget("iqn.2026-11.org.jstgt:a").alias("Alpha");
        FakeScsiTarget b = new FakeScsiTarget("iqn.2026-11.org.jstgt:b").allowOnly(Set.of("iqn.x:only"));
        TargetRegistry r = FakeScsiTarget.registry(a, b);
        assertEquals(List.of(a, b), r.targets());
        assertSame(b, r.target("IQN.2026-11.ORG.JSTGT:B").orElseThrow(), "node names compare case-insensitively");
        assertTrue(r.target("iqn.2026-11.org.jstgt:c").isEmpty());
        assertEquals("a", a.name());
        assertEquals("Alpha", a.alias());
        assertTrue(a.allows("iqn.x:anyone", null));
        assertFalse(b.allows("iqn.x:anyone", null));
        assertTrue(b.allows("iqn.x:only", null));
        assertTrue(b.allowAll().allows("iqn.x:anyone", null));
    }

    @Test
    void fakeTargetTellsItsOpenNexusesWhenWhoIsAdmittedChanges() {
        FakeScsiTarget t = new FakeScsiTarget("iqn.2026-11.org.jstgt:t");
        FakeNexus open = t.openNexus("i", "i,i,0x1", "t,t,0x1", 1);
        FakeNexus closed = t.openNexus("j", "j,i,0x1", "t,t,0x1", 1);
        java.util.concurrent.atomic.AtomicInteger told = new java.util.concurrent.atomic.AtomicInteger();
        java.util.concurrent.atomic.AtomicInteger toldClosed = new java.util.concurrent.atomic.AtomicInteger();
        open.onAccessChange(told::incrementAndGet);
        closed.onAccessChange(toldClosed::incrementAndGet);
        closed.close();
        assertTrue(t.available());
        t.allowOnly(Set.of("x"));
        t.allowAll();
        assertFalse(t.available(false).available());
        assertEquals(3, told.get());
        assertEquals(0, toldClosed.get(), "a closed nexus is not told");
    }

    @Test
    void fakeNexusIsADiskThatRecordsAndCanHoldItsCommands() {
        FakeScsiTarget t = new FakeScsiTarget("iqn.2026-11.org.jstgt:t").blocks(8);
        FakeNexus n = t.openNexus("i", "i,i,0x1", "t,t,0x1", 1);
        assertSame(n, t.lastNexus());
        byte[] block = new byte[FakeNexus.BLOCK];
        block[0] = 42;
        FakeScsiTask w = FakeScsiTask.of(0x2a, 0, 0, 0, 0, 7, 0, 0, 1, 0).withDataOut(block);
        n.hold(true);
        CompletableFuture<ScsiResult> f = n.prepare(w).execute().toCompletableFuture();
        assertFalse(f.isDone());
        assertEquals(1, n.heldCount());
        n.releaseHeld();
        assertEquals(ScsiStatus.GOOD, f.join().status());
        assertEquals(42, n.bytes()[7 * FakeNexus.BLOCK]);
        assertEquals(List.of(w), n.executed());

        FakeScsiTask beyond = FakeScsiTask.of(0x28, 0, 0, 0, 0, 8, 0, 0, 1, 0);
        assertEquals(ScsiStatus.CHECK_CONDITION, n.prepare(beyond).immediateResult().status());
        assertEquals(ScsiStatus.CHECK_CONDITION, n.prepare(FakeScsiTask.of(0xff)).immediateResult().status());
        assertEquals(ScsiStatus.CHECK_CONDITION,
                n.prepare(FakeScsiTask.builder().cdb(0, 0, 0, 0, 0, 0).lun(1).build()).immediateResult().status());
        n.close();
        assertTrue(n.closed());
    }
}
