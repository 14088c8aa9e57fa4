package org.jstgt.api.mgmt;

import java.util.List;

/**
 * An iSCSI session as listed by {@code iscsi:session-list}.
 *
 * @param tsih target session identifying handle
 * @param type Normal or Discovery
 * @param initiatorName initiator IQN
 * @param isid initiator session id (hex)
 * @param targetName target IQN (empty for discovery)
 * @param portalTag target portal group tag
 * @param connections remote addresses of the connections
 * @param commandsInFlight tasks not yet completed
 * @param negotiated negotiated operational keys ({@code Key=Value})
 * @param authentication how the initiator authenticated (e.g. {@code CHAP user 'alice'}); empty
 *     when the target asked for none
 */
public record SessionInfo(int tsih, String type, String initiatorName, String isid, String targetName,
        int portalTag, List<String> connections, int commandsInFlight, List<String> negotiated,
        String authentication) {
    public SessionInfo {
        connections = List.copyOf(connections);
        negotiated = List.copyOf(negotiated);
        authentication = authentication == null ? "" : authentication;
    }
}
