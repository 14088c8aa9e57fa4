package org.jstgt.iscsi;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;

import org.jstgt.iscsi.connection.Fabric;
import org.jstgt.iscsi.pdu.DataIn;
import org.jstgt.iscsi.pdu.DataOut;
import org.jstgt.iscsi.pdu.LoginRequest;
import org.jstgt.iscsi.pdu.LoginResponse;
import org.jstgt.iscsi.pdu.LogoutRequest;
import org.jstgt.iscsi.pdu.LogoutResponse;
import org.jstgt.iscsi.pdu.Pdu;
import org.jstgt.iscsi.pdu.R2t;
import org.jstgt.iscsi.pdu.ScsiCommand;
import org.jstgt.iscsi.pdu.ScsiResponse;
import org.jstgt.iscsi.pdu.TaskMgmtRequest;
import org.jstgt.iscsi.pdu.TaskMgmtResponse;
import org.jstgt.testkit.FakeNexus;
import org.jstgt.testkit.FakeScsiTarget;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * ErrorRecoveryLevel 2 (RFC 7143 §7.2.2, §11.5.1 TASK REASSIGN): the tasks of a connection that
 * failed, or that a Logout removed for recovery, wait DefaultTime2Wait + DefaultTime2Retain for a
 * TASK REASSIGN on another connection of the session, which then answers them (held status, R2Ts
 * for the data still missing, read data and status sent again); a session whose last connection
 * failed waits as long for a connection to come back.
 */
class ConnectionRecoveryTest {
    private final FakeScsiTarget disk = new FakeScsiTarget(Wire.TARGET);
    private Fabric fabric;
    private Wire first;
    private int tsih;

    @BeforeEach
    void levelTwo() {
        disk.properties().put("error.recovery.level", "2");
        fabric = Wire.fabric(disk);
    }

    private Wire leading(String... extra) {
        first = new Wire(fabric);
        String[] keys = Arrays.copyOf(new String[] {"ErrorRecoveryLevel=2", "MaxConnections=2", "InitialR2T=Yes",
            "ImmediateData=No"}, 4 + extra.length);
        System.arraycopy(extra, 0, keys, 4, extra.length);
        tsih = first.loginNormal(keys).tsih();
        return first;
    }

    /** A connection joining the session with CID {@code cid}; CmdSN is the session's (first's counter). */
    private Wire join(int cid) {
        Wire w = new Wire(fabric);
        w.send(new LoginRequest(true, false, 1, 3, 0, 0, Wire.ISID, tsih, 0x700 + cid, cid, first.cmdSn, 0,
                Wire.text("InitiatorName=" + Wire.INITIATOR, "TargetName=" + Wire.TARGET, "SessionType=Normal")));
        LoginResponse r = w.one(LoginResponse.class);
        assertEquals(0, r.status(), "joined");
        w.expStatSn = r.statSn() + 1;
        r.release();
        w.itt = 0x5000 * cid;
        return w;
    }

    private ScsiCommand cmd(Wire on, byte[] cdb, boolean read, boolean write, int edtl) {
        return new ScsiCommand(false, true, read, write, 1, 0, ++on.itt, edtl, first.cmdSn++, on.expStatSn, cdb, -1,
                Unpooled.EMPTY_BUFFER);
    }

    /** Logs the session out on {@code on} (nothing it kept waits for recovery), then closes it. */
    private void logout(Wire on) {
        on.send(new LogoutRequest(true, LogoutRequest.CLOSE_SESSION, ++on.itt, 0, first.cmdSn, on.expStatSn));
        on.receive().forEach(Pdu::release);
        on.target.runPendingTasks();
        on.close();
    }

