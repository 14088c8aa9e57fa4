package org.jstgt.iscsi.login;

import org.jstgt.api.target.ScsiTarget;

/**
 * What a successful login established.
 *
 * @param discovery true for a Discovery session
 * @param initiatorName InitiatorName
 * @param initiatorAlias InitiatorAlias or empty
 * @param target the target (null for discovery)
 * @param settings our side's limits
 * @param negotiated agreed parameters
 * @param isid the ISID
 * @param tsih the TSIH the initiator sent: 0 for a new session, else the session the connection joins
 * @param cid the connection ID
 * @param expCmdSn the first CmdSN expected in the Full Feature Phase
 * @param nextStatSn the next StatSN to use on this connection
 * @param authenticated how the initiator authenticated, for the log and listings (e.g.
 *     {@code CHAP user 'alice'}); empty without authentication
 */
public record LoginResult(boolean discovery, String initiatorName, String initiatorAlias, ScsiTarget target,
        TargetSettings settings, Negotiated negotiated, long isid, int tsih, int cid, int expCmdSn, int nextStatSn, String authenticated) {
}
