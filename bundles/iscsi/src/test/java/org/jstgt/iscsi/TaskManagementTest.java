package org.jstgt.iscsi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

import io.netty.buffer.Unpooled;

import org.jstgt.api.scsi.ScsiStatus;
import org.jstgt.api.target.ScsiResult;
import org.jstgt.api.target.ScsiTarget;
import org.jstgt.api.target.TargetRegistry;
import org.jstgt.iscsi.connection.Fabric;
import org.jstgt.iscsi.pdu.Bhs;
import org.jstgt.iscsi.pdu.LoginResponse;
import org.jstgt.iscsi.pdu.NopIn;
import org.jstgt.iscsi.pdu.NopOut;
import org.jstgt.iscsi.pdu.Pdu;
import org.jstgt.iscsi.pdu.ScsiCommand;
import org.jstgt.iscsi.pdu.ScsiResponse;
import org.jstgt.iscsi.pdu.TaskMgmtRequest;
import org.jstgt.iscsi.pdu.TaskMgmtResponse;
import org.jstgt.iscsi.text.PortalEndpoint;
import org.jstgt.testkit.FakeNexus;
import org.jstgt.testkit.FakeScsiTarget;
import org.junit.jupiter.api.Test;

/**
 * Task management answers only when the affected tasks are gone (RFC 7143 §4.2.3.4, §11.5; SAM-5
 * §5.6), so does a reinstating login (§6.3.5), and a task's completion always ends in an answer or
 * a dropped connection.
 */
class TaskManagementTest {
    private final FakeScsiTarget disk = new FakeScsiTarget(Wire.TARGET);
    private final ScriptedTarget scripted = new ScriptedTarget(disk);

    static Fabric fabric(ScsiTarget target) {
        TargetRegistry registry = new TargetRegistry() {
            @Override
            public List<ScsiTarget> targets() {
                return List.of(target);
            }

            @Override
            public Optional<ScsiTarget> target(String iqn) {
                return iqn.equalsIgnoreCase(target.iqn()) ? Optional.of(target) : Optional.empty();
            }
        };
        return new Fabric(() -> registry, () -> List.of(new PortalEndpoint("main", 1,
                List.of(new InetSocketAddress("127.0.0.1", 3260)))));
    }

    private static ScsiCommand read(Wire w, int blocks) {
        return new ScsiCommand(false, true, true, false, 1, 0, ++w.itt, blocks * 512, w.cmdSn++, w.expStatSn,
                FullFeatureTest.read10(0, blocks), -1, Unpooled.EMPTY_BUFFER);
    }

    private static TaskMgmtRequest tmf(Wire w, int function, int referenced, int refCmdSn) {
        return new TaskMgmtRequest(true, function, 0, 0x900 + function, referenced, w.cmdSn, w.expStatSn, refCmdSn,
                0);
    }

    /** @return MaxCmdSN - ExpCmdSN + 1 as a NOP-In reports it: the free command slots */
    private static int freeSlots(Wire w) {
        w.send(new NopOut(true, 0, 0x77, Bhs.NO_TAG, w.cmdSn, w.expStatSn, Unpooled.EMPTY_BUFFER));
        NopIn nop = w.one(NopIn.class);
        nop.release();
        return nop.maxCmdSn() - nop.expCmdSn() + 1;
    }

    @Test
    void abortTaskOfAnExecutingCommandAnswersWhenTheDeviceCompletedIt() {
        try (Wire w = new Wire(Wire.fabric(disk))) {
            w.loginNormal();
            FakeNexus nexus = disk.lastNexus();
            nexus.hold(true);
            ScsiCommand c = read(w, 1);
            w.send(c);
            w.send(tmf(w, TaskMgmtRequest.ABORT_TASK, c.itt(), c.cmdSn()));
            assertTrue(w.receive().isEmpty(), "no answer while the command still runs in the device");
            nexus.releaseHeld();
            TaskMgmtResponse r = w.one(TaskMgmtResponse.class);
            assertEquals(TaskMgmtResponse.FUNCTION_COMPLETE, r.response());
            assertTrue(w.receive().isEmpty(), "the aborted command's response is suppressed");
        }
    }

