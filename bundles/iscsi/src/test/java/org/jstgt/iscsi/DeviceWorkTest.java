package org.jstgt.iscsi;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;

import io.netty.buffer.Unpooled;

import org.jstgt.iscsi.pdu.Pdu;
import org.jstgt.iscsi.pdu.ScsiCommand;
import org.jstgt.iscsi.poll.DeviceWork;
import org.jstgt.testkit.FakeNexus;
import org.jstgt.testkit.FakeScsiTarget;
import org.junit.jupiter.api.Test;

/**
 * A write that goes on in its device after it started (its work on io_uring's workers or the I/O
 * threads) is counted on its loop until it completes, so that the loop does not busy-poll
 * meanwhile; one that completes at once is not counted, nor is a READ.
 */
class DeviceWorkTest {
    private final FakeScsiTarget disk = new FakeScsiTarget(Wire.TARGET);

    private static ScsiCommand write(Wire w, int lba) {
        return new ScsiCommand(false, true, false, true, 1, 0, ++w.itt, 512, w.cmdSn++, w.expStatSn,
                FullFeatureTest.write10(lba, 1), -1, FullFeatureTest.pattern(512, lba));
    }

    private static ScsiCommand read(Wire w, int lba) {
        return new ScsiCommand(false, true, true, false, 1, 0, ++w.itt, 512, w.cmdSn++, w.expStatSn,
                FullFeatureTest.read10(lba, 1), -1, Unpooled.EMPTY_BUFFER);
    }

    private static void answered(Wire w, int n) {
        List<Pdu> out = w.receive();
        assertEquals(n, out.size(), () -> "answers: " + out);
        out.forEach(Pdu::release);
    }

    @Test
    void aWriteWorkingElsewhereIsCountedUntilItCompletes() {
        try (Wire w = new Wire(Wire.fabric(disk))) {
            w.loginNormal("ImmediateData=Yes");
            FakeNexus n = disk.lastNexus();
            int before = DeviceWork.pending();
            w.send(write(w, 1));
            answered(w, 1);
            assertEquals(before, DeviceWork.pending(), "a write completed inline is not counted");

            n.hold(true);
            w.send(write(w, 2));
            w.send(write(w, 3));
            assertEquals(before + 2, DeviceWork.pending(), "two writes working elsewhere");
            n.hold(false);
            n.releaseHeld();
            answered(w, 2);
            assertEquals(before, DeviceWork.pending(), "counted off as they completed");
        }
    }

    @Test
    void aReadIsNotCounted() {
        try (Wire w = new Wire(Wire.fabric(disk))) {
            w.loginNormal();
            FakeNexus n = disk.lastNexus();
            int before = DeviceWork.pending();
            n.hold(true);
            w.send(read(w, 1));
            assertEquals(before, DeviceWork.pending(), "a READ waits for its own data or turn, not for other threads");
            n.hold(false);
            n.releaseHeld();
            answered(w, 1);
            assertEquals(before, DeviceWork.pending());
        }
    }
}
