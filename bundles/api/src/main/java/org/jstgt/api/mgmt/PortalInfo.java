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
 */
public record PortalInfo(String name, String origin, int tag, List<String> listen, List<String> bound,
        String transport, String state) {
    public PortalInfo {
        listen = List.copyOf(listen);
        bound = List.copyOf(bound);
    }
}
