package org.jstgt.iscsi;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.jstgt.api.Pids;
import org.jstgt.iscsi.limits.PortalLimits;
import org.jstgt.iscsi.text.HostPort;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One {@code etc/jstgt.portal-<name>.cfg}: a target portal group listening on one or more
 * addresses. Bad values are logged with the file and key; the portal serves what it can. The
 * {@code listen} key is required: without it (or with an empty value) the portal opens nothing and
 * lists as FAILED, rather than serving every interface. A change of the ALUA keys alone
 * ({@link PortalAccess}) applies in place and no session ends for it; any other change re-binds the
 * portal as a new activation would.
 */
@Component(configurationPid = Pids.PORTAL, configurationPolicy = ConfigurationPolicy.REQUIRE, service = {},
        immediate = true)
@Designate(ocd = PortalComponent.Config.class, factory = true)
public final class PortalComponent {
    private static final Logger LOG = LoggerFactory.getLogger(PortalComponent.class);

    /** Portal configuration. */
    @ObjectClassDefinition(name = "jstgt iSCSI portal", description = "A target portal group: listening addresses and tag")
    public @interface Config {
        @AttributeDefinition(description = "Required. Comma separated host:port list, IPv6 in brackets, e.g. "
                + "127.0.0.1:3260, [::1]:3260; host may be a name; port 1..65535 (default 3260); "
                + "0.0.0.0:3260 or [::]:3260 listen on every interface")
        String listen();

        @AttributeDefinition(description = "Target portal group tag, 1..65535", min = "1", max = "65535")
        int tag() default 1;

        @AttributeDefinition(name = "connections.max", description = "Open connections on the portal, 1..65535; "
                + "over it a login gets status 0x0302 (out of resources)", min = "1", max = "65535")
        int connections_max() default 256;

        @AttributeDefinition(name = "connections.per.address", description = "Open connections from one initiator "
                + "address, 1..65535; over it a login gets status 0x0302", min = "1", max = "65535")
        int connections_per_address() default 64;

        @AttributeDefinition(name = "logins.max", description = "Connections in their login phase at once, "
                + "1..65535; over it a login gets status 0x0301 (service unavailable, retry later)",
                min = "1", max = "65535")
        int logins_max() default 32;

        @AttributeDefinition(name = "login.timeout", description = "Seconds a connection gets to complete its "
                + "login, 1..3600", min = "1", max = "3600")
        int login_timeout() default 15;

        @AttributeDefinition(name = "text.max", description = "Bytes of negotiation text joined across "
                + "continued PDUs (login and Text Request), 8192..16777216", min = "8192", max = "16777216")
        int text_max() default 65536;

        @AttributeDefinition(name = "nop.interval", description = "Seconds without a PDU after which a "
                + "connection gets a NOP-In ping, 0..3600 (0: no pings)", min = "0", max = "3600")
        int nop_interval() default 15;

        @AttributeDefinition(name = "nop.timeout", description = "Seconds to answer a NOP-In ping before the "
                + "connection is dropped, 0..3600 (0: no pings)", min = "0", max = "3600")
        int nop_timeout() default 30;

        @AttributeDefinition(name = "alua.state", description = "ALUA access state of the portal group (all portals "
                + "of the tag): active/optimized, active/non-optimized, standby, unavailable or transitioning; a bad "
                + "value makes the group unavailable")
        String alua_state() default "active/optimized";

        @AttributeDefinition(name = "alua.preferred", description = "The portal group is a preferred path (PREF "
                + "of REPORT TARGET PORT GROUPS)")
        boolean alua_preferred() default false;
    }

    private final IscsiServer server;
    private volatile Portal portal;
    private Map<String, Object> properties;

    @Activate
    public PortalComponent(@Reference IscsiServer server, Map<String, Object> properties) {
        this.server = server;
        this.properties = properties;
        this.portal = open(properties);
    }

    /**
     * The configuration changed: only ALUA keys, applied in place; anything else, the portal closes
     * and opens again with the new keys.
     */
    @Modified
    void modified(Map<String, Object> next) {
        Map<String, Object> before = properties;
        properties = next;
        if (PortalAccess.onlyAccessChanged(before, next)) {
            server.access(portal, PortalAccess.from(next, Pids.origin(next), LOG::error));
            return;
        }
        server.close(portal);
        portal = open(next);
    }

    private Portal open(Map<String, Object> properties) {
        String origin = Pids.origin(properties);
        String name = Pids.instanceName(Pids.PORTAL, properties);
        int tag = parseTag(properties.get("tag"), origin);
        Object listenValue = properties.get("listen");
        List<String> entries = new ArrayList<>();
        if (listenValue instanceof String[] arr) {
            for (String s : arr) {
                entries.addAll(split(s));
            }
        } else if (listenValue != null) {
            entries.addAll(split(listenValue.toString()));
        }
        List<InetSocketAddress> addresses = new ArrayList<>();
        List<String> bad = new ArrayList<>();
        for (String e : entries) {
            try {
                addresses.add(parseAddress(e));
            } catch (IllegalArgumentException ex) {
                LOG.error("{}: key listen: {}", origin, ex.getMessage());
                bad.add(ex.getMessage());
            }
        }
        if (entries.isEmpty()) {
            // never a default: a file without the key would otherwise serve every interface
            String why = listenValue == null ? "missing (required)" : "empty";
            LOG.error("{}: key listen: {}; the portal listens nowhere until it names its addresses "
                    + "(e.g. listen = 127.0.0.1:3260)", origin, why);
            bad.add("listen: " + why);
        }
        Portal p = server.open(name, origin, tag, entries, addresses, PortalLimits.from(properties, origin),
                PortalAccess.from(properties, origin, LOG::error));
        p.failures.addAll(bad);
        return p;
    }

    @Deactivate
    void deactivate() {
        server.close(portal);
    }

    private static List<String> split(String s) {
        List<String> l = new ArrayList<>();
        for (String part : s.split(",")) {
            if (!part.isBlank()) {
                l.add(part.trim());
            }
        }
        return l;
    }

    static int parseTag(Object value, String origin) {
        if (value == null) {
            return 1;
        }
        try {
            int t = Integer.parseInt(value.toString().trim());
            if (t >= 1 && t <= 65535) {
                return t;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        LOG.error("{}: key tag: '{}' is not a number in 1..65535; using 1", origin, value);
        return 1;
    }

    /**
     * @param entry {@code host:port}, {@code [v6]:port}, or a host alone (port 3260)
     * @return the resolved address
     * @throws IllegalArgumentException naming the problem
     */
    static InetSocketAddress parseAddress(String entry) {
        HostPort hp = HostPort.parse(entry);
        try {
            return new InetSocketAddress(InetAddress.getByName(hp.host()), hp.port());
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("'" + entry + "': unknown host " + hp.host());
        }
    }
}
