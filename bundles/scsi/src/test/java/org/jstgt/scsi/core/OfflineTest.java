package org.jstgt.scsi.core;

import static org.jstgt.scsi.core.Harness.*;
import static org.junit.jupiter.api.Assertions.*;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.jstgt.api.mgmt.LunInfo;
import org.jstgt.api.scsi.DeviceProvider;
import org.jstgt.api.scsi.ScsiStatus;
import org.jstgt.api.scsi.SenseReason;
import org.jstgt.api.target.Nexus;
import org.jstgt.api.target.ScsiResult;
import org.jstgt.testkit.Cdbs;
import org.jstgt.testkit.FakeScsiTask;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@code offline = true|false} applied in place: the LUN stays mapped, its commands drain and its
 * store closes; then every command but INQUIRY, REPORT LUNS and REQUEST SENSE gets NOT READY,
 * MANUAL INTERVENTION REQUIRED (04h/03h) until {@code offline = false} reopens it. Other LUNs see
 * nothing.
 */
class OfflineTest {
    private static final SenseReason NOT_READY = SenseReason.LOGICAL_UNIT_NOT_READY_MANUAL_INTERVENTION_REQUIRED;

    private Harness h;

    @AfterEach
    void tearDown() {
        if (h != null) {
            h.close();
        }
    }

    private Nexus twoLuns() throws Exception {
        h = new Harness(15_000).withProviders();
        h.lun("d0");
        h.lun("d1");
        h.target("t1", "lun.0", "d0", "lun.1", "d1");
        return h.quietNexus(0, 1);
    }

    @Test
    void offlineClosesTheStoreAndAnswersNotReadyWhileTheLunStaysMapped() throws Exception {
        Nexus n = twoLuns();
        assertGood(run(n, Tasks.write10(0, 0, new byte[512])));
        Fakes.Unit unit = h.devices.created.get(0);

        h.lun("d0", "offline", "true");

        assertEquals("OFFLINE", h.manager.lunState("d0"));
        assertTrue(unit.closed, "the unit is closed");
        assertTrue(h.stores.opened.get(0).isClosed(), "the store is closed: the file may be copied");
        assertSense(run(n, Tasks.testUnitReady(0)), NOT_READY);
        assertSense(run(n, Tasks.read10(0, 0, 1)), NOT_READY);
        assertSense(run(n, Tasks.write10(0, 0, new byte[512])), NOT_READY);

        FakeScsiTask luns = Tasks.reportLuns(0, 256);
        ScsiResult r = run(n, luns);
        assertGood(r);
        assertEquals(16, luns.dataInBytes(4)[3] & 0xFF, "REPORT LUNS still lists both LUNs");

        FakeScsiTask sense = Tasks.requestSense(0, false, 18);
        assertGood(run(n, sense));
        assertFixed(sense.dataInBytes(18), NOT_READY);

        // the other LUN serves on, with no unit attention
        assertGood(run(n, Tasks.testUnitReady(1)));
        assertGood(run(n, Tasks.read10(1, 0, 1)));
        assertEquals("ACTIVE", h.manager.lunState("d1"));

        LunInfo info = h.manager.lunInfos().stream().filter(l -> l.name().equals("d0")).findFirst().orElseThrow();
        assertEquals("OFFLINE", info.state());
        assertEquals(List.of("t1:0"), info.mappings());
        assertEquals(1 << 20, info.sizeBytes(), "the size it had");
    }

    @Test
    void inquiryOfAnOfflineLunAnswersFromItsDefinition() throws Exception {
        Nexus n = twoLuns();
        h.lun("d0", "offline", "true", "vendor", "ACME");
        FakeScsiTask std = Tasks.inquiry(0, 96);
        ScsiResult r = run(n, std);
        assertGood(r);
        byte[] d = std.dataInBytes(96);
        assertEquals(0x00, d[0] & 0xFF, "connected, the unit's PERIPHERAL DEVICE TYPE (disk)");
        assertEquals("ACME    ", new String(d, 8, 8, StandardCharsets.US_ASCII));
        FakeScsiTask serial = Tasks.task(0, 64, Cdbs.inquiry(true, 0x80, 64));
        assertGood(run(n, serial));
        byte[] s = serial.dataInBytes(4 + 2);
        assertEquals(0x80, s[1] & 0xFF);
        assertEquals("d0", new String(Arrays.copyOfRange(s, 4, 6), StandardCharsets.US_ASCII));
        assertSense(run(n, Tasks.task(0, 64, Cdbs.inquiry(true, 0xB0, 64))), SenseReason.INVALID_FIELD_IN_CDB);
    }