    private TaskMgmtResponse reassign(Wire on, int itt, int expDataSn, List<Pdu> after) {
        on.send(new TaskMgmtRequest(true, TaskMgmtRequest.TASK_REASSIGN, 0, ++on.itt, itt, first.cmdSn,
                on.expStatSn, 0, expDataSn));
        List<Pdu> out = on.receive();
        assertFalse(out.isEmpty(), "a Task Management Response");
        TaskMgmtResponse r = (TaskMgmtResponse) out.get(0);
        after.addAll(out.subList(1, out.size()));
        return r;
    }

    @Test
    void aReadInTheDeviceWhenItsConnectionFailsIsAnsweredWhereItIsReassigned() {
        Wire a = leading();
        Wire b = join(2);
        FakeNexus n = disk.lastNexus();
        n.hold(true);
        ScsiCommand read = cmd(b, FullFeatureTest.read10(4, 2), true, false, 1024);
        b.send(read);
        assertEquals(1, n.heldCount());
        b.target.close();
        n.hold(false);
        n.releaseHeld();
        assertTrue(a.receive().isEmpty(), "held for its reassignment");
        List<Pdu> after = new java.util.ArrayList<>();
        TaskMgmtResponse r = reassign(a, read.itt(), 0, after);
        assertEquals(TaskMgmtResponse.FUNCTION_COMPLETE, r.response());
        assertEquals(1, after.size(), "the read's data and status, after the TMF response: " + after);
        DataIn d = (DataIn) after.get(0);
        assertTrue(d.statusPresent());
        assertEquals(r.statSn() + 1, d.statSn(), "this connection's StatSN");
        assertArrayEquals(Arrays.copyOfRange(n.bytes(), 4 * 512, 6 * 512), ByteBufUtil.getBytes(d.data()));
        d.release();
        logout(a);
    }

    @Test
    void aWriteInItsDataPhaseGetsR2tsForTheRestOnTheConnectionItIsReassignedTo() {
        Wire a = leading();
        Wire b = join(2);
        ByteBuf all = FullFeatureTest.pattern(2048, 41);
        ScsiCommand write = cmd(b, FullFeatureTest.write10(8, 4), false, true, 2048);
        b.send(write);
        R2t r2t = b.one(R2t.class);
        b.send(new DataOut(false, 0, write.itt(), r2t.ttt(), b.expStatSn, 0, 0, all.retainedSlice(0, 1024)));
        // b is removed for recovery by a Logout on a (RFC 7143 §11.14.1 reason 2)
        a.send(new LogoutRequest(true, LogoutRequest.REMOVE_FOR_RECOVERY, ++a.itt, 2, first.cmdSn, a.expStatSn));
        LogoutResponse lr = a.one(LogoutResponse.class);
        assertEquals(0, lr.response());
        assertEquals(20, lr.time2Retain(), "how long its tasks wait");
        b.target.runPendingTasks();
        List<Pdu> after = new java.util.ArrayList<>();
        TaskMgmtResponse r = reassign(a, write.itt(), 0, after);
        assertEquals(TaskMgmtResponse.FUNCTION_COMPLETE, r.response());
        assertEquals(1, after.size(), "an R2T for the data not received: " + after);
        R2t rest = (R2t) after.get(0);
        assertEquals(1024, rest.bufferOffset());
        assertEquals(1024, rest.desiredDataTransferLength());
        assertEquals(1, rest.r2tSn(), "the task's next R2TSN");
        a.send(new DataOut(true, 0, write.itt(), rest.ttt(), a.expStatSn, 0, 1024, all.retainedSlice(1024, 1024)));
        ScsiResponse done = a.one(ScsiResponse.class);
        assertEquals(0, done.status());
        done.release();
        assertArrayEquals(ByteBufUtil.getBytes(all), Arrays.copyOfRange(disk.lastNexus().bytes(), 8 * 512, 12 * 512));
        all.release();
        logout(a);
        b.close();
    }

