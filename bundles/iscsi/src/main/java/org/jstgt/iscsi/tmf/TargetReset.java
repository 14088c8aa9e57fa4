package org.jstgt.iscsi.tmf;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import org.jstgt.iscsi.log.LogSafe;
import org.jstgt.iscsi.login.TargetSettings;
import org.jstgt.iscsi.pdu.TaskMgmtRequest;
import org.jstgt.iscsi.pdu.TaskMgmtResponse;
import org.jstgt.iscsi.session.ConnectionPort;
import org.jstgt.iscsi.session.Session;
import org.jstgt.iscsi.session.SessionTable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * TARGET WARM RESET and TARGET COLD RESET (RFC 7143 §11.5.1): both are the target reset of SAM-2,
 * a hard reset of the target ({@link org.jstgt.api.target.Nexus#resetTarget}: every task of every
 * LU the target maps, of every I_T nexus, aborted; then POWER ON, RESET, OR BUS DEVICE RESET
 * OCCURRED on every nexus of the target). The response leaves when those tasks are gone. A cold
 * reset is also a power-on event: once its response has left, the target closes all of its TCP
 * connections to all initiators, which ends every session of the target (this target node's
 * sessions; other targets of the server see only the unit attentions of shared LUs).
 *
 * <p>Only when the target's {@value TargetSettings#TMF_TARGET_RESET} is true (off by default, see
 * there); otherwise, as for a request on a discovery session (no target at all), the answer is
 * "Function authorization failed" (response 6, RFC 7143 §11.6.1).
 */
final class TargetReset {
    private static final Logger LOG = LoggerFactory.getLogger(TargetReset.class);

    private TargetReset() {
    }

    /**
     * Resets the session's target, or refuses to.
     *
     * @param port the connection the request came on
     * @param session its session (Normal)
     * @param function {@link TaskMgmtRequest#TARGET_WARM_RESET} or {@link TaskMgmtRequest#TARGET_COLD_RESET}
     * @return the response, when the target's tasks are gone
     */
    static CompletionStage<Integer> start(ConnectionPort port, Session session, int function) {
        String name = name(function);
        if (!session.settings().targetReset()) {
            LOG.info("{}: {} from {} on {} refused (function authorization failed): the target's {} is false",
                    port.remoteDescription(), name, LogSafe.of(session.initiatorName()), session.targetName(),
                    TargetSettings.TMF_TARGET_RESET);
            return CompletableFuture.completedFuture(TaskMgmtResponse.AUTHORIZATION_FAILED);
        }
        LOG.warn("{}: {} from {} (session {}): aborting every task of every LU of {}{}", port.remoteDescription(),
                name, LogSafe.of(session.initiatorName()), session.tsih(), session.targetName(),
                function == TaskMgmtRequest.TARGET_COLD_RESET ? ", then closing all of its connections" : "");
        // this session's own tasks, those still in their data phase included; every nexus's in the core
        CompletableFuture<Void> own = session.tasks().abortWhere(t -> true);
        CompletableFuture<Void> target = session.nexus().resetTarget().toCompletableFuture();
        return own.thenCombine(target, (a, b) -> TaskMgmtResponse.FUNCTION_COMPLETE);
    }

    /**
     * After a TARGET COLD RESET's response was sent (on the requesting connection's event loop):
     * closes every connection of every session of the target, the requesting one once its
     * response has left.
     *
     * @param sessions the fabric's sessions
     * @param session the requesting session
     * @param port the requesting connection
     */
    static void closeAll(SessionTable sessions, Session session, ConnectionPort port) {
        for (Session s : sessions.sessions()) {
            if (s.discovery() || !s.targetName().equalsIgnoreCase(session.targetName())) {
                continue;
            }
            s.noRecovery();
            for (ConnectionPort c : s.connections()) {
                if (c != port) {
                    c.close();
                }
            }
        }
        port.closeWhenSent();
    }

    private static String name(int function) {
        return function == TaskMgmtRequest.TARGET_COLD_RESET ? "TARGET COLD RESET" : "TARGET WARM RESET";
    }
}
