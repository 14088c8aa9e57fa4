package org.jstgt.scsi.core;

import static org.jstgt.scsi.core.Harness.*;
import static org.junit.jupiter.api.Assertions.*;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

import org.jstgt.api.scsi.DataDirection;
import org.jstgt.api.scsi.ScsiException;
import org.jstgt.api.scsi.ScsiStatus;
import org.jstgt.api.scsi.SenseReason;
import org.jstgt.api.target.Nexus;
import org.jstgt.api.target.PreparedCommand;
import org.jstgt.api.target.ScsiResult;
import org.jstgt.testkit.FakeScsiTask;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class NexusTest {
    private Harness h;

    @BeforeEach
    void setUp() {
        h = new Harness(15_000).withProviders();
        h.lun("d0");
        h.lun("d1");
        h.target("t1", "lun.0", "d0", "lun.5", "d1");
    }

    @AfterEach
    void tearDown() {
        h.close();
    }

    @Test
    void newNexusGetsPowerOnUnitAttentionOncePerLun() throws Exception {
        Nexus n = h.nexus();
        assertSense(run(n, Tasks.testUnitReady(0)), SenseReason.POWER_ON_RESET_OR_BUS_DEVICE_RESET);
        assertGood(run(n, Tasks.testUnitReady(0)));
        // LUN 5 has its own
        assertSense(run(n, Tasks.testUnitReady(5)), SenseReason.POWER_ON_RESET_OR_BUS_DEVICE_RESET);
        assertGood(run(n, Tasks.testUnitReady(5)));
    }

    @Test
    void inquiryAndReportLunsPassAPendingUnitAttentionWithoutClearingIt() throws Exception {
        Nexus n = h.nexus();
        assertGood(run(n, Tasks.inquiry(0, 36)));
        assertGood(run(n, Tasks.reportLuns(0, 64)));
        assertSense(run(n, Tasks.testUnitReady(0)), SenseReason.POWER_ON_RESET_OR_BUS_DEVICE_RESET);
    }

    @Test
    void parseErrorWithPendingUnitAttentionReportsTheAttentionFirst() throws Exception {
        Nexus n = h.nexus();
        assertSense(run(n, Tasks.task(0, 0, 0x99, 0, 0, 0, 0, 0)), SenseReason.POWER_ON_RESET_OR_BUS_DEVICE_RESET);
        ScsiResult r = run(n, Tasks.task(0, 0, 0x99, 0, 0, 0, 0, 0));
        assertSense(r, SenseReason.INVALID_COMMAND_OPERATION_CODE);
        // field pointer at CDB byte 0: SKSV + C/D, no bit pointer
        assertEquals(0xC0, r.sense()[15] & 0xFF);
        assertEquals(0, r.sense()[16]);
        assertEquals(0, r.sense()[17]);
    }

    @Test
    void reportLunsListsAscendingWithPeripheralAndFlatAddressing() throws Exception {
        h.lun("d2");
        h.target("t1", "lun.0", "d0", "lun.5", "d1", "lun.300", "d2");
        Nexus n = h.nexus();
        FakeScsiTask t = Tasks.reportLuns(0, 256);
        ScsiResult r = run(n, t);
        assertGood(r);
        assertEquals(8 + 24, r.dataInLength());
        byte[] d = t.dataInBytes(r.dataInLength());
        assertArrayEquals(new byte[] {0, 0, 0, 24, 0, 0, 0, 0}, java.util.Arrays.copyOfRange(d, 0, 8));
        assertArrayEquals(new byte[] {0, 0, 0, 0, 0, 0, 0, 0}, java.util.Arrays.copyOfRange(d, 8, 16));
        assertArrayEquals(new byte[] {0, 5, 0, 0, 0, 0, 0, 0}, java.util.Arrays.copyOfRange(d, 16, 24));
        // 300 = 0x12C: flat space addressing 01b | 0x01, 0x2C
        assertArrayEquals(new byte[] {0x41, 0x2C, 0, 0, 0, 0, 0, 0}, java.util.Arrays.copyOfRange(d, 24, 32));
        assertArrayEquals(new int[] {0, 5, 300}, n.luns());
    }

    @Test
    void reportLunsTruncatesToAllocationLengthButKeepsTheListLength() throws Exception {
        Nexus n = h.nexus();
        FakeScsiTask t = Tasks.reportLuns(2, 16);
        ScsiResult r = run(n, t);
        assertGood(r);
        assertEquals(16, r.dataInLength());
        byte[] d = t.dataInBytes(16);
        assertEquals(16, d[3]);
        // SELECT REPORT 01h: well known LUs only, of which there are none
        FakeScsiTask w = Tasks.reportLuns(1, 64);
        ScsiResult rw = run(n, w);
        assertGood(rw);
        assertEquals(8, rw.dataInLength());
        assertEquals(0, w.dataInBytes(8)[3]);
    }

    @Test
    void reportLunsBadFieldsPointAtTheField() throws Exception {
        Nexus n = h.nexus();
        ScsiResult r = run(n, Tasks.reportLuns(3, 64));
        assertSense(r, SenseReason.INVALID_FIELD_IN_CDB);
        assertEquals(0xC0, r.sense()[15] & 0xFF);
        assertEquals(2, r.sense()[17]);
        r = run(n, Tasks.reportLuns(0, 15));
        assertSense(r, SenseReason.INVALID_FIELD_IN_CDB);
        assertEquals(6, r.sense()[17]);
        // REPORT LUNS is a command of the target: it works on an unmapped LUN number too
        FakeScsiTask other = Tasks.task(77, 64, 0xA0, 0, 0, 0, 0, 0, 0, 0, 0, 64, 0, 0);
        assertGood(run(n, other));
    }

    @Test
    void mapChangeRaisesReportedLunsDataHasChangedUntilReportLuns() throws Exception {
        Nexus n = h.quietNexus(0, 5);
        h.lun("d2");
        h.target("t1", "lun.0", "d0", "lun.5", "d1", "lun.7", "d2");
        // every mapped LUN of the nexus has it
        assertSense(run(n, Tasks.testUnitReady(5)), SenseReason.REPORTED_LUNS_DATA_HAS_CHANGED);
        // REPORT LUNS clears it for the whole nexus
        assertGood(run(n, Tasks.reportLuns(0, 64)));
        assertGood(run(n, Tasks.testUnitReady(0)));
        // the same config again changes nothing
        h.target("t1", "lun.0", "d0", "lun.5", "d1", "lun.7", "d2");
        assertGood(run(n, Tasks.testUnitReady(0)));
    }

    @Test
    void requestSenseReturnsAndClearsTheUnitAttentionInFixedFormat() throws Exception {
        Nexus n = h.nexus();
        FakeScsiTask t = Tasks.requestSense(0, false, 252);
        PreparedCommand p = n.prepare(t);
        assertNull(p.immediateResult());
        assertEquals(DataDirection.IN, p.direction());
        ScsiResult r = p.execute().toCompletableFuture().join();
        assertGood(r);
        assertEquals(18, r.dataInLength());
        assertFixed(t.dataInBytes(18), SenseReason.POWER_ON_RESET_OR_BUS_DEVICE_RESET);
        FakeScsiTask again = Tasks.requestSense(0, false, 252);
        assertGood(run(n, again));
        assertFixed(again.dataInBytes(18), SenseReason.NO_ADDITIONAL_SENSE);
        assertGood(run(n, Tasks.testUnitReady(0)));
    }

    @Test
    void requestSenseDescriptorFormatAndTruncation() throws Exception {
        Nexus n = h.nexus();
        FakeScsiTask t = Tasks.requestSense(0, true, 252);
        ScsiResult r = run(n, t);
        assertGood(r);
        assertEquals(8, r.dataInLength());
        byte[] d = t.dataInBytes(8);
        assertEquals(0x72, d[0] & 0xFF);
        assertEquals(0x6, d[1]);
        assertEquals(0x29, d[2]);
        assertEquals(0x00, d[3]);
        assertEquals(0, d[7]);
        FakeScsiTask small = Tasks.requestSense(5, false, 4);
        ScsiResult rs = run(n, small);
        assertEquals(4, rs.dataInLength());
        assertEquals(0x70, small.dataInBytes(4)[0]);
    }

    @Test
    void lunNotMappedAnswersAsNotPresent() throws Exception {
        Nexus n = h.nexus();
        FakeScsiTask inq = Tasks.inquiry(3, 96);
        ScsiResult r = run(n, inq);
        assertGood(r);
        byte[] d = inq.dataInBytes(r.dataInLength());
        assertEquals(36, d.length);
        assertEquals(0x7F, d[0] & 0xFF);
        assertEquals("JSTGT   ", new String(d, 8, 8, java.nio.charset.StandardCharsets.US_ASCII));
        FakeScsiTask rs = Tasks.requestSense(3, false, 18);
        assertGood(run(n, rs));
        assertFixed(rs.dataInBytes(18), SenseReason.LOGICAL_UNIT_NOT_SUPPORTED);
        assertSense(run(n, Tasks.testUnitReady(3)), SenseReason.LOGICAL_UNIT_NOT_SUPPORTED);
        assertSense(run(n, Tasks.read10(3, 0, 1)), SenseReason.LOGICAL_UNIT_NOT_SUPPORTED);
        // page code without EVPD
        assertSense(run(n, Tasks.task(3, 36, 0x12, 0, 0x80, 0, 36, 0)), SenseReason.INVALID_FIELD_IN_CDB);
    }

    @Test
    void readWriteThroughTheUnit() throws Exception {
        Nexus n = h.quietNexus(0);
        byte[] data = new byte[1024];
        for (int i = 0; i < data.length; i++) {
            data[i] = (byte) i;
        }
        PreparedCommand w = n.prepare(Tasks.write10(0, 4, data));
        assertEquals(DataDirection.OUT, w.direction());
        assertEquals(1024, w.transferLength());
        assertGood(w.execute().toCompletableFuture().join());
        FakeScsiTask rd = Tasks.read10(0, 4, 2);
        ScsiResult r = run(n, rd);
        assertGood(r);
        assertArrayEquals(data, rd.dataInBytes(1024));
        ScsiResult oob = run(n, Tasks.read10(0, 2047, 2));
        assertSense(oob, SenseReason.LBA_OUT_OF_RANGE);
        // VALID + INFORMATION = the LBA
        assertEquals(0xF0, oob.sense()[0] & 0xFF);
        assertEquals(2047, ((oob.sense()[5] & 0xFF) << 8) | (oob.sense()[6] & 0xFF));
    }

    @Test
    void failuresBecomeSenseAndNeverExceptions() throws Exception {
        Nexus n = h.quietNexus(0);
        // a bug in parse: HARDWARE ERROR / INTERNAL TARGET FAILURE, no data phase
        ScsiResult r = run(n, Tasks.task(0, 0, 0x01, 0, 0, 0, 0, 0));
        assertSense(r, SenseReason.INTERNAL_TARGET_FAILURE);
        // execute failing with a wrapped ScsiException
        h.devices.turExec = t -> CompletableFuture.failedFuture(
                new CompletionException(new ScsiException(SenseReason.MEDIUM_NOT_PRESENT)));
        assertSense(run(n, Tasks.testUnitReady(0)), SenseReason.MEDIUM_NOT_PRESENT);
        // execute throwing
        h.devices.turExec = t -> {
            throw new IllegalStateException("device bug");
        };
        assertSense(run(n, Tasks.testUnitReady(0)), SenseReason.INTERNAL_TARGET_FAILURE);
        // execute failing with something else
        h.devices.turExec = t -> CompletableFuture.failedFuture(new java.io.IOException("disk gone"));
        assertSense(run(n, Tasks.testUnitReady(0)), SenseReason.INTERNAL_TARGET_FAILURE);
        h.devices.turExec = null;
        assertGood(run(n, Tasks.testUnitReady(0)));
    }

    @Test
    void descriptorSenseFormatPerLun() throws Exception {
        h.lun("d0", "sense.format", "descriptor");
        Nexus n = h.nexus();
        ScsiResult r = run(n, Tasks.testUnitReady(0));
        assertEquals(ScsiStatus.CHECK_CONDITION, r.status());
        assertEquals(0x72, r.sense()[0] & 0xFF);
    }

    @Test
    void unitChoosesTheSenseFormatOfLaterCommands() throws Exception {
        Nexus n = h.quietNexus(0);
        assertEquals(0x70, run(n, Tasks.task(0, 0, 0x02, 0, 0, 0, 0, 0)).sense()[0] & 0x7F);
        assertGood(run(n, modeSelect()));
        ScsiResult r = run(n, Tasks.task(0, 0, 0x02, 0, 0, 0, 0, 0));
        assertEquals(ScsiStatus.CHECK_CONDITION, r.status());
        assertEquals(0x72, r.sense()[0] & 0xFF, "descriptor format after the unit's D_SENSE changed");
    }

    @Test
    void unitAttentionToOthersSkipsTheIssuingNexus() throws Exception {
        Nexus issuer = h.quietNexus(0, 5);
        Nexus other = h.manager.target(IQN).orElseThrow().openNexus(INITIATOR, INITIATOR + ",i,0x2", IQN + ",t,0x1", 1);
        run(other, Tasks.requestSense(0, false, 18));
        run(other, Tasks.requestSense(5, false, 18));
        assertGood(run(issuer, modeSelect()));
        assertGood(run(issuer, Tasks.testUnitReady(0)));
        ScsiResult ua = run(other, Tasks.testUnitReady(0));
        assertEquals(ScsiStatus.CHECK_CONDITION, ua.status());
        // the fake's MODE SELECT also set D_SENSE: the attention comes in descriptor format
        org.jstgt.testkit.Sense s = org.jstgt.testkit.Sense.parse(ua.sense());
        assertEquals(0x72, s.responseCode());
        assertEquals(0x2A, s.asc());
        assertEquals(0x01, s.ascq());
        assertGood(run(other, Tasks.testUnitReady(0)));
        assertGood(run(other, Tasks.testUnitReady(5)));
    }

    /** The fake unit's MODE SELECT (15h): D_SENSE 1 and MODE PARAMETERS CHANGED to the others. */
    private static FakeScsiTask modeSelect() {
        return FakeScsiTask.builder().lun(0).expectedTransferLength(0).cdb(0x15, 0x10, 0, 0, 0, 0)
                .initiator(INITIATOR, INITIATOR_PORT).target(IQN, IQN + ",t,0x1").build();
    }

    @Test
    void logicalUnitResetWarnsEveryNexusOfTheUnitTheRequesterIncluded() throws Exception {
        Nexus a = h.quietNexus(0, 5);
        Nexus b = h.quietNexus(0, 5);
        assertTrue(a.logicalUnitReset(0));
        assertFalse(a.logicalUnitReset(9));
        assertSense(run(a, Tasks.testUnitReady(0)), SenseReason.BUS_DEVICE_RESET_FUNCTION_OCCURRED);
        assertGood(run(a, Tasks.testUnitReady(0)));
        assertGood(run(a, Tasks.testUnitReady(5)));
        assertSense(run(b, Tasks.testUnitReady(0)), SenseReason.BUS_DEVICE_RESET_FUNCTION_OCCURRED);
        assertGood(run(b, Tasks.testUnitReady(5)));
    }

    @Test
    void closedNexusNoLongerReceivesUnitAttentions() throws Exception {
        Nexus n = h.quietNexus(0, 5);
        TargetRuntime t = (TargetRuntime) h.manager.target(IQN).orElseThrow();
        assertTrue(t.nexuses.contains(n));
        n.close();
        n.close();
        assertFalse(t.nexuses.contains(n));
    }

    @Test
    void unknownLunNameReportsNotPresentUntilItAppears() throws Exception {
        h.target("t1", "lun.0", "d0", "lun.1", "later");
        Nexus n = h.quietNexus(0);
        run(n, Tasks.reportLuns(0, 64));
        assertArrayEquals(new int[] {0}, n.luns());
        assertSense(run(n, Tasks.testUnitReady(1)), SenseReason.LOGICAL_UNIT_NOT_SUPPORTED);
        h.lun("later");
        assertArrayEquals(new int[] {0, 1}, n.luns());
        assertSense(run(n, Tasks.testUnitReady(0)), SenseReason.REPORTED_LUNS_DATA_HAS_CHANGED);
        assertTrue(h.manager.targetInfos().get(0).luns().contains("1=later"));
    }

    @Test
    void targetLookupIgnoresCase() {
        assertTrue(h.manager.target("IQN.2026-11.ORG.JSTGT:T1").isPresent());
        assertTrue(h.manager.target("iqn.2026-11.org.jstgt:other").isEmpty());
        assertEquals(1, h.manager.targets().size());
    }

    @Test
    void aclPatterns() throws Exception {
        h.target("t1", "lun.0", "d0", "initiators", "iqn.2026-01.org.test:*, 10.0.0.0/8, ::1/128");
        var t = h.manager.target(IQN).orElseThrow();
        var lo6 = java.net.InetAddress.getByName("::1");
        var ten = java.net.InetAddress.getByName("10.1.2.3");
        var other = java.net.InetAddress.getByName("192.168.1.1");
        assertTrue(t.allows("iqn.2026-01.org.test:host1", other));
        assertTrue(t.allows("IQN.2026-01.ORG.TEST:HOST1", other));
        assertTrue(t.allows("iqn.1994-05.com.redhat:x", ten));
        assertTrue(t.allows("iqn.1994-05.com.redhat:x", lo6));
        assertFalse(t.allows("iqn.1994-05.com.redhat:x", other));
        h.target("t1", "lun.0", "d0");
        assertTrue(t.allows("iqn.1994-05.com.redhat:x", other));
        h.target("t1", "lun.0", "d0", "initiators", "ALL");
        assertTrue(t.allows("anything", null));
    }
}
