package org.jstgt.iscsi.text;

/**
 * One {@code host[:port]} entry of a configuration list, written as {@code TargetAddress} writes
 * an address (RFC 7143 §13.8): an IPv6 address in brackets (RFC 3986 §3.2.2), the port 3260 (the
 * IANA-registered iSCSI port) when absent. Only the syntax is checked here; what a host may be is
 * the caller's to decide.
 *
 * @param host the host without brackets, not empty
 * @param port 1..65535
 * @param bracketed whether the host was written in brackets (an IPv6 address)
 */
public record HostPort(String host, int port, boolean bracketed) {
    /** The IANA-registered iSCSI port. */
    public static final int DEFAULT_PORT = 3260;

    /**
     * @param entry {@code host}, {@code host:port}, {@code [v6]} or {@code [v6]:port}, trimmed
     * @return its parts
     * @throws IllegalArgumentException naming the entry and its problem
     */
    public static HostPort parse(String entry) {
        String host;
        String port = null;
        boolean bracketed = entry.startsWith("[");
        if (bracketed) {
            int close = entry.indexOf(']');
            if (close < 0) {
                throw new IllegalArgumentException("'" + entry + "': missing ]");
            }
            host = entry.substring(1, close);
            String rest = entry.substring(close + 1);
            if (!rest.isEmpty()) {
                if (!rest.startsWith(":")) {
                    throw new IllegalArgumentException("'" + entry + "': expected :port after ]");
                }
                port = rest.substring(1);
            }
        } else {
            int colon = entry.indexOf(':');
            if (colon >= 0 && entry.lastIndexOf(':') != colon) {
                throw new IllegalArgumentException("'" + entry + "': IPv6 addresses go in brackets, e.g. [::1]:3260");
            }
            host = colon >= 0 ? entry.substring(0, colon) : entry;
            port = colon >= 0 ? entry.substring(colon + 1) : null;
        }
        int p = port == null ? DEFAULT_PORT : port.matches("[0-9]{1,5}") ? Integer.parseInt(port) : 0;
        if (p < 1 || p > 65535) {
            throw new IllegalArgumentException("'" + entry + "': port '" + port + "' is not a number in 1..65535");
        }
        if (host.isEmpty()) {
            throw new IllegalArgumentException("'" + entry + "': missing host");
        }
        return new HostPort(host, p, bracketed);
    }
}
