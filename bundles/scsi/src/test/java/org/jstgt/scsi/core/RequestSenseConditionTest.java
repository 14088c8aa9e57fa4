package org.jstgt.scsi.core;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.jstgt.api.scsi.SenseReason;
import org.jstgt.api.target.Nexus;
import org.jstgt.api.target.ScsiResult;
import org.jstgt.testkit.FakeScsiTask;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * REQUEST SENSE (SPC-4 §6.39) reports a pending unit attention first, then the unit's own
 * condition (an empty drive's NOT READY, MEDIUM NOT PRESENT), else NO ADDITIONAL SENSE INFORMATION.
 */
class RequestSenseConditionTest {
    private final Harness h = new Harness(5_000).withProviders();

    @AfterEach
    void tearDown() {
        h.close();
    }

    private static byte[] requestSense(Nexus n) throws Exception {
        FakeScsiTask t = Tasks.requestSense(0, false, 18);
        ScsiResult r = Harness.run(n, t);
        Harness.assertGood(r);
        return t.dataInBytes(r.dataInLength());
    }

    @Test
    void theUnitsConditionFollowsThePendingUnitAttention() throws Exception {
        h.lun("d0");
        h.target("t1", "lun.0", "d0");
        Nexus n = h.nexus();
        Fakes.Unit unit = h.devices.created.get(0);
        unit.condition = SenseReason.MEDIUM_NOT_PRESENT.sense();
        byte[] first = requestSense(n);
        assertEquals(0x06, first[2] & 0x0F, "the power-on unit attention comes first");
        byte[] then = requestSense(n);
        assertEquals(0x02, then[2] & 0x0F, "NOT READY");
        assertEquals(0x3A, then[12] & 0xFF, "MEDIUM NOT PRESENT");
        unit.condition = null;
        byte[] ready = requestSense(n);
        assertEquals(0x00, ready[2] & 0x0F, "NO SENSE");
        assertEquals(0x00, ready[12] & 0xFF);
    }
}
