package org.jstgt.iscsi.text;

import java.net.InetSocketAddress;
import java.util.List;

/**
 * A portal as discovery reports it.
 *
 * @param name configuration name ({@code jstgt.portal-<name>})
 * @param tag target portal group tag
 * @param addresses addresses it listens on (wildcards included)
 */
public record PortalEndpoint(String name, int tag, List<InetSocketAddress> addresses) {
    public PortalEndpoint {
        addresses = List.copyOf(addresses);
    }
}