    @Test
    void onlineReopensTheStoreAndIoWorksAgain() throws Exception {
        Nexus n = twoLuns();
        h.lun("d0", "offline", "true");
        int stores = h.stores.opened.size();
        h.lun("d0", "offline", "false");
        assertEquals("ACTIVE", h.manager.lunState("d0"));
        assertEquals(stores + 1, h.stores.opened.size(), "the store was opened again");
        assertFalse(h.stores.opened.get(stores).isClosed());
        assertGood(run(n, Tasks.write10(0, 1, new byte[512])));
        assertGood(run(n, Tasks.read10(0, 1, 1)));
        assertGood(run(n, Tasks.testUnitReady(1)));
        // removing the key is the same as false
        h.lun("d0", "offline", "true");
        h.lun("d0");
        assertEquals("ACTIVE", h.manager.lunState("d0"));
    }

    @Test
    void runningCommandsDrainBeforeTheStoreCloses() throws Exception {
        Nexus n = twoLuns();
        CompletableFuture<Void> gate = new CompletableFuture<>();
        h.devices.writeGate = gate;
        CompletableFuture<ScsiResult> running = n.prepare(Tasks.write10(0, 0, new byte[512])).execute()
                .toCompletableFuture();
        Thread off = new Thread(() -> h.lun("d0", "offline", "true"));
        off.start();
        try {
            // the state changes before the drain: new commands get NOT READY while the write runs
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (!"OFFLINE".equals(h.manager.lunState("d0")) && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            assertEquals("OFFLINE", h.manager.lunState("d0"));
            assertSense(run(n, Tasks.testUnitReady(0)), NOT_READY);
            // a deliberate delay, not a poll: the change would close the store now if it did not wait
            Thread.sleep(100);
            assertTrue(off.isAlive(), "the change waits for the running write");
            assertFalse(h.stores.opened.get(0).isClosed(), "not while a command runs on it");
        } finally {
            gate.complete(null);
            off.join(5_000);
        }
        assertFalse(off.isAlive());
        assertGood(running.get(1, TimeUnit.SECONDS));
        assertTrue(h.stores.opened.get(0).isClosed());
        assertTrue(h.devices.created.get(0).storeOpenAtClose, "the unit closes first, then its store");
    }

    @Test
    void aLunOfflineFromTheStartOpensNothingUntilOnline() throws Exception {
        h = new Harness(15_000);
        h.lun("d0", "offline", "true");
        h.target("t1", "lun.0", "d0");
        assertEquals("OFFLINE", h.manager.lunState("d0"));
        h.withProviders();
        assertEquals("OFFLINE", h.manager.lunState("d0"), "a provider arriving does not bring it up");
        assertTrue(h.stores.opened.isEmpty());
        assertTrue(h.devices.created.isEmpty());
        Nexus n = h.quietNexus(0);
        FakeScsiTask inq = Tasks.inquiry(0, 36);
        assertGood(run(n, inq));
        assertEquals(0x1F, inq.dataInBytes(1)[0] & 0xFF, "a type the core does not know: unknown (1Fh)");
        assertSense(run(n, Tasks.testUnitReady(0)), NOT_READY);
        h.manager.removeDeviceProvider(h.devices, Map.of(DeviceProvider.TYPE, "fake"));
        assertEquals("OFFLINE", h.manager.lunState("d0"));
        h.manager.addDeviceProvider(h.devices, Map.of(DeviceProvider.TYPE, "fake"));
        h.lun("d0", "offline", "false");
        assertEquals("ACTIVE", h.manager.lunState("d0"));
        assertGood(run(n, Tasks.testUnitReady(0)));
    }

    @Test
    void aBadValueNamesFileAndKey() throws Exception {
        Nexus n = twoLuns();
        h.lun("d0", "offline", "maybe");
        assertEquals("FAILED(/opt/jstgt/etc/jstgt.lun-d0.cfg: offline: 'maybe' is not a boolean (true or false))",
                h.manager.lunState("d0"));
        assertEquals("ACTIVE", h.manager.lunState("d1"));
        assertEquals(ScsiStatus.GOOD, run(n, Tasks.testUnitReady(1)).status());
    }
}
