package org.jstgt.api.mgmt;

import java.util.List;

/**
 * A portal as listed by {@code iscsi:portal-list}.
 *
 * @param name configuration name
 * @param origin configuration file
 * @param tag target portal group tag
 * @param listen configured addresses ({@code host:port})
 * @param bound addresses actually bound
 * @param transport Netty transport in use (io_uring, epoll, nio)
 * @param state LISTENING or FAILED(...)
 * @param alua the ALUA access state of the portal's group as the fabric publishes it (e.g.
 *     {@code standby}), followed by {@code , preferred} and by a problem in parentheses when
 *     there is one (a bad {@code alua.state}, portals of the tag that disagree)
 */
public record PortalInfo(String name, String origin, int tag, List<String> listen, List<String> bound,
        String transport, String state, String alua) {
    public PortalInfo {
        listen = List.copyOf(listen);
        bound = List.copyOf(bound);
    }

    /** A portal whose group is active/optimized (no ALUA key). */
    public PortalInfo(String name, String origin, int tag, List<String> listen, List<String> bound,
            String transport, String state) {
        this(name, origin, tag, listen, bound, transport, state, "active/optimized");
    }
}