    @Test
    void anAnsweredReadTheInitiatorDidNotAcknowledgeIsSentAgainAfterItsReassignment() {
        Wire a = leading();
        Wire b = join(2);
        ScsiCommand read = cmd(b, FullFeatureTest.read10(0, 4), true, false, 2048);
        b.send(read);
        DataIn lost = b.one(DataIn.class);
        byte[] data = ByteBufUtil.getBytes(lost.data());
        lost.release();
        b.target.close(); // before anything acknowledged its status
        List<Pdu> after = new java.util.ArrayList<>();
        TaskMgmtResponse r = reassign(a, read.itt(), 0, after);
        assertEquals(TaskMgmtResponse.FUNCTION_COMPLETE, r.response());
        assertEquals(1, after.size(), "" + after);
        DataIn again = (DataIn) after.get(0);
        assertTrue(again.statusPresent());
        assertEquals(r.statSn() + 1, again.statSn());
        assertArrayEquals(data, ByteBufUtil.getBytes(again.data()));
        again.release();
        // a task whose connection serves is still allegiant; an unknown one does not exist
        List<Pdu> none = new java.util.ArrayList<>();
        assertEquals(TaskMgmtResponse.TASK_DOES_NOT_EXIST, reassign(a, 0x7777, 0, none).response());
        disk.lastNexus().hold(true);
        ScsiCommand mine = cmd(a, FullFeatureTest.read10(0, 1), true, false, 512);
        a.send(mine);
        assertEquals(TaskMgmtResponse.TASK_STILL_ALLEGIANT, reassign(a, mine.itt(), 0, none).response());
        disk.lastNexus().hold(false);
        disk.lastNexus().releaseHeld();
        a.receive().forEach(Pdu::release);
        logout(a);
    }

    @Test
    void tasksNobodyReassignsExpireAfterTime2WaitAndTime2Retain() {
        Wire a = leading("DefaultTime2Wait=0", "DefaultTime2Retain=3");
        Wire b = join(2);
        ScsiCommand write = cmd(b, FullFeatureTest.write10(2, 1), false, true, 512);
        b.send(write);
        b.one(R2t.class).release();
        b.target.close();
        List<Pdu> none = new java.util.ArrayList<>();
        // DefaultTime2Wait 2 (the larger of the offers) + DefaultTime2Retain 3, on the session's loop
        a.target.advanceTimeBy(6, TimeUnit.SECONDS);
        a.target.runScheduledPendingTasks();
        assertEquals(TaskMgmtResponse.TASK_DOES_NOT_EXIST, reassign(a, write.itt(), 0, none).response(),
                "aborted once DefaultTime2Wait + DefaultTime2Retain passed");
        logout(a);
    }

    @Test
    void aSessionWhoseLastConnectionFailedWaitsForOneToComeBack() {
        Wire a = leading();
        ScsiCommand write = cmd(a, FullFeatureTest.write10(2, 1), false, true, 512);
        a.send(write);
        a.one(R2t.class).release();
        a.target.close();
        assertNotNull(fabric.sessions().session(tsih), "the session waits for a connection");
        Wire c = join(3);
        List<Pdu> after = new java.util.ArrayList<>();
        assertEquals(TaskMgmtResponse.FUNCTION_COMPLETE, reassign(c, write.itt(), 0, after).response());
        R2t r2t = (R2t) after.get(0);
        assertEquals(0, r2t.bufferOffset());
        c.send(new DataOut(true, 0, write.itt(), r2t.ttt(), c.expStatSn, 0, 0, FullFeatureTest.pattern(512, 3)));
        assertEquals(0, c.one(ScsiResponse.class).status());
        logout(c);
    }

    @Test
    void belowLevelTwoReassignmentIsNotSupported() {
        disk.properties().put("error.recovery.level", "1");
        try (Wire w = new Wire(fabric)) {
            w.loginNormal("ErrorRecoveryLevel=2");
            first = w;
            List<Pdu> none = new java.util.ArrayList<>();
            assertEquals(TaskMgmtResponse.REASSIGNMENT_NOT_SUPPORTED, reassign(w, 1, 0, none).response());
        }
    }
}
