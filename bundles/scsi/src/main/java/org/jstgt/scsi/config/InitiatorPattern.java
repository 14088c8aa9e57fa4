package org.jstgt.scsi.config;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Locale;
import java.util.regex.Pattern;

import org.jstgt.api.ConfigException;

/**
 * One entry of a target's {@code initiators} list: an initiator name (exact, or with {@code *}
 * wildcards), an address or network ({@code 10.0.0.0/8}, {@code ::1/128}), or {@code ALL}.
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
            java.util.List<String> parts = new java.util.ArrayList<>();
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
            try {
                prefix = Integer.parseInt(t.substring(slash + 1));
            } catch (NumberFormatException e) {
                throw new ConfigException(key, "'" + t + "': bad prefix length after '/'");
            }
        }
        if (addr.startsWith("[") && addr.endsWith("]")) {
            addr = addr.substring(1, addr.length() - 1);
        }
        // Only literals are accepted: a host name here would need DNS at every login.
        if (!IPV4.matcher(addr).matches() && !IPV6.matcher(addr).matches()) {
            throw new ConfigException(key, "'" + t + "' is neither an initiator name (iqn./eui./naa.) nor an IP "
                    + "address or network (e.g. 10.0.0.0/8, ::1/128), nor ALL");
        }
        byte[] bytes;
        try {
            bytes = InetAddress.getByName(addr).getAddress();
        } catch (UnknownHostException e) {
            throw new ConfigException(key, "'" + t + "' is not a valid IP address");
        }
        int bits = bytes.length * 8;
        if (prefix == -1) {
            prefix = bits;
        }
        if (prefix < 0 || prefix > bits) {
            throw new ConfigException(key, "'" + t + "': prefix length must be 0.." + bits);
        }
        return new InitiatorPattern(t, null, bytes, prefix);
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
        byte[] a = address.getAddress();
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

    /** @return true for ALL */
    public boolean all() {
        return name == null && network == null;
    }

    @Override
    public String toString() {
        return text;
    }
}
