package org.jstgt.iscsi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.CompletableFuture;

import io.netty.buffer.Unpooled;

import org.jstgt.api.target.ScsiResult;
import org.jstgt.iscsi.connection.Fabric;
import org.jstgt.iscsi.login.TargetSettings;
import org.jstgt.iscsi.pdu.Bhs;
import org.jstgt.iscsi.pdu.LoginResponse;
import org.jstgt.iscsi.pdu.Pdu;
import org.jstgt.iscsi.pdu.ScsiCommand;
import org.jstgt.iscsi.pdu.TaskMgmtRequest;
import org.jstgt.iscsi.pdu.TaskMgmtResponse;
import org.jstgt.testkit.FakeScsiTarget;
import org.junit.jupiter.api.Test;

/**
 * CLEAR TASK SET, CLEAR ACA, TARGET WARM RESET and TARGET COLD RESET (RFC 7143 §11.5.1, §11.6.1):
 * the response codes, answers that wait for the affected tasks, the refusals (discovery session,
 * {@code tmf.target.reset}), and a cold reset closing the target's connections after its response.
 */
class ClearAndResetTmfTest {
    private static final String OTHER_INITIATOR = "iqn.2026-11.org.example:host2";
    private final FakeScsiTarget disk = new FakeScsiTarget(Wire.TARGET);
    private final ScriptedTarget scripted = new ScriptedTarget(disk);

    private Fabric resettable() {
        disk.properties().put(TargetSettings.TMF_TARGET_RESET, "true");
        return TaskManagementTest.fabric(scripted);
    }

    private static ScsiCommand read(Wire w) {
        return new ScsiCommand(false, true, true, false, 1, 0, ++w.itt, 512, w.cmdSn++, w.expStatSn,
                FullFeatureTest.read10(0, 1), -1, Unpooled.EMPTY_BUFFER);
    }

    /** A request for LUN {@code lun} (single level, peripheral addressing). */
    private static TaskMgmtRequest tmf(Wire w, int function, int lun) {
        return new TaskMgmtRequest(true, function, (long) lun << 48, 0x900 + function, Bhs.NO_TAG, w.cmdSn,
                w.expStatSn, 0, 0);
    }

    private static int answer(Wire w) {
        return w.one(TaskMgmtResponse.class).response();
    }

    private static void loginOther(Wire w) {
        LoginResponse r = w.loginStep(true, 1, 3, "InitiatorName=" + OTHER_INITIATOR, "TargetName=" + Wire.TARGET,
                "SessionType=Normal");
        assertEquals(0, r.status(), "login status");
        r.release();
    }

    @Test
    void clearTaskSetAnswersWhenTheUnitsTasksOfEveryNexusAreGone() {
        try (Wire w = new Wire(TaskManagementTest.fabric(scripted))) {
            w.loginNormal();
            scripted.clear = new CompletableFuture<>();
            w.send(read(w));
            w.send(tmf(w, TaskMgmtRequest.CLEAR_TASK_SET, 0));
            ScriptedTarget.Command cmd = scripted.executed.get(0);
            assertTrue(cmd.abortCalled.get(), "this session's task is aborted");
            cmd.aborted.complete(null);
            cmd.execution.complete(ScsiResult.ABORTED);
            assertTrue(w.receive().isEmpty(), "the core has not cleared the task set yet");
            scripted.clear.complete(true);
            assertEquals(TaskMgmtResponse.FUNCTION_COMPLETE, answer(w));
            assertTrue(w.receive().isEmpty(), "the aborted command gets no response");
        }
    }

    @Test
    void clearTaskSetOfAnUnmappedLunAnswersLunDoesNotExistAndClearAcaIsNotSupported() {
        try (Wire w = new Wire(TaskManagementTest.fabric(scripted))) {
            w.loginNormal();
            w.send(tmf(w, TaskMgmtRequest.CLEAR_TASK_SET, 9));
            assertEquals(TaskMgmtResponse.LUN_DOES_NOT_EXIST, answer(w));
            // no ACA condition can exist (NACA 1 is refused): CLEAR ACA stays unsupported
            w.send(tmf(w, TaskMgmtRequest.CLEAR_ACA, 0));
            assertEquals(TaskMgmtResponse.NOT_SUPPORTED, answer(w));
        }
    }

