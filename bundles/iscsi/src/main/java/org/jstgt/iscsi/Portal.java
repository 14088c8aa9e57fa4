package org.jstgt.iscsi;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import io.netty.channel.Channel;

import org.jstgt.api.mgmt.PortalInfo;
import org.jstgt.iscsi.text.SendTargets;

/** A listening portal: its configured and bound addresses, and its server channels. */
final class Portal {
    final String name;
    final String origin;
    final int tag;
    final List<String> listen;
    final List<Channel> servers = new CopyOnWriteArrayList<>();
    final List<String> failures = new CopyOnWriteArrayList<>();
    /** Its ALUA keys (alua.state, alua.preferred); changed in place. */
    volatile PortalAccess access = PortalAccess.DEFAULT;

    Portal(String name, String origin, int tag, List<String> listen) {
        this.name = name;
        this.origin = origin;
        this.tag = tag;
        this.listen = List.copyOf(listen);
    }

    List<InetSocketAddress> bound() {
        List<InetSocketAddress> l = new ArrayList<>();
        for (Channel c : servers) {
            if (c.localAddress() instanceof InetSocketAddress a) {
                l.add(a);
            }
        }
        return l;
    }

    String state() {
        return failures.isEmpty() ? "LISTENING" : "FAILED(" + String.join("; ", failures) + ")";
    }

    /**
     * @param transport the transport in use
     * @param alua the ALUA column ({@link PortalGroups#column})
     * @return the listing
     */
    PortalInfo info(String transport, String alua) {
        List<String> b = new ArrayList<>();
        for (InetSocketAddress a : bound()) {
            b.add(SendTargets.format(a.getAddress(), a.getPort()));
        }
        return new PortalInfo(name, origin, tag, listen, b, transport, state(), alua);
    }
}
