package org.jstgt.iscsi.login;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.BiFunction;

import io.netty.buffer.Unpooled;
import io.netty.util.NetUtil;

import org.jstgt.iscsi.events.ConfigEvents;
import org.jstgt.iscsi.pdu.LoginRequest;
import org.jstgt.iscsi.pdu.LoginResponse;
import org.jstgt.iscsi.text.HostPort;
import org.jstgt.iscsi.text.SendTargets;
import org.jstgt.iscsi.text.TextKeys;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Login redirection of a target (RFC 7143 §11.13.5): keys {@value #KEY} (where the target is now,
 * a comma list of {@code host[:port]}, IPv6 in brackets) and {@value #TYPE_KEY} ({@code temporary},
 * the default, or {@code permanent}). The leading login of a new Normal session to the target, once
 * its name, portal and {@code initiators} rule are checked and before any authentication, is answered
 * with status 0x0101 (moved temporarily) or 0x0102 (moved permanently) and one
 * {@code TargetAddress=host:port} per address, in the order configured (RFC 7143 §13.8: without a
 * portal group tag, which a redirect may not carry). No session is created and the connection
 * closes. A login adding a connection to a session that lives here (TSIH not 0) is not redirected.
 *
 * <p>Nothing is resolved here: a host name goes out as written and the initiator resolves it. The
 * port is always written, as open-iscsi reads an IPv6 address without one wrongly.
 *
 * <p>A bad value is logged at ERROR with the file and key, and the target then takes no login
 * (0x0301, service unavailable: the initiator retries) until the file is fixed: a typo neither
 * leaves initiators on a target that was meant to move nor sends them to a wrong address. An empty
 * value is no redirection, as for other target keys.
 */
public final class Redirection {
    private static final Logger LOG = LoggerFactory.getLogger(Redirection.class);

    /** Where the target moved: comma list of {@code host[:port]}. */
    public static final String KEY = "redirect";
    /** {@code temporary} (0x0101, the default) or {@code permanent} (0x0102). */
    public static final String TYPE_KEY = "redirect.type";
    /** The text a Login Response may carry during login (RFC 7143 §13.12, the initiator's default). */
    private static final int TEXT_MAX = Login.LOGIN_SEGMENT;

    static final Redirection NONE = new Redirection(List.of(), LoginStatus.TARGET_MOVED_TEMPORARILY, null, "");

    private final List<String> addresses;
    private final int status;
    private final String problem;
    private final String origin;

    private Redirection(List<String> addresses, int status, String problem, String origin) {
        this.addresses = List.copyOf(addresses);
        this.status = status;
        this.problem = problem;
        this.origin = origin;
    }

    /**
     * @param properties the target configuration
     * @param origin its file, for messages
     * @return the target's redirection; {@link #NONE} without {@value #KEY}
     */
    static Redirection from(Map<String, String> properties, String origin) {
        String value = properties.getOrDefault(KEY, "").trim();
        String type = properties.getOrDefault(TYPE_KEY, "").trim().toLowerCase(Locale.ROOT);
        if (value.isEmpty()) {
            if (!type.isEmpty()) {
                LOG.warn("{}: key {}: ignored without {}", origin, TYPE_KEY, KEY);
            }
            return NONE;
        }
        List<String> addresses = new ArrayList<>();
        List<String> bad = new ArrayList<>();
        for (String entry : value.split(",", -1)) {
            try {
                addresses.add(address(entry.trim()));
            } catch (IllegalArgumentException e) {
                bad.add(e.getMessage());
            }
        }
        int bytes = 0;
        for (String a : addresses) {
            bytes += "TargetAddress=".length() + a.length() + 1;
        }
        if (bytes > TEXT_MAX) {
            bad.add(addresses.size() + " addresses take " + bytes + " bytes, more than the " + TEXT_MAX
                    + " one Login Response carries (RFC 7143 §13.12)");
        }
        int status = switch (type) {
            case "", "temporary" -> LoginStatus.TARGET_MOVED_TEMPORARILY;
            case "permanent" -> LoginStatus.TARGET_MOVED_PERMANENTLY;
            default -> 0;
        };
        List<String> problems = new ArrayList<>();
        for (String b : bad) {
            problems.add(KEY + ": " + b);
        }
        if (status == 0) {
            problems.add(TYPE_KEY + ": '" + type + "' is neither temporary nor permanent");
        }
        if (problems.isEmpty()) {
            return new Redirection(addresses, status, null, origin);
        }
        for (String p : problems) {
            LOG.error("{}: key {}; the target takes no login (0x0301) until it is fixed", origin, p);
        }
        ConfigEvents.refused(origin, bad.isEmpty() ? TYPE_KEY : KEY,
                String.join("; ", problems) + "; the target takes no login (0x0301) until it is fixed");
        return new Redirection(List.of(), 0, String.join("; ", problems), origin);
    }

