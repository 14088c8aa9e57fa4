package org.jstgt.testkit;

import java.util.List;

/**
 * One target in a SendTargets answer (RFC 7143 §13.3, Appendix C).
 *
 * @param name TargetName
 * @param addresses TargetAddress values as sent: {@code host:port,tag}, IPv6 hosts in brackets
 */
public record DiscoveredTarget(String name, List<String> addresses) {
    public DiscoveredTarget {
        addresses = List.copyOf(addresses);
    }
}
