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
 * A command that goes on in its device after it started (its work on io_uring's workers or the
 * I/O threads) is counted on its loop until it completes, so that the loop does not busy-poll
 * meanwhile; one that completes at once is not counted.
 */
class DeviceWorkTest {
    private final FakeScsiTarget disk = new FakeScsiTarget(Wire.TARGET);

    private static ScsiCommand read(Wire w, int lba) {
        return new ScsiCommand(false, true, true, false, 1, 0, ++w.itt, 512, w.cmdSn++, w.expStatSn,
                FullFeatureTest.read10(lba, 1), -1, Unpooled.EMPTY_BUFFER);
    }

    @Test
    void aCommandWorkingElsewhereIsCountedUntilItCompletes() {
        try (Wire w = new Wire(Wire.fabric(disk))) {
            w.loginNormal();
            FakeNexus n = disk.lastNexus();
            int before = DeviceWork.pending();
            w.send(read(w, 1));
            List<Pdu> out = w.receive();
            assertEquals(1, out.size(), () -> "answered at once: " + out);
            out.forEach(Pdu::release);
            assertEquals(before, DeviceWork.pending(), "a command completed inline is not counted");

            n.hold(true);
            w.send(read(w, 2));
            w.send(read(w, 3));
            assertEquals(before + 2, DeviceWork.pending(), "two commands working elsewhere");
            n.hold(false);
            n.releaseHeld();
            List<Pdu> done = w.receive();
            assertEquals(2, done.size(), () -> "both answered: " + done);
            assertEquals(List.of(w.itt - 1, w.itt), done.stream().map(Pdu::itt).toList(), "their answers");
            done.forEach(Pdu::release);
            assertEquals(before, DeviceWork.pending(), "counted off as they completed");
        }
    }
}