    @Test
    void targetResetsAreRefusedUnlessTheTargetSaysTrue() {
        for (String value : new String[] {null, "false", "yes"}) {
            FakeScsiTarget t = new FakeScsiTarget(Wire.TARGET);
            if (value != null) {
                t.properties().put(TargetSettings.TMF_TARGET_RESET, value);
            }
            ScriptedTarget s = new ScriptedTarget(t);
            try (Wire w = new Wire(TaskManagementTest.fabric(s))) {
                w.loginNormal();
                w.send(tmf(w, TaskMgmtRequest.TARGET_WARM_RESET, 0));
                assertEquals(TaskMgmtResponse.AUTHORIZATION_FAILED, answer(w), value);
                w.send(tmf(w, TaskMgmtRequest.TARGET_COLD_RESET, 0));
                assertEquals(TaskMgmtResponse.AUTHORIZATION_FAILED, answer(w), value);
                assertEquals(0, s.targetResets.get(), "nothing was reset");
                assertTrue(w.target.isOpen());
            }
        }
    }

    @Test
    void aDiscoverySessionMayResetNothing() {
        disk.properties().put(TargetSettings.TMF_TARGET_RESET, "true");
        try (Wire w = new Wire(TaskManagementTest.fabric(scripted))) {
            LoginResponse r = w.loginStep(true, 1, 3, "InitiatorName=" + Wire.INITIATOR, "SessionType=Discovery");
            assertEquals(0, r.status(), "login status");
            r.release();
            for (int f : new int[] {TaskMgmtRequest.TARGET_WARM_RESET, TaskMgmtRequest.TARGET_COLD_RESET,
                    TaskMgmtRequest.CLEAR_TASK_SET}) {
                w.send(tmf(w, f, 0));
                assertEquals(TaskMgmtResponse.AUTHORIZATION_FAILED, answer(w));
            }
            assertTrue(w.target.isOpen(), "refused, not a protocol error");
            assertEquals(0, scripted.targetResets.get());
        }
    }

    @Test
    void warmResetAnswersWhenEveryTaskOfTheTargetIsGoneAndKeepsTheSession() {
        try (Wire w = new Wire(resettable())) {
            w.loginNormal();
            scripted.targetReset = new CompletableFuture<>();
            w.send(read(w));
            w.send(tmf(w, TaskMgmtRequest.TARGET_WARM_RESET, 0));
            ScriptedTarget.Command cmd = scripted.executed.get(0);
            assertTrue(cmd.abortCalled.get(), "this session's task is aborted");
            assertEquals(1, scripted.targetResets.get(), "the core resets the target");
            cmd.aborted.complete(null);
            cmd.execution.complete(ScsiResult.ABORTED);
            assertTrue(w.receive().isEmpty(), "the target's tasks are not all gone yet");
            scripted.targetReset.complete(null);
            assertEquals(TaskMgmtResponse.FUNCTION_COMPLETE, answer(w));
            assertTrue(w.target.isOpen());
            assertEquals(1, w.fabric.sessionInfos().size());
        }
    }

    @Test
    void coldResetClosesEveryConnectionOfTheTargetAfterItsResponse() {
        Fabric f = resettable();
        try (Wire w = new Wire(f); Wire other = new Wire(f)) {
            w.loginNormal();
            loginOther(other);
            assertEquals(2, f.sessionInfos().size());
            scripted.targetReset = new CompletableFuture<>();
            w.send(tmf(w, TaskMgmtRequest.TARGET_COLD_RESET, 0));
            assertTrue(w.receive().isEmpty(), "no answer before the target's tasks are gone");
            assertTrue(w.target.isOpen() && other.target.isOpen(), "nothing closes before the response");
            scripted.targetReset.complete(null);
            List<Pdu> out = w.receive();
            assertEquals(1, out.size(), () -> "the response, got " + out);
            assertEquals(TaskMgmtResponse.FUNCTION_COMPLETE, ((TaskMgmtResponse) out.get(0)).response());
            out.forEach(Pdu::release);
            w.target.runPendingTasks();
            other.target.runPendingTasks();
            assertFalse(w.target.isOpen(), "the requesting connection is closed after its response");
            assertFalse(other.target.isOpen(), "another initiator's connection to the target is closed");
            assertTrue(f.sessionInfos().isEmpty(), "every session of the target ended");
        }
    }
}
