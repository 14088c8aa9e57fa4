package org.jstgt.scsi.core;

import static org.jstgt.scsi.core.Harness.*;
import static org.junit.jupiter.api.Assertions.*;

import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.jstgt.api.mgmt.IoStats;
import org.jstgt.api.mgmt.ManagementView;
import org.jstgt.api.scsi.DeviceProvider;
import org.jstgt.api.scsi.SenseReason;
import org.jstgt.api.target.Nexus;
import org.jstgt.api.target.ScsiResult;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The I/O counters of LUNs and targets as the core's management view reports them. */
class IoCountersTest {
    private static final Map<String, Object> DEVICE = Map.of(DeviceProvider.TYPE, "fake");
    private Harness h;

    @AfterEach
    void tearDown() {
        if (h != null) {
            h.close();
        }
    }

    private ManagementView view() {
        return h.manager.managementView();
    }

    private IoStats lun(String name) {
        return view().lunStats().get(name);
    }

    private IoStats target(String name) {
        return view().targetStats().get(name);
    }

    @Test
    void readsWritesOthersAndErrorsCountOnTheLunAndItsTarget() throws Exception {
        h = new Harness(15_000).withProviders();
        h.lun("d0");
        h.lun("d1");
        h.target("t1", "lun.0", "d0", "lun.1", "d1");
        Nexus n = h.nexus();
        // the first command meets the power-on unit attention: ended at admission, OTHER
        assertSense(run(n, Tasks.read10(0, 0, 2)), SenseReason.POWER_ON_RESET_OR_BUS_DEVICE_RESET);
        assertGood(run(n, Tasks.read10(0, 0, 2)));
        assertGood(run(n, Tasks.read10(0, 4, 1)));
        assertGood(run(n, Tasks.write10(0, 1, AbortTest.block(3))));
        // past the end: the parse's CHECK CONDITION, ILLEGAL REQUEST
        assertSense(run(n, Tasks.read10(0, 5000, 1)), SenseReason.LBA_OUT_OF_RANGE);
        assertGood(run(n, Tasks.inquiry(0, 36)));
        assertGood(run(n, Tasks.reportLuns(0, 64)));
        // a LUN number without LUN counts on the target only
        assertSense(run(n, Tasks.testUnitReady(7)), SenseReason.LOGICAL_UNIT_NOT_SUPPORTED);

        IoStats d0 = lun("d0");
        assertEquals(2, d0.reads());
        assertEquals(3 * 512, d0.readBytes());
        assertEquals(1, d0.writes());
        assertEquals(512, d0.writeBytes());
        assertEquals(4, d0.others(), "unit attention, bad LBA, INQUIRY, REPORT LUNS");
        assertEquals(Map.of("UNIT ATTENTION", 1L, "ILLEGAL REQUEST", 1L), d0.errorsBySenseKey());
        assertEquals(0, d0.inFlight());
        assertEquals(2, d0.readLatency().count());
        assertEquals(1, d0.writeLatency().count());
        assertTrue(d0.readLatency().sumNanos() > 0);

        assertEquals(IoStats.EMPTY, lun("d1"), "nothing went to d1");

        IoStats t1 = target("t1");
        assertEquals(2, t1.reads());
        assertEquals(1, t1.writes());
        assertEquals(5, t1.others());
        assertEquals(3 * 512, t1.readBytes());
        assertEquals(Map.of("UNIT ATTENTION", 1L, "ILLEGAL REQUEST", 2L), t1.errorsBySenseKey());
    }

    @Test
    void aCommandInTheDeviceIsInFlightUntilItEnds() throws Exception {
        h = new Harness(15_000).withProviders();
        h.lun("d0");
        h.target("t1", "lun.0", "d0");
        Nexus n = h.quietNexus(0);
        CompletableFuture<Void> gate = new CompletableFuture<>();
        h.devices.writeGate = gate;
        CompletableFuture<ScsiResult> w = n.prepare(Tasks.write10(0, 2, AbortTest.block(1))).execute()
                .toCompletableFuture();
        assertEquals(1, lun("d0").inFlight());
        assertEquals(1, target("t1").inFlight());
        assertEquals(0, lun("d0").writes());
        gate.complete(null);
        assertGood(w.get(5, TimeUnit.SECONDS));
        assertEquals(0, lun("d0").inFlight());
        assertEquals(0, target("t1").inFlight());
        assertEquals(1, lun("d0").writes());
        assertEquals(512, lun("d0").writeBytes());
    }

