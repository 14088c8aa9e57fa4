package org.jstgt.iscsi.text;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.netty.util.NetUtil;

import org.jstgt.api.target.ScsiTarget;
import org.jstgt.api.target.TargetRegistry;

/**
 * Builds the answer to {@code SendTargets} (RFC 7143 §13.3 and Appendix C): for each target the
 * initiator may see, {@code TargetName} and one
 * {@code TargetAddress=<address>:<port>,<tag>} per listening address of each portal the target is
 * offered on, each with its portal's group tag (portals of one group share it; a target offered on
 * several groups lists them all). IPv6 addresses are written in brackets (RFC 7143 §13.8). A
 * wildcard listen address ({@code 0.0.0.0}, {@code [::]}) is replaced by the address this
 * connection reached; an IPv4 wildcard is left out for a connection that came in over IPv6.
 *
 * <p>A target is seen only when a login to it through the portal the question came in on could
 * succeed (as LIO answers discovery per portal group and ACL): it is offered on that portal, takes
 * logins ({@link ScsiTarget#available()}), and its ACL admits this initiator's name and address.
 */
public final class SendTargets {
    private SendTargets() {
    }

    /**
     * @param value the SendTargets value: {@code All}, a target name, or empty (the session's target)
     * @param registry the registry
     * @param portals serving portals
     * @param portalName the portal the session came in on
     * @param sessionTarget the Normal session's target, null in a Discovery session
     * @param initiatorName the initiator
     * @param initiatorAddress its address (ACL)
     * @param localAddress the local address of this connection (replaces wildcard listen addresses)
     * @return the key/value pairs
     */
    public static List<Map.Entry<String, String>> answer(String value, TargetRegistry registry,
            List<PortalEndpoint> portals, String portalName, ScsiTarget sessionTarget, String initiatorName,
            InetAddress initiatorAddress, InetAddress localAddress) {
        List<ScsiTarget> candidates = new ArrayList<>();
        if (sessionTarget != null) {
            // RFC 7143 Appendix C: in a Normal session only the session's target is reported.
            if (value.isEmpty() || value.equals("All") || value.equalsIgnoreCase(sessionTarget.iqn())) {
                candidates.add(sessionTarget);
            }
        } else if (registry != null) {
            if (value.equals("All")) {
                candidates.addAll(registry.targets());
            } else if (!value.isEmpty()) {
                registry.target(value).ifPresent(candidates::add);
            }
        }
        List<Map.Entry<String, String>> out = new ArrayList<>();
        for (ScsiTarget t : candidates) {
            if (!offeredOn(t, portalName) || !t.available() || !t.allows(initiatorName, initiatorAddress)) {
                continue;
            }
            Set<String> addresses = new LinkedHashSet<>();
            for (PortalEndpoint p : portals) {
                if (!offeredOn(t, p.name())) {
                    continue;
                }
                for (InetSocketAddress a : p.addresses()) {
                    InetAddress ip = a.getAddress();
                    if (ip == null) {
                        continue;
                    }
                    if (ip.isAnyLocalAddress()) {
                        // A wildcard listener is reached at this connection's own address, unless it
                        // is IPv4's (0.0.0.0), which takes no IPv6 connection: that one is left out.
                        if (ip instanceof Inet4Address && localAddress instanceof Inet6Address) {
                            continue;
                        }
                        ip = localAddress;
                    }
                    addresses.add(format(ip, a.getPort()) + "," + p.tag());
                }
            }
            if (addresses.isEmpty()) {
                continue;
            }
            // TargetAlias is not sent here: RFC 7143 Appendix C answers with TargetName and
            // TargetAddress only, and libiscsi aborts discovery on any other key. The alias goes
            // out in the login response instead.
            out.add(Map.entry("TargetName", t.iqn()));
            for (String a : addresses) {
                out.add(Map.entry("TargetAddress", a));
            }
        }
        return out;
    }

    /** @return true when the target is offered on the portal (an empty {@code portals}: on every one) */
    private static boolean offeredOn(ScsiTarget t, String portalName) {
        return t.portals().isEmpty() || t.portals().contains(portalName);
    }

    public static String format(InetAddress ip, int port) {
        if (ip instanceof Inet6Address) {
            // RFC 5952 compressed form ([::1], not [0:0:0:0:0:0:0:1]); no zone id on the wire.
            String host = NetUtil.toAddressString(ip);
            int scope = host.indexOf('%');
            if (scope >= 0) {
                host = host.substring(0, scope);
            }
            return "[" + host + "]:" + port;
        }
        return ip.getHostAddress() + ":" + port;
    }
}
