package org.jstgt.iscsi;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.jstgt.api.Pids;
import org.jstgt.iscsi.events.ConfigEvents;
import org.jstgt.iscsi.limits.PortalLimits;
import org.jstgt.iscsi.text.HostPort;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One {@code etc/jstgt.portal-<name>.cfg}: a target portal group listening on one or more
 * addresses. Bad values are logged with the file and key; the portal serves what it can. The
 * {@code listen} key is required: without it (or with an empty value) the portal opens nothing and
 * lists as FAILED, rather than serving every interface. A change of the ALUA keys alone
 * ({@link PortalAccess}) applies in place and no session ends for it; any other change re-binds the
 * portal as a new activation would.
 *
 * <p>The keys' metatype (types, ranges, defaults, descriptions) is {@code OSGI-INF/metatype/jstgt.portal.xml},
 * written by hand so that it can also designate the PID as a singleton, which Karaf's {@code config:meta} needs.
 */
@Component(configurationPid = Pids.PORTAL, configurationPolicy = ConfigurationPolicy.REQUIRE, service = {},
        immediate = true)
public final class PortalComponent {
    private static final Logger LOG = LoggerFactory.getLogger(PortalComponent.class);

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
        if (!p.failures.isEmpty()) {
            // what iscsi:portal-list shows as FAILED, for monitoring too (bad entries and binds that failed)
            ConfigEvents.configError(Pids.PORTAL, name, origin, "listen", String.join("; ", p.failures));
        }
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