    @Test
    void abortTaskWaitsForTheCoreToStopTheCommand() {
        try (Wire w = new Wire(fabric(scripted))) {
            w.loginNormal();
            int free = freeSlots(w);
            ScsiCommand c = read(w, 1);
            w.send(c);
            w.send(tmf(w, TaskMgmtRequest.ABORT_TASK, c.itt(), c.cmdSn()));
            ScriptedTarget.Command cmd = scripted.executed.get(0);
            assertTrue(cmd.abortCalled.get(), "the core was asked to abort it");
            cmd.execution.complete(ScsiResult.ABORTED);
            assertTrue(w.receive().isEmpty(), "the core has not let go of it yet");
            cmd.aborted.complete(null);
            assertEquals(TaskMgmtResponse.FUNCTION_COMPLETE, w.one(TaskMgmtResponse.class).response());
            assertEquals(free, freeSlots(w), "its slot is free again");
        }
    }

    @Test
    void otherCommandsFlowWhileAnAbortWaits() {
        try (Wire w = new Wire(fabric(scripted))) {
            w.loginNormal();
            ScsiCommand c = read(w, 1);
            w.send(c);
            w.send(tmf(w, TaskMgmtRequest.ABORT_TASK, c.itt(), c.cmdSn()));
            w.send(read(w, 1));
            ScriptedTarget.Command second = scripted.executed.get(1);
            second.execution.complete(ScsiResult.good(512));
            List<Pdu> out = w.receive();
            assertEquals(1, out.size(), () -> "the second read's data and status, got " + out);
            out.forEach(Pdu::release);
            scripted.executed.get(0).aborted.complete(null);
            scripted.executed.get(0).execution.complete(ScsiResult.good(512));
            assertEquals(TaskMgmtResponse.FUNCTION_COMPLETE, w.one(TaskMgmtResponse.class).response());
        }
    }

    @Test
    void logicalUnitResetAnswersWhenTheUnitsTasksAreGone() {
        try (Wire w = new Wire(fabric(scripted))) {
            w.loginNormal();
            scripted.reset = new CompletableFuture<>();
            ScsiCommand c = read(w, 1);
            w.send(c);
            w.send(tmf(w, TaskMgmtRequest.LOGICAL_UNIT_RESET, Bhs.NO_TAG, 0));
            ScriptedTarget.Command cmd = scripted.executed.get(0);
            cmd.aborted.complete(null);
            cmd.execution.complete(ScsiResult.ABORTED);
            assertTrue(w.receive().isEmpty(), "the reset of the unit has not finished");
            scripted.reset.complete(true);
            assertEquals(TaskMgmtResponse.FUNCTION_COMPLETE, w.one(TaskMgmtResponse.class).response());
        }
    }

    @Test
    void aTaskTheCoreEndsWithoutAResponseFreesItsSlot() {
        try (Wire w = new Wire(fabric(scripted))) {
            w.loginNormal();
            int free = freeSlots(w);
            w.send(read(w, 1));
            assertEquals(free - 1, freeSlots(w));
            scripted.executed.get(0).execution.complete(ScsiResult.ABORTED);
            assertEquals(free, freeSlots(w), "no response, the slot is free");
        }
    }

    @Test
    void aTaskAbortedByAnotherNexusIsAnsweredTaskAbortedAndFreesItsSlot() {
        try (Wire w = new Wire(fabric(scripted))) {
            w.loginNormal();
            int free = freeSlots(w);
            ScsiCommand c = read(w, 1);
            w.send(c);
            // another nexus's PREEMPT AND ABORT or reset, TAS 1: the initiator learns of it at once
            scripted.executed.get(0).execution.complete(ScsiResult.TASK_ABORTED);
            ScsiResponse r = w.one(ScsiResponse.class);
            assertEquals(c.itt(), r.itt());
            assertEquals(ScsiStatus.TASK_ABORTED, r.status());
            assertEquals(0, r.response(), "command completed at target");
            assertEquals(free, freeSlots(w));
        }
    }

