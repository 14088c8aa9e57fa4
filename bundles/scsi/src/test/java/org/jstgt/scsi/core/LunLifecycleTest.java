package org.jstgt.scsi.core;

import static org.jstgt.scsi.core.Harness.*;
import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

import org.jstgt.api.mgmt.LunInfo;
import org.jstgt.api.scsi.DataDirection;
import org.jstgt.api.scsi.DeviceProvider;
import org.jstgt.api.scsi.Queueing;
import org.jstgt.api.scsi.ScsiStatus;
import org.jstgt.api.scsi.SenseReason;
import org.jstgt.api.store.BackingStoreProvider;
import org.jstgt.api.target.Nexus;
import org.jstgt.api.target.PreparedCommand;
import org.jstgt.api.target.ScsiResult;
import org.jstgt.testkit.FakeScsiTask;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class LunLifecycleTest {
    private static final Map<String, Object> STORE = Map.of(BackingStoreProvider.TYPE, "fake");
    private static final Map<String, Object> DEVICE = Map.of(DeviceProvider.TYPE, "fake");

    private Harness h;

    @AfterEach
    void tearDown() {
        if (h != null) {
            h.close();
        }
    }

    @Test
    void waitsForEachProviderThenBecomesActive() {
        h = new Harness(15_000);
        h.lun("d0");
        assertEquals("WAITING(store.type=fake)", h.manager.lunState("d0"));
        h.manager.addStoreProvider(h.stores, STORE);
        assertEquals("WAITING(device.type=fake)", h.manager.lunState("d0"));
        h.manager.addDeviceProvider(h.devices, DEVICE);
        assertEquals("ACTIVE", h.manager.lunState("d0"));
        assertEquals(1, h.stores.opened.size());
        assertEquals(1, h.devices.created.size());
        Fakes.Unit u = h.devices.created.get(0);
        assertEquals("d0", u.spec.name());
        assertEquals("JSTGT", u.spec.vendor());
        assertEquals(0x3L, u.spec.naaId() >>> 60);
        LunInfo info = h.manager.lunInfos().get(0);
        assertEquals("ACTIVE", info.state());
        assertEquals(1 << 20, info.sizeBytes());
        assertEquals("/opt/jstgt/etc/jstgt.lun-d0.cfg", info.origin());
    }

    @Test
    void badConfigurationFailsNamingFileAndKeyWhileOthersServe() throws Exception {
        h = new Harness(15_000).withProviders();
        h.lun("good");
        h.lun("bad", "block.size", "513");
        assertEquals("FAILED(/opt/jstgt/etc/jstgt.lun-bad.cfg: block.size: '513' is not one of 512, 1024, 2048, 4096)",
                h.manager.lunState("bad"));
        assertEquals("ACTIVE", h.manager.lunState("good"));
        h.target("t1", "lun.0", "good", "lun.1", "bad");
        Nexus n = h.quietNexus(0, 1);
        assertGood(run(n, Tasks.testUnitReady(0)));
        assertSense(run(n, Tasks.testUnitReady(1)), SenseReason.LOGICAL_UNIT_NOT_READY_MANUAL_INTERVENTION_REQUIRED);
        // fixing the file brings it up
        h.lun("bad", "block.size", "4096");
        assertEquals("ACTIVE", h.manager.lunState("bad"));
        assertGood(run(n, Tasks.testUnitReady(1)));
    }

    @Test
    void storeAndDeviceFailuresAreFailedStates() {
        h = new Harness(15_000).withProviders();
        h.stores.failWith = new IOException("/data/x.img is locked by another process");
        h.lun("d0");
        assertEquals("FAILED(/opt/jstgt/etc/jstgt.lun-d0.cfg: store.path: /data/x.img is locked by another process)",
                h.manager.lunState("d0"));
        h.stores.failWith = null;
        h.lun("d1", "fake.bad", "1");
        assertEquals("FAILED(/opt/jstgt/etc/jstgt.lun-d1.cfg: fake.bad: rejected by the fake device)",
                h.manager.lunState("d1"));
        // the store opened for the refused device was closed again
        assertTrue(h.stores.opened.get(0).isClosed());
        h.lun("d2", "size", null);
        assertEquals("FAILED(/opt/jstgt/etc/jstgt.lun-d2.cfg: size: missing)", h.manager.lunState("d2"));
    }

    /**
     * A change that leaves the store as it is reaches the unit; one that applies it in place keeps
     * serving without a close and reopen, otherwise the unit is replaced as before.
     */
    @Test
    void aChangeTheUnitAppliesInPlaceKeepsTheUnit() {
        h = new Harness(15_000).withProviders();
        h.devices.inPlace = true;
        h.lun("d0");
        Fakes.Unit first = h.devices.created.get(0);
        h.lun("d0", "vendor", "OTHER");
        assertEquals(1, h.devices.created.size(), "no new unit");
        assertFalse(first.closed);
        assertEquals("OTHER", first.reconfigured.get(0).vendor());
        assertEquals("ACTIVE", h.manager.lunState("d0"));
        // a change to the store (its size) needs a new unit and store
        h.lun("d0", "vendor", "OTHER", "size", "2MiB");
        assertEquals(2, h.devices.created.size());
        assertTrue(first.closed);
        h.devices.inPlace = false;
        h.lun("d0", "vendor", "THIRD", "size", "2MiB");
        assertEquals(3, h.devices.created.size(), "a unit that does not apply it in place is replaced");
    }

    /** A unit hears of each nexus that ends, once (per-nexus state such as PREVENT ends with it). */
    @Test
    void theEndOfANexusReachesTheUnitsItSees() {
        h = new Harness(15_000).withProviders();
        h.lun("d0");
        h.target("t1", "lun.0", "d0");
        Nexus n = h.nexus();
        n.close();
        n.close();
        List<String> lost = h.devices.created.get(0).nexusesLost;
        assertEquals(1, lost.size(), lost.toString());
        assertTrue(lost.get(0).startsWith(INITIATOR), lost.toString());
    }

    /**
     * A unit draining (its LUN deleted while a write runs) holds up neither listings nor changes to
     * other LUNs: the drain runs outside the manager's lock.
     */
    @Test
    void aDrainingLunHoldsUpNeitherListingsNorOtherLuns() throws Exception {
        h = new Harness(15_000).withProviders();
        h.lun("d0");
        h.lun("d1");
        h.target("t1", "lun.0", "d0");
        Nexus n = h.quietNexus(0);
        CompletableFuture<Void> gate = new CompletableFuture<>();
        h.devices.writeGate = gate;
        CompletableFuture<ScsiResult> running = n.prepare(Tasks.write10(0, 0, new byte[512])).execute()
                .toCompletableFuture();
        Thread remover = new Thread(() -> h.manager.lunDeleted("pid-lun-d0"));
        remover.start();
        try {
            // a deliberate delay, not a poll: let the remover reach the drain and block there
            Thread.sleep(100);
            assertTrue(remover.isAlive(), "the deletion waits for the running write");
            CompletableFuture<Integer> listing = CompletableFuture.supplyAsync(() -> h.manager.lunInfos().size());
            assertEquals(1, listing.get(5, TimeUnit.SECONDS), "listed while d0 drains (d1 only)");
            CompletableFuture<Void> other = CompletableFuture.runAsync(() -> h.lun("d2"));
            other.get(5, TimeUnit.SECONDS);
            assertEquals("ACTIVE", h.manager.lunState("d2"));
        } finally {
            gate.complete(null);
            remover.join(5_000);
        }
        assertFalse(remover.isAlive());
        assertGood(running.get(1, TimeUnit.SECONDS));
        assertTrue(h.devices.created.get(0).closed);
    }

    /**
     * A unit that queues in arrival order (tape) keeps that order for commands held while its
     * provider was away: the second waits for the first to complete, as it would have without the
     * update.
     */
    @Test
    void commandsHeldForAnInOrderUnitResumeOneAtATimeInArrivalOrder() throws Exception {
        h = new Harness(15_000).withProviders();
        h.lun("d0");
        h.target("t1", "lun.0", "d0");
        Nexus n = h.quietNexus(0);
        h.manager.removeDeviceProvider(h.devices, DEVICE);
        CompletableFuture<ScsiResult> write = n.prepare(Tasks.write10(0, 1, new byte[512])).execute()
                .toCompletableFuture();
        CompletableFuture<ScsiResult> tur = n.prepare(Tasks.testUnitReady(0)).execute().toCompletableFuture();
        Fakes.DeviceProvider tape = new Fakes.DeviceProvider();
        tape.queueing = Queueing.IN_ORDER;
        CompletableFuture<Void> gate = new CompletableFuture<>();
        tape.writeGate = gate;
        java.util.concurrent.atomic.AtomicBoolean turRan = new java.util.concurrent.atomic.AtomicBoolean();
        tape.turExec = t -> {
            turRan.set(true);
            return CompletableFuture.completedFuture(0);
        };
        h.manager.addDeviceProvider(tape, DEVICE);
        assertEquals("ACTIVE", h.manager.lunState("d0"));
        assertFalse(write.isDone());
        assertFalse(turRan.get(), "the later command waits for the earlier one");
        gate.complete(null);
        assertGood(write.get(5, TimeUnit.SECONDS));
        assertGood(tur.get(5, TimeUnit.SECONDS));
        assertTrue(turRan.get());
    }

    @Test
    void duplicateLunNameIsRefused() {
        h = new Harness(15_000).withProviders();
        h.lun("d0");
        Map<String, Object> other = lunProps("d0");
        other.put("felix.fileinstall.filename", "file:/other/jstgt.lun-d0.cfg");
        h.manager.lunUpdated("another-pid", other);
        assertTrue(h.manager.lunInfos().stream().anyMatch(i -> i.state().startsWith("FAILED(/other/jstgt.lun-d0.cfg: name:")));
        assertEquals("ACTIVE", h.manager.lunState("d0"));
    }

    @Test
    void heldCommandRunsOnTheNewProviderWhenItReturns() throws Exception {
        h = new Harness(15_000).withProviders();
        h.lun("d0");
        h.target("t1", "lun.0", "d0");
        Nexus n = h.quietNexus(0);
        byte[] data = new byte[512];
        data[0] = 42;
        assertGood(run(n, Tasks.write10(0, 1, data)));

        h.manager.removeDeviceProvider(h.devices, DEVICE);
        assertEquals("WAITING(device.type=fake)", h.manager.lunState("d0"));
        Fakes.Unit first = h.devices.created.get(0);
        assertTrue(first.closed);
        assertTrue(h.stores.opened.get(0).isClosed());
        assertTrue(first.storeOpenAtClose, "the unit closes before its store");

        // a write arrives: its direction is inferred so the data phase can run, then it waits
        byte[] data2 = new byte[1024];
        data2[0] = 7;
        FakeScsiTask w = Tasks.write10(0, 2, data2);
        PreparedCommand pw = n.prepare(w);
        assertNull(pw.immediateResult());
        assertEquals(DataDirection.OUT, pw.direction());
        assertEquals(1024, pw.transferLength());
        CompletableFuture<ScsiResult> rw = pw.execute().toCompletableFuture();
        FakeScsiTask r = Tasks.read10(0, 2, 2);
        PreparedCommand pr = n.prepare(r);
        assertEquals(DataDirection.IN, pr.direction());
        CompletableFuture<ScsiResult> rr = pr.execute().toCompletableFuture();
        // a deliberate delay, not a poll: the held commands must still be waiting after it
        Thread.sleep(50);
        assertFalse(rw.isDone());
        assertFalse(rr.isDone());

        Fakes.DeviceProvider second = new Fakes.DeviceProvider();
        h.manager.addDeviceProvider(second, DEVICE);
        assertEquals("ACTIVE", h.manager.lunState("d0"));
        assertGood(rw.get(5, TimeUnit.SECONDS));
        assertGood(rr.get(5, TimeUnit.SECONDS));
        // ran on the new unit with a fresh store; the read may have run before or after the write
        assertEquals(1, second.created.size());
        assertEquals(7, h.stores.opened.get(1).get(1024));
        // no unit attention for a provider swap: the initiator sees nothing
        assertGood(run(n, Tasks.testUnitReady(0)));
    }

    @Test
    void heldCommandGetsBusyPastTheBound() throws Exception {
        h = new Harness(100).withProviders();
        h.lun("d0");
        h.target("t1", "lun.0", "d0");
        Nexus n = h.quietNexus(0);
        h.manager.removeStoreProvider(h.stores, STORE);
        assertEquals("WAITING(store.type=fake)", h.manager.lunState("d0"));
        long start = System.nanoTime();
        ScsiResult r = run(n, Tasks.testUnitReady(0));
        long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        assertEquals(ScsiStatus.BUSY, r.status());
        assertTrue(ms >= 90, "waited " + ms + " ms");
        assertEquals(0, h.manager.lun("d0").heldCount());
        // INQUIRY, REPORT LUNS and REQUEST SENSE still get answers from the core where they can
        assertGood(run(n, Tasks.reportLuns(0, 64)));
        assertGood(run(n, Tasks.requestSense(0, false, 18)));
    }

    @Test
    void abandonedHeldCommandIsForgotten() {
        h = new Harness(15_000).withProviders();
        h.lun("d0");
        h.target("t1", "lun.0", "d0");
        h.manager.removeDeviceProvider(h.devices, DEVICE);
        Nexus n = h.nexus();
        n.prepare(Tasks.requestSense(0, false, 18)).execute();
        PreparedCommand p = n.prepare(Tasks.testUnitReady(0));
        p.execute();
        assertEquals(1, h.manager.lun("d0").heldCount());
        p.abandon();
        assertEquals(0, h.manager.lun("d0").heldCount());
    }

    @Test
    void providerDepartureDrainsRunningCommandsBeforeClosing() throws Exception {
        h = new Harness(15_000).withProviders();
        h.lun("d0");
        h.target("t1", "lun.0", "d0");
        Nexus n = h.quietNexus(0);
        CompletableFuture<Void> gate = new CompletableFuture<>();
        h.devices.writeGate = gate;
        PreparedCommand w = n.prepare(Tasks.write10(0, 0, new byte[512]));
        CompletableFuture<ScsiResult> running = w.execute().toCompletableFuture();
        Fakes.Unit unit = h.devices.created.get(0);

        Thread remover = new Thread(() -> h.manager.removeDeviceProvider(h.devices, DEVICE));
        remover.start();
        // a deliberate delay, not a poll: let the remover reach the drain and block there
        Thread.sleep(100);
        assertTrue(remover.isAlive(), "removal waits for the running write");
        assertFalse(unit.closed);
        gate.complete(null);
        remover.join(5_000);
        assertFalse(remover.isAlive());
        assertGood(running.get(1, TimeUnit.SECONDS));
        assertTrue(unit.closed);
    }

    @Test
    void preparedCommandWhoseUnitClosedRunsOnTheSuccessor() throws Exception {
        h = new Harness(15_000).withProviders();
        h.lun("d0");
        h.target("t1", "lun.0", "d0");
        Nexus n = h.quietNexus(0);
        // prepared (data phase in progress) on the first unit ...
        byte[] data = new byte[512];
        data[3] = 9;
        PreparedCommand w = n.prepare(Tasks.write10(0, 0, data));
        // ... the provider is replaced before execute()
        h.manager.removeDeviceProvider(h.devices, DEVICE);
        Fakes.DeviceProvider second = new Fakes.DeviceProvider();
        h.manager.addDeviceProvider(second, DEVICE);
        assertGood(w.execute().toCompletableFuture().get(5, TimeUnit.SECONDS));
        assertEquals(9, h.stores.opened.get(1).get(3));
    }

    @Test
    void resizeReopensAndRaisesCapacityDataHasChanged() throws Exception {
        h = new Harness(15_000).withProviders();
        h.lun("d0");
        h.lun("d1");
        h.target("t1", "lun.0", "d0", "lun.1", "d1");
        Nexus n = h.quietNexus(0, 1);
        h.lun("d0", "size", "2MiB");
        assertEquals("ACTIVE", h.manager.lunState("d0"));
        assertTrue(h.devices.created.get(0).closed);
        assertSense(run(n, Tasks.testUnitReady(0)), SenseReason.CAPACITY_DATA_HAS_CHANGED);
        assertGood(run(n, Tasks.testUnitReady(0)));
        // the other LUN saw nothing
        assertGood(run(n, Tasks.testUnitReady(1)));
        assertEquals(2 << 20, h.manager.lunInfos().get(0).sizeBytes());
        // an identical update does not reopen
        int units = h.devices.created.size();
        h.lun("d0", "size", "2MiB");
        assertEquals(units, h.devices.created.size());
    }

    @Test
    void removingALunUnmapsItAndClosesIt() throws Exception {
        h = new Harness(15_000).withProviders();
        h.lun("d0");
        h.lun("d1");
        h.target("t1", "lun.0", "d0", "lun.1", "d1");
        Nexus n = h.quietNexus(0, 1);
        List<String> told = new java.util.concurrent.CopyOnWriteArrayList<>();
        n.onUnitAttention((lun, reason) -> told.add(lun + ":" + Integer.toHexString(reason.asc()) + "/"
                + Integer.toHexString(reason.ascq())));
        h.manager.lunDeleted("pid-lun-d1");
        // the transport hears of each condition once, as it is established (Nexus#onUnitAttention)
        assertEquals(List.of("0:3f/e"), told);
        assertNull(h.manager.lunState("d1"));
        assertTrue(h.devices.created.get(1).closed);
        assertArrayEquals(new int[] {0}, n.luns());
        assertSense(run(n, Tasks.testUnitReady(1)), SenseReason.LOGICAL_UNIT_NOT_SUPPORTED);
        assertSense(run(n, Tasks.testUnitReady(0)), SenseReason.REPORTED_LUNS_DATA_HAS_CHANGED);
        assertTrue(h.manager.targetInfos().get(0).luns().contains("1=d1 (missing)"));
    }

    @Test
    void badTargetUpdateKeepsThePreviousConfiguration() throws Exception {
        h = new Harness(15_000).withProviders();
        h.lun("d0");
        h.target("t1", "lun.0", "d0");
        h.target("t1", "lun.0", "d0", "lun.99999", "d0");
        assertTrue(h.manager.target(IQN).isPresent());
        String state = h.manager.targetInfos().get(0).state();
        assertTrue(state.startsWith("FAILED(/opt/jstgt/etc/jstgt.target-t1.cfg: lun.99999:"), state);
        // an IQN used twice
        Map<String, Object> dup = targetProps("t2");
        dup.put("felix.fileinstall.filename", "file:/opt/jstgt/etc/jstgt.target-t2.cfg");
        h.manager.targetUpdated("pid-target-t2", dup);
        assertTrue(h.manager.targetInfos().stream().anyMatch(
                i -> i.state().startsWith("FAILED(/opt/jstgt/etc/jstgt.target-t2.cfg: iqn:")));
        // removing the first lets the second take the IQN
        h.manager.targetDeleted("pid-target-t1");
        assertEquals("/opt/jstgt/etc/jstgt.target-t2.cfg", h.manager.target(IQN).orElseThrow().origin());
    }

    @Test
    void storeProviderSwapAlsoHoldsAndResumes() throws Exception {
        h = new Harness(15_000).withProviders();
        h.lun("d0");
        h.target("t1", "lun.0", "d0");
        Nexus n = h.quietNexus(0);
        h.manager.removeStoreProvider(h.stores, STORE);
        CompletionStage<ScsiResult> r = n.prepare(Tasks.testUnitReady(0)).execute();
        assertFalse(r.toCompletableFuture().isDone());
        Fakes.StoreProvider second = new Fakes.StoreProvider();
        h.manager.addStoreProvider(second, STORE);
        assertGood(r.toCompletableFuture().get(5, TimeUnit.SECONDS));
        assertEquals(1, second.opened.size());
    }

    @Test
    void heldCommandsAreCheckedAgainstTheNewParse() throws Exception {
        h = new Harness(15_000).withProviders();
        h.lun("d0");
        h.target("t1", "lun.0", "d0");
        Nexus n = h.quietNexus(0);
        h.manager.removeDeviceProvider(h.devices, DEVICE);
        // the initiator sends more than the CDB asks for: the device sees exactly the parsed length
        byte[] data = new byte[1024];
        data[0] = 5;
        FakeScsiTask over = Tasks.task(0, 1024, 0x2A, 0, 0, 0, 0, 3, 0, 0, 1, 0).withDataOut(data);
        PreparedCommand po = n.prepare(over);
        assertEquals(1024, po.transferLength());
        CompletableFuture<ScsiResult> ro = po.execute().toCompletableFuture();
        // a write announced with no data: inferred NONE, parsed OUT: BUSY so the initiator retries
        FakeScsiTask none = Tasks.task(0, 0, 0x2A, 0, 0, 0, 0, 4, 0, 0, 1, 0);
        PreparedCommand pn = n.prepare(none);
        assertEquals(DataDirection.NONE, pn.direction());
        CompletableFuture<ScsiResult> rn = pn.execute().toCompletableFuture();
        // an overflow (EDTL one block of a two-block write) is not a disagreement: it runs
        byte[] one = new byte[512];
        one[0] = 9;
        FakeScsiTask shortEdtl = Tasks.task(0, 512, 0x2A, 0, 0, 0, 0, 6, 0, 0, 2, 0).withDataOut(one);
        PreparedCommand ps = n.prepare(shortEdtl);
        CompletableFuture<ScsiResult> rs = ps.execute().toCompletableFuture();
        h.manager.addDeviceProvider(new Fakes.DeviceProvider(), DEVICE);
        assertGood(ro.get(5, TimeUnit.SECONDS));
        assertEquals(5, h.stores.opened.get(1).get(3 * 512));
        assertEquals(ScsiStatus.BUSY, rn.get(5, TimeUnit.SECONDS).status());
        assertGood(rs.get(5, TimeUnit.SECONDS));
        assertEquals(9, h.stores.opened.get(1).get(6 * 512));
    }

    @Test
    void removedLunAnswersHeldCommandsWithNotSupported() throws Exception {
        h = new Harness(15_000).withProviders();
        h.lun("d0");
        h.target("t1", "lun.0", "d0");
        Nexus n = h.quietNexus(0);
        h.manager.removeDeviceProvider(h.devices, DEVICE);
        CompletableFuture<ScsiResult> r = n.prepare(Tasks.testUnitReady(0)).execute().toCompletableFuture();
        h.manager.lunDeleted("pid-lun-d0");
        assertSense(r.get(5, TimeUnit.SECONDS), SenseReason.LOGICAL_UNIT_NOT_SUPPORTED);
    }
}
