package org.jstgt.iscsi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import io.netty.buffer.ByteBuf;

import org.jstgt.api.scsi.SenseReason;
import org.jstgt.iscsi.pdu.AsyncMessage;
import org.jstgt.iscsi.pdu.Pdu;
import org.jstgt.testkit.FakeNexus;
import org.jstgt.testkit.FakeScsiTarget;
import org.junit.jupiter.api.Test;

/**
 * Unit attentions reported with Asynchronous Messages (RFC 7143 §11.9.1, AsyncEvent 0) when the
 * target's {@code async.events} asks for it: one message per distinct condition raised together,
 * with the LUN and the sense data.
 */
class AsyncEventsTest {
    private final FakeScsiTarget disk = new FakeScsiTarget(Wire.TARGET);

    @Test
    void unitAttentionsRaisedTogetherLeaveAsOneMessagePerCondition() {
        disk.properties().put("async.events", "true");
        try (Wire w = new Wire(Wire.fabric(disk))) {
            w.loginNormal();
            FakeNexus n = disk.lastNexus();
            for (int lun = 2; lun >= 0; lun--) {
                n.unitAttention(lun, SenseReason.REPORTED_LUNS_DATA_HAS_CHANGED.sense());
            }
            n.unitAttention(300, SenseReason.CAPACITY_DATA_HAS_CHANGED.sense());
            w.target.runPendingTasks();
            List<Pdu> out = w.receive();
            assertEquals(2, out.size(), "one message per condition: " + out);
            AsyncMessage luns = (AsyncMessage) out.get(0);
            assertEquals(AsyncMessage.EVENT_SCSI, luns.asyncEvent());
            assertEquals(0L, luns.lun(), "the lowest LUN raising it");
            assertSense(luns.data(), 0x3f, 0x0e);
            AsyncMessage capacity = (AsyncMessage) out.get(1);
            assertEquals(0x412cL << 48, capacity.lun(), "LUN 300, flat addressing");
            assertSense(capacity.data(), 0x2a, 0x09);
            assertEquals(luns.statSn() + 1, capacity.statSn(), "each carries a StatSN of its own");
            out.forEach(Pdu::release);
        }
    }

    /**
     * Off unless the target asks for it: the Linux kernel hands an Asynchronous Message to iscsid, and
     * kills the connection when no iscsid listens (sessions logged in by iscsistart, as initramfs
     * boot from iSCSI does, before iscsid runs). LinuxInitiatorIT checks that with a real kernel.
     */
    @Test
    void aTargetSendsNoneByDefault() {
        try (Wire w = new Wire(Wire.fabric(disk))) {
            w.loginNormal();
            disk.lastNexus().unitAttention(0, SenseReason.REPORTED_LUNS_DATA_HAS_CHANGED.sense());
            w.target.runPendingTasks();
            assertTrue(w.receive().isEmpty());
        }
    }

    private static void assertSense(ByteBuf data, int asc, int ascq) {
        assertEquals(18, data.getUnsignedShort(0), "SenseLength, then fixed format sense data");
        assertEquals(0x70, data.getUnsignedByte(2) & 0x7f);
        assertEquals(0x06, data.getUnsignedByte(4) & 0x0f, "UNIT ATTENTION");
        assertEquals(asc, data.getUnsignedByte(2 + 12));
        assertEquals(ascq, data.getUnsignedByte(2 + 13));
    }
}