    @Test
    void aFailureWhileAnsweringBecomesInternalTargetFailure() {
        try (Wire w = new Wire(fabric(scripted))) {
            w.loginNormal();
            int free = freeSlots(w);
            scripted.breakAfterExecute = true;
            ScsiCommand c = read(w, 1);
            w.send(c);
            scripted.executed.get(0).execution.complete(ScsiResult.good(512));
            ScsiResponse r = w.one(ScsiResponse.class);
            assertEquals(c.itt(), r.itt());
            assertEquals(ScsiStatus.CHECK_CONDITION, r.status());
            // SenseLength (2 bytes), then fixed sense: key at byte 2, ASC/ASCQ at 12/13
            assertEquals(0x04, r.data().getByte(2 + 2) & 0x0F, "HARDWARE ERROR");
            assertEquals(0x44, r.data().getByte(2 + 12) & 0xFF, "INTERNAL TARGET FAILURE");
            r.release();
            assertEquals(free, freeSlots(w), "the slot is free");
            assertTrue(w.target.isOpen());
        }
    }
    /** @return the old session's command, running in the device while the same initiator port logs in again */
    private ScriptedTarget.Command reinstateWhileACommandRuns(Wire old, Wire renewed) {
        old.loginNormal();
        old.send(read(old, 1));
        renewed.send(renewed.login(true, 1, 3, 0, Wire.text("InitiatorName=" + Wire.INITIATOR,
                "TargetName=" + Wire.TARGET, "SessionType=Normal")));
        old.target.runPendingTasks();
        return scripted.executed.get(0);
    }

    @Test
    void reinstatementAnswersTheNewLoginOnlyWhenTheOldSessionsCommandsAreGone() {
        Fabric f = fabric(scripted);
        try (Wire old = new Wire(f); Wire renewed = new Wire(f)) {
            ScriptedTarget.Command cmd = reinstateWhileACommandRuns(old, renewed);
            assertTrue(cmd.abortCalled.get(), "the old session's tasks are aborted");
            assertFalse(old.target.isOpen(), "the old connection is closed");
            assertTrue(renewed.receive().isEmpty(), "no final Login Response while an old command is in the device");
            assertEquals(1, scripted.opened.get(), "the new nexus opens after the old session's commands are gone");
            cmd.aborted.complete(null);
            cmd.execution.complete(ScsiResult.ABORTED);
            old.target.runPendingTasks();
            LoginResponse r = renewed.one(LoginResponse.class);
            assertEquals(0, r.status(), "login status");
            r.release();
            assertEquals(2, scripted.opened.get());
            assertEquals(1, f.sessionInfos().size());
        }
    }

    @Test
    void aLoginWaitingForTheOldSessionReleasesWhatItHeldWhenItsConnectionCloses() {
        Fabric f = fabric(scripted);
        try (Wire old = new Wire(f); Wire renewed = new Wire(f)) {
            ScriptedTarget.Command cmd = reinstateWhileACommandRuns(old, renewed);
            renewed.target.close();
            cmd.aborted.complete(null);
            cmd.execution.complete(ScsiResult.ABORTED);
            old.target.runPendingTasks();
            renewed.target.runPendingTasks();
            assertEquals(1, scripted.opened.get(), "no session for a login whose connection is gone");
            assertTrue(f.sessionInfos().isEmpty());
        }
    }
    @Test
    void tasksOfASessionThatEndedAreAbortedInTheCore() {
        try (Wire w = new Wire(fabric(scripted))) {
            w.loginNormal();
            w.send(read(w, 1));
            w.target.close();
            ScriptedTarget.Command cmd = scripted.executed.get(0);
            assertTrue(cmd.abortCalled.get(), "a held or queued command of a gone session must not run later");
            cmd.aborted.complete(null);
            cmd.execution.complete(ScsiResult.ABORTED);
            w.target.runPendingTasks();
            assertTrue(w.fabric.sessionInfos().isEmpty());
        }
    }
}
