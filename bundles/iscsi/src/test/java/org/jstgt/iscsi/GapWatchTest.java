package org.jstgt.iscsi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.TimeUnit;

import io.netty.buffer.Unpooled;

import org.jstgt.iscsi.connection.Fabric;
import org.jstgt.iscsi.pdu.LoginRequest;
import org.jstgt.iscsi.pdu.LoginResponse;
import org.jstgt.iscsi.pdu.Pdu;
import org.jstgt.iscsi.pdu.ScsiCommand;
import org.jstgt.iscsi.pdu.ScsiResponse;
import org.jstgt.testkit.FakeScsiTarget;
import org.junit.jupiter.api.Test;

/**
 * A session that lost one of its connections below ErrorRecoveryLevel 2 while a command sent on it
 * never arrived: the commands of the other connection wait behind the CmdSN gap, and the session
 * is ended after two checks without progress, so that the initiator recovers it; a gap filled in
 * time (ABORT TASK, retry) ends nothing.
 */
class GapWatchTest {
    private final FakeScsiTarget disk = new FakeScsiTarget(Wire.TARGET);
    private final Fabric fabric = Wire.fabric(disk);

    private Wire join(Wire first, int tsih) {
        Wire w = new Wire(fabric);
        w.send(new LoginRequest(true, false, 1, 3, 0, 0, Wire.ISID, tsih, 0x700, 2, first.cmdSn, 0,
                Wire.text("InitiatorName=" + Wire.INITIATOR, "TargetName=" + Wire.TARGET, "SessionType=Normal")));
        LoginResponse r = w.one(LoginResponse.class);
        assertEquals(0, r.status());
        r.release();
        return w;
    }

    private static ScsiCommand tur(Wire w, int cmdSn) {
        return new ScsiCommand(false, true, false, false, 1, 0, ++w.itt, 0, cmdSn, w.expStatSn,
                new byte[] {0, 0, 0, 0, 0, 0}, -1, Unpooled.EMPTY_BUFFER);
    }

    @Test
    void commandsStalledBehindTheGapOfALostConnectionEndTheSession() {
        Wire a = new Wire(fabric);
        int tsih = a.loginNormal("MaxConnections=2").tsih();
        Wire b = join(a, tsih);
        int lost = a.cmdSn++; // sent on b, never arrived
        a.send(tur(a, a.cmdSn++));
        assertTrue(a.receive().isEmpty(), "waits behind CmdSN " + lost);
        b.target.close();
        a.target.advanceTimeBy(5, TimeUnit.SECONDS);
        a.target.runScheduledPendingTasks();
        assertNotNull(fabric.sessions().session(tsih), "one check without progress is not enough");
        a.target.advanceTimeBy(5, TimeUnit.SECONDS);
        a.target.runScheduledPendingTasks();
        a.target.runPendingTasks();
        assertFalse(a.target.isOpen(), "the session ended: the initiator recovers it");
        assertNull(fabric.sessions().session(tsih));
        a.close();
    }

    @Test
    void aGapFilledInTimeEndsNothing() {
        Wire a = new Wire(fabric);
        int tsih = a.loginNormal("MaxConnections=2").tsih();
        Wire b = join(a, tsih);
        int lost = a.cmdSn++;
        a.send(tur(a, a.cmdSn++));
        b.target.close();
        a.target.advanceTimeBy(5, TimeUnit.SECONDS);
        a.target.runScheduledPendingTasks();
        a.send(tur(a, lost)); // the initiator retries it (or aborts it by RefCmdSN)
        assertEquals(2, a.receive().stream().peek(Pdu::release).filter(p -> p instanceof ScsiResponse).count());
        a.target.advanceTimeBy(60, TimeUnit.SECONDS);
        a.target.runScheduledPendingTasks();
        assertTrue(a.target.isOpen());
        assertNotNull(fabric.sessions().session(tsih));
        a.close();
    }
}
