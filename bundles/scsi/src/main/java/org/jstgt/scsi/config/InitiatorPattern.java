package org.jstgt.scsi.config;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

import org.jstgt.api.ConfigException;

/**
 * What one entry of a target's {@code initiators} list matches (its {@code !} aside, see
 * {@link InitiatorAcl}): an initiator name (exact, or with {@code *} wildcards) against the
 * InitiatorName, an address or network ({@code 10.0.0.0/8}, {@code ::1/128}) against the peer's IP
 * address, or {@code ALL} against every initiator.
 *
 * <p>IPv4 is matched as IPv4 however it arrives: a peer address in IPv4-mapped IPv6 form
 * ({@code ::ffff:10.0.0.1}, RFC 4291 §2.5.5.2, as a dual-stack socket may report it) matches IPv4
 * networks, and a network written in that form ({@code ::ffff:10.0.0.0/104}) is the IPv4 network
 * it carries. IPv6 networks such as {@code ::/0} match IPv6 peers only.
 */
public final class InitiatorPattern {
    private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");
    private static final Pattern IPV6 = Pattern.compile("[0-9a-fA-F:.]*:[0-9a-fA-F:.]*");
    private static final Pattern NAME_CHARS = Pattern.compile("[a-z0-9.:*-]+");

    private final String text;
    private final Pattern name;
    private final byte[] network;
    private final int prefix;

    private InitiatorPattern(String text, Pattern name, byte[] network, int prefix) {
        this.text = text;
        this.name = name;
        this.network = network;
        this.prefix = prefix;
    }

    /**
     * @param key the configuration key, for errors
     * @param text one pattern
     * @return the pattern
     * @throws ConfigException when it is neither a name pattern nor an address
     */
    public static InitiatorPattern parse(String key, String text) throws ConfigException {
        String t = text.trim();
        if (t.equalsIgnoreCase("ALL") || t.equals("*")) {
            return new InitiatorPattern("ALL", null, null, 0);
        }
        String lower = t.toLowerCase(Locale.ROOT);
        if (lower.startsWith("iqn.") || lower.startsWith("eui.") || lower.startsWith("naa.")) {
            if (!NAME_CHARS.matcher(lower).matches()) {
                throw new ConfigException(key, "'" + t + "': an initiator name pattern may hold only a-z, 0-9, "
                        + "'.', ':', '-' and the wildcard '*'");
            }
            if (!lower.contains("*")) {
                ScsiNames.validate(key, lower);
            }
            List<String> parts = new ArrayList<>();
            for (String part : lower.split("\\*", -1)) {
                parts.add(Pattern.quote(part));
            }
            return new InitiatorPattern(lower, Pattern.compile(String.join(".*", parts)), null, 0);
        }
        String addr = t;
        int prefix = -1;
        int slash = t.indexOf('/');
        if (slash >= 0) {
            addr = t.substring(0, slash);
            String bits = t.substring(slash + 1);
            // digits only: "/-1" is no prefix length (it read as the whole address once)
            prefix = bits.matches("\\d{1,3}") ? Integer.parseInt(bits) : -1;
            if (prefix < 0) {
                throw new ConfigException(key, "'" + t + "': bad prefix length after '/'");
            }
        }
        if (addr.startsWith("[") && addr.endsWith("]")) {
            addr = addr.substring(1, addr.length() - 1);
        }
        // Only literals are accepted: a host name here would need DNS at every login.
        if (!IPV4.matcher(addr).matches() && !IPV6.matcher(addr).matches() || !octetsInRange(addr)) {
            throw new ConfigException(key, "'" + t + "' is neither an initiator name (iqn./eui./naa.) nor an IP "
                    + "address or network (e.g. 10.0.0.0/8, ::1/128), nor ALL");
        }
        byte[] bytes;
        try {
            bytes = InetAddress.getByName(addr).getAddress();
        } catch (UnknownHostException e) {
            throw new ConfigException(key, "'" + t + "' is not a valid IP address");
        }
        // ::ffff:a.b.c.d parses to the IPv4 address; its prefix counts the 96 bits before it
        int mappedBits = bytes.length == 4 && addr.contains(":") ? 96 : 0;
        int bits = mappedBits + bytes.length * 8;
        if (prefix == -1) {
            prefix = bits;
        }
        if (prefix < mappedBits || prefix > bits) {
            throw new ConfigException(key, "'" + t + "': prefix length must be " + mappedBits + ".." + bits);
        }
        return new InitiatorPattern(t, null, bytes, prefix - mappedBits);
    }

    /** @return false for an IPv4 literal with an octet over 255 (the JDK would look it up as a host name) */
    private static boolean octetsInRange(String addr) {
        if (!IPV4.matcher(addr).matches()) {
            return true;
        }
        for (String octet : addr.split("\\.")) {
            if (Integer.parseInt(octet) > 255) {
                return false;
            }
        }
        return true;
    }

    /**
     * @param initiatorName the initiator's node name
     * @param address its address, may be null
     * @return true when this pattern admits it
     */
    public boolean matches(String initiatorName, InetAddress address) {
        if (name == null && network == null) {
            return true;
        }
        if (name != null) {
            return initiatorName != null && name.matcher(initiatorName.toLowerCase(Locale.ROOT)).matches();
        }
        if (address == null) {
            return false;
        }
        byte[] a = unmapped(address.getAddress());
        if (a.length != network.length) {
            return false;
        }
        int full = prefix / 8;
        for (int i = 0; i < full; i++) {
            if (a[i] != network[i]) {
                return false;
            }
        }
        int rest = prefix % 8;
        if (rest == 0) {
            return true;
        }
        int mask = (0xFF << (8 - rest)) & 0xFF;
        return (a[full] & mask) == (network[full] & mask);
    }

    /**
     * @param a an IPv4 (4 bytes) or IPv6 (16 bytes) address
     * @return the IPv4 address an IPv4-mapped IPv6 address carries ({@code ::ffff:0:0/96}), else {@code a}
     */
    static byte[] unmapped(byte[] a) {
        if (a.length != 16 || a[10] != (byte) 0xff || a[11] != (byte) 0xff) {
            return a;
        }
        for (int i = 0; i < 10; i++) {
            if (a[i] != 0) {
                return a;
            }
        }
        return Arrays.copyOfRange(a, 12, 16);
    }

    @Override
    public String toString() {
        return text;
    }
}