    /**
     * Checks and writes one address as {@code TargetAddress} carries it (RFC 7143 §13.8): an IPv4
     * address, a bracketed IPv6 address (RFC 3986 §3.2.2, written in RFC 5952 form) or a DNS name
     * (RFC 1123 §2.1), then the port (default 3260).
     *
     * @param entry one entry of the list, trimmed
     * @return {@code host:port}
     * @throws IllegalArgumentException naming the problem
     */
    static String address(String entry) {
        if (entry.isEmpty()) {
            throw new IllegalArgumentException("an empty entry");
        }
        HostPort hp = HostPort.parse(entry);
        String host = hp.host();
        int p = hp.port();
        InetAddress ip = literal(entry, host, hp.bracketed());
        if (ip != null && ip.isAnyLocalAddress()) {
            throw new IllegalArgumentException("'" + entry + "': " + host + " names no host");
        }
        String written = ip != null ? SendTargets.format(ip, p) : host + ":" + p;
        if (written.length() > KeyRules.MAX_SIMPLE_VALUE) {
            throw new IllegalArgumentException("'" + entry + "': longer than the " + KeyRules.MAX_SIMPLE_VALUE
                    + " bytes of a key value (RFC 7143 §6.1)");
        }
        return written;
    }

    /** @return the IP address {@code host} writes, or null for a valid DNS name */
    private static InetAddress literal(String entry, String host, boolean v6) {
        byte[] raw;
        if (v6) {
            raw = host.indexOf('%') < 0 && NetUtil.isValidIpV6Address(host)
                    ? NetUtil.createByteArrayFromIpAddressString(host) : null;
            if (raw == null) {
                throw new IllegalArgumentException("'" + entry + "': " + host + " is not an IPv6 address"
                        + " (without a zone)");
            }
        } else if (host.matches("[0-9.]+")) {
            raw = NetUtil.isValidIpV4Address(host) ? NetUtil.createByteArrayFromIpAddressString(host) : null;
            if (raw == null) {
                throw new IllegalArgumentException("'" + entry + "': " + host + " is not an IPv4 address"
                        + (host.matches("[0-9]+") ? " (a redirect address carries no portal group tag,"
                                + " RFC 7143 §13.8)" : ""));
            }
        } else {
            if (!dnsName(host)) {
                throw new IllegalArgumentException("'" + entry + "': " + host + " is not a host name or IP address");
            }
            return null;
        }
        try {
            return InetAddress.getByAddress(raw);
        } catch (UnknownHostException e) {
            throw new IllegalStateException("a parsed address has 4 or 16 bytes", e);
        }
    }

    /** @return true for a DNS name: labels of letters, digits and inner hyphens, 1..63 bytes each, 253 in all */
    private static boolean dnsName(String host) {
        if (host.isEmpty() || host.length() > 253) {
            return false;
        }
        for (String label : host.split("\\.", -1)) {
            if (!label.matches("[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?")) {
                return false;
            }
        }
        return true;
    }

    /**
     * The answer to a login for the target, or null when it goes on here.
     *
     * @param req the leading Login Request
     * @param fail builds a refusal (status, reason) as the login does, and logs it
     * @return the redirect (or, with a bad value, the refusal), to send before the connection closes
     */
    Login.Step answer(LoginRequest req, BiFunction<Integer, String, Login.Step> fail) {
        if (problem != null) {
            return fail.apply(LoginStatus.SERVICE_UNAVAILABLE, "the target takes no login while " + origin
                    + " is invalid (" + problem + ")");
        }
        if (addresses.isEmpty() || req.tsih() != 0) {
            return null;
        }
        Login.Step refusal = fail.apply(status, "the target moved " + type() + " to " + String.join(", ", addresses)
                + " (" + KEY + " in " + origin + ")");
        LoginResponse r = refusal.response();
        List<Map.Entry<String, String>> text = new ArrayList<>();
        for (String a : addresses) {
            text.add(Map.entry(LoginKey.TARGET_ADDRESS.wire(), a));
        }
        return new Login.Step(new LoginResponse(r.transit(), r.cont(), r.csg(), r.nsg(), r.versionMax(),
                r.versionActive(), r.isid(), r.tsih(), r.itt(), r.statSn(), r.expCmdSn(), r.maxCmdSn(), r.statusClass(),
                r.statusDetail(), Unpooled.wrappedBuffer(TextKeys.encode(text))), Login.Outcome.FAILED, null);
    }

    /** @return {@code temporarily} or {@code permanently}, for messages */
    String type() {
        return status == LoginStatus.TARGET_MOVED_PERMANENTLY ? "permanently" : "temporarily";
    }

    /** @return the addresses as sent in {@code TargetAddress}, empty when the target is not redirected */
    List<String> addresses() {
        return addresses;
    }

    /** @return the problem of a bad value, or null */
    String problem() {
        return problem;
    }

    @Override
    public String toString() {
        return problem != null ? "invalid (" + problem + ")" : addresses.isEmpty() ? "none"
                : "moved " + type() + " to " + String.join(", ", addresses);
    }
}
