package org.jstgt.api.auth;

import java.net.InetAddress;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Who logs in to what, as the transport knows it when the security stage agreed on a method.
 *
 * @param method the agreed {@code AuthMethod} (e.g. {@code CHAP})
 * @param policy the target's policy as configured (its {@code auth} key, e.g. {@code chap} or
 *     {@code mutual}); the method decides what a value means for it (mutual authentication)
 * @param initiatorName the InitiatorName of the login
 * @param initiatorAddress the initiator's IP address
 * @param discovery true for a Discovery session
 * @param targetName the TargetName of a Normal session; empty for discovery
 * @param properties the target's configuration (discovery: the discovery policy's), where the
 *     method finds its own keys such as {@code auth.groups}
 * @param origin where {@code properties} came from, for messages naming a file
 */
public record AuthContext(String method, String policy, String initiatorName, InetAddress initiatorAddress,
        boolean discovery, String targetName, Map<String, String> properties, String origin) {

    public AuthContext {
        properties = Collections.unmodifiableMap(new LinkedHashMap<>(properties));
    }
}