    @Test
    void anAbortedCommandIsNotCounted() throws Exception {
        h = new Harness(15_000).withProviders();
        h.lun("d0");
        h.target("t1", "lun.0", "d0");
        Nexus n = h.quietNexus(0);
        IoStats before = lun("d0");
        var p = n.prepare(Tasks.write10(0, 2, AbortTest.block(1)));
        assertEquals(1, lun("d0").inFlight());
        p.abort().toCompletableFuture().get(5, TimeUnit.SECONDS);
        assertTrue(p.execute().toCompletableFuture().get(5, TimeUnit.SECONDS).aborted());
        IoStats after = lun("d0");
        assertEquals(before.commands(), after.commands());
        assertEquals(0, after.inFlight());
    }

    @Test
    void countersSurviveAProviderUpdateAndHeldCommandsCountWhenTheyRun() throws Exception {
        h = new Harness(15_000).withProviders();
        h.lun("d0");
        h.target("t1", "lun.0", "d0");
        Nexus n = h.quietNexus(0);
        assertGood(run(n, Tasks.read10(0, 0, 1)));
        h.manager.removeDeviceProvider(h.devices, DEVICE);
        CompletableFuture<ScsiResult> held = n.prepare(Tasks.write10(0, 1, AbortTest.block(9))).execute()
                .toCompletableFuture();
        assertEquals(1, lun("d0").inFlight(), "held for the provider");
        h.manager.addDeviceProvider(h.devices, DEVICE);
        assertGood(held.get(5, TimeUnit.SECONDS));
        IoStats d0 = lun("d0");
        assertEquals(1, d0.reads(), "the read before the update is still counted");
        assertEquals(1, d0.writes());
        assertEquals(512, d0.writeBytes());
        assertEquals(0, d0.inFlight());
    }

    @Test
    void aLunDeletedAndCreatedAgainStartsFromZero() throws Exception {
        h = new Harness(15_000).withProviders();
        h.lun("d0");
        h.target("t1", "lun.0", "d0");
        Nexus n = h.quietNexus(0);
        assertGood(run(n, Tasks.read10(0, 0, 1)));
        assertEquals(1, lun("d0").reads());
        h.manager.lunDeleted("pid-lun-d0");
        assertNull(lun("d0"));
        h.lun("d0");
        assertEquals(IoStats.EMPTY, lun("d0"));
        assertEquals(1, target("t1").reads(), "the target's counters stay");
    }

    @Test
    void senseKeysAreReadFromFixedAndDescriptorSense() {
        assertEquals(0x05, org.jstgt.api.scsi.SenseData.senseKey(new byte[] {0x70, 0, 0x05, 0, 0, 0, 0, 10}));
        assertEquals(0x06, org.jstgt.api.scsi.SenseData.senseKey(new byte[] {(byte) 0xF1, 0, 0x26}));
        assertEquals(0x03, org.jstgt.api.scsi.SenseData.senseKey(new byte[] {0x72, 0x03, 0x11, 0}));
        assertEquals(0, org.jstgt.api.scsi.SenseData.senseKey(new byte[0]));
        assertEquals(0, org.jstgt.api.scsi.SenseData.senseKey(new byte[] {0x7F, 0x03, 0x04}));
    }

    @Test
    void kindsFollowOpcodeAndParsedDirection() {
        var IN = org.jstgt.api.scsi.DataDirection.IN;
        var OUT = org.jstgt.api.scsi.DataDirection.OUT;
        var NONE = org.jstgt.api.scsi.DataDirection.NONE;
        assertEquals(org.jstgt.api.mgmt.IoMeter.Kind.READ, org.jstgt.api.mgmt.IoMeter.Kind.of(0x28, IN));
        assertEquals(org.jstgt.api.mgmt.IoMeter.Kind.READ, org.jstgt.api.mgmt.IoMeter.Kind.of(0x08, IN), "tape and disk READ(6)");
        assertEquals(org.jstgt.api.mgmt.IoMeter.Kind.OTHER, org.jstgt.api.mgmt.IoMeter.Kind.of(0x28, NONE), "a READ of no blocks");
        assertEquals(org.jstgt.api.mgmt.IoMeter.Kind.OTHER, org.jstgt.api.mgmt.IoMeter.Kind.of(0x12, IN), "INQUIRY");
        assertEquals(org.jstgt.api.mgmt.IoMeter.Kind.WRITE, org.jstgt.api.mgmt.IoMeter.Kind.of(0x8A, OUT));
        assertEquals(org.jstgt.api.mgmt.IoMeter.Kind.WRITE, org.jstgt.api.mgmt.IoMeter.Kind.of(0x89, OUT), "COMPARE AND WRITE");
        assertEquals(org.jstgt.api.mgmt.IoMeter.Kind.OTHER, org.jstgt.api.mgmt.IoMeter.Kind.of(0x2F, OUT), "VERIFY with BYTCHK");
        assertEquals(org.jstgt.api.mgmt.IoMeter.Kind.OTHER, org.jstgt.api.mgmt.IoMeter.Kind.of(0x15, OUT), "MODE SELECT");
    }
}
