package org.jstgt.api.mgmt;

import java.util.List;

/**
 * A session in detail, as {@code iscsi:session-info <tsih>} shows it.
 *
 * @param session what {@code iscsi:session-list} shows of it
 * @param connections its connections
 * @param expCmdSn the next CmdSN the target expects
 * @param maxCmdSn the highest CmdSN the target accepts now (the window is {@code maxCmdSn -
 *     expCmdSn + 1})
 * @param errorRecoveryLevel negotiated ErrorRecoveryLevel
 * @param stats the session's I/O counters
 */
public record SessionDetail(SessionInfo session, List<ConnectionInfo> connections, long expCmdSn, long maxCmdSn,
        int errorRecoveryLevel, IoStats stats) {
    public SessionDetail {
        connections = List.copyOf(connections);
    }
}
