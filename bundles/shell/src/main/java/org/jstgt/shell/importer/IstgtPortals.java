package org.jstgt.shell.importer;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.jstgt.api.Pids;
import org.jstgt.shell.importer.ImportPlan.Planned;
import org.jstgt.shell.importer.IstgtConf.Entry;
import org.jstgt.shell.importer.IstgtConf.Section;

/** istgt's {@code [PortalGroupN]} sections as jstgt portals {@code pgN}, the group number as tag. */
final class IstgtPortals extends IstgtReader {

    IstgtPortals(Findings found) {
        super(found);
    }

    Planned portal(Section s, String nopInterval) {
        if (s.number() < 1 || s.number() > 65535) {
            error(s.line(), "[" + s.name() + "]: the group number is the portal group tag, 1..65535");
            return null;
        }
        List<String> listen = new ArrayList<>();
        for (Entry e : s.entries()) {
            if (e.is("Portal")) {
                String address = listenAddress(s, e);
                if (address != null) {
                    listen.add(address);
                }
            } else if (!e.is("Comment")) {
                note(s, e, "jstgt has no such portal setting");
            }
        }
        if (listen.isEmpty()) {
            error(s.line(), "[" + s.name() + "]: no Portal line (Portal <label> <host>:<port>)");
            return null;
        }
        Map<String, String> p = new LinkedHashMap<>();
        p.put("listen", String.join(", ", listen));
        p.put("tag", Integer.toString(s.number()));
        if (nopInterval != null) {
            p.put("nop.interval", nopInterval);
        }
        return new Planned(Pids.PORTAL, "pg" + s.number(), p, Set.of(), where(s.line()));
    }

    /** {@code Portal <label> <host>[:<port>]}: IPv6 in brackets; {@code *} and {@code [*]} for any address. */
    private String listenAddress(Section s, Entry e) {
        String portal = e.value(1);
        if (portal == null || e.values().size() > 2) {
            error(e.line(), "[" + s.name() + "] Portal: expected 'Portal <label> <host>:<port>'");
            return null;
        }
        String host;
        String port;
        if (portal.startsWith("[")) {
            int close = portal.indexOf(']');
            if (close < 0 || close + 1 < portal.length() && portal.charAt(close + 1) != ':') {
                error(e.line(), "[" + s.name() + "] Portal: '" + portal + "' is not [<IPv6 address>]:<port>");
                return null;
            }
            host = portal.substring(0, close + 1);
            port = close + 1 < portal.length() ? portal.substring(close + 2) : "3260";
        } else {
            int colon = portal.indexOf(':');
            host = colon < 0 ? portal : portal.substring(0, colon);
            port = colon < 0 ? "3260" : portal.substring(colon + 1);
        }
        host = switch (host) {
            case "*" -> "0.0.0.0";
            case "[*]" -> "[::]";
            default -> host;
        };
        int n;
        try {
            n = Integer.parseInt(port);
        } catch (NumberFormatException ex) {
            n = -1;
        }
        if (host.isEmpty() || n < 1 || n > 65535) {
            error(e.line(), "[" + s.name() + "] Portal: '" + portal + "' is not <host>:<port> with a port of 1..65535");
            return null;
        }
        return host + ":" + n;
    }
}
