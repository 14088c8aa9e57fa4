package org.jstgt.shell;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What the commands check before they write: instance names, CHAP names and secrets (the rules
 * the {@code auth-chap} bundle applies), and the syntax of {@code initiators} rules. The core checks
 * again and logs; these checks only spare the user a file that will not load. A message names the
 * key and never holds a secret.
 */
final class Checks {
    /** CHAP secrets are 12 to 255 bytes (the {@code auth-chap} contract). */
    static final int SECRET_MIN = 12;
    static final int SECRET_MAX = 255;

    private static final Pattern INSTANCE_NAME = Pattern.compile("[A-Za-z0-9._]+");
    /** A whole value that is one Config Admin placeholder, {@code $[type:name]} or {@code $[type:name;...]}. */
    private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\[([a-z]+:[^;\\]]+)(;[^\\]]*)?\\]");
    private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");
    private static final Pattern IPV6 = Pattern.compile("[0-9a-fA-F:.]*:[0-9a-fA-F:.]*");
    private static final Pattern NAME_PATTERN = Pattern.compile("[a-z0-9.:*-]+");

    private Checks() {
    }

    /**
     * @param what what the name names, for the message (e.g. "credential set")
     * @param name an instance name: {@code <name>} of {@code etc/<factoryPid>-<name>.cfg}
     */
    static void instanceName(String what, String name) {
        if (name == null || !INSTANCE_NAME.matcher(name).matches()) {
            throw new IllegalArgumentException(what + " name '" + name + "': use letters, digits, '.' and '_' only");
        }
    }

    /**
     * A CHAP name ({@code chap.user}, {@code mutual.user}): 1 to 255 bytes of printable ASCII.
     *
     * @param key the key it is written to
     * @param value the name
     */
    static void chapName(String key, String value) {
        String why = textProblem(value);
        if (why == null && value.getBytes(StandardCharsets.UTF_8).length > SECRET_MAX) {
            why = "is longer than 255 bytes";
        }
        if (why != null) {
            throw new IllegalArgumentException(key + ": '" + value + "' " + why);
        }
    }

    /**
     * A CHAP secret: 12 to 255 bytes of printable ASCII that Config Admin will not read as a
     * placeholder. The message says what is wrong, never the secret.
     *
     * @param key the key it is written to
     * @param secret the secret
     */
    static void secret(String key, String secret) {
        String why = textProblem(secret);
        if (why == null) {
            int n = secret.getBytes(StandardCharsets.UTF_8).length;
            if (n < SECRET_MIN || n > SECRET_MAX) {
                why = "must be " + SECRET_MIN + " to " + SECRET_MAX + " bytes, was " + n;
            }
        }
        if (why != null) {
            throw new IllegalArgumentException(key + ": the secret " + why);
        }
    }

    /** @return why a value cannot be written to a .cfg file as it is, or null */
    private static String textProblem(String v) {
        if (v == null || v.isEmpty()) {
            return "is empty";
        }
        for (int i = 0; i < v.length(); i++) {
            char c = v.charAt(i);
            if (c < 0x20 || c > 0x7e) {
                return "holds a character other than printable ASCII (space to '~')";
            }
        }
        if (v.charAt(0) == ' ' || v.charAt(v.length() - 1) == ' ') {
            return "begins or ends with a space";
        }
        if (v.contains("${") || v.contains("$[")) {
            return "holds '${' or '$[', which FileInstall and Config Admin read as a placeholder";
        }
        return null;
    }

    /**
     * How a secret's raw value is shown: never the value.
     *
     * @param raw the value as Config Admin holds it (placeholders unresolved), or null
     * @return {@code -} when absent, {@code (from $[secret:name])} for a placeholder (its
     *     default, which may be a secret, left out), else {@code ********}
     */
    static String maskSecret(Object raw) {
        if (raw == null || raw.toString().isEmpty()) {
            return "-";
        }
        Matcher m = PLACEHOLDER.matcher(raw.toString().trim());
        return m.matches() ? "(from $[" + m.group(1) + "])" : "********";
    }

    /** @return true when the raw value is a placeholder resolved by Config Admin */
    static boolean isPlaceholder(Object raw) {
        return raw != null && PLACEHOLDER.matcher(raw.toString().trim()).matches();
    }

    /**
     * Splits a list value ({@code auth.groups}, command arguments): commas and white space separate.
     *
     * @param values the values
     * @return the items, empty ones dropped
     */
    static List<String> items(List<String> values) {
        List<String> out = new ArrayList<>();
        for (String v : values) {
            for (String item : v.split("[,\\s]+")) {
                if (!item.isEmpty()) {
                    out.add(item);
                }
            }
        }
        return out;
    }

    /**
     * Checks the syntax of {@code initiators} entries: {@code ALL}, an initiator name or name
     * pattern ({@code iqn.}, {@code eui.}, {@code naa.}, {@code *} wildcards), or an IP address or
     * network ({@code 10.0.0.0/8}, {@code ::1/128}); each may start with {@code !} to deny.
     *
     * @param entries the entries
     * @throws IllegalArgumentException naming every bad entry
     */
    static void initiatorEntries(List<String> entries) {
        List<String> problems = new ArrayList<>();
        for (String e : entries) {
            String why = entryProblem(e.startsWith("!") ? e.substring(1) : e);
            if (why != null) {
                problems.add("'" + e + "' " + why);
            }
        }
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException("initiators: " + String.join("; ", problems));
        }
    }

    private static String entryProblem(String t) {
        if (t.isEmpty()) {
            return "is empty";
        }
        if (t.equalsIgnoreCase("ALL") || t.equals("*")) {
            return null;
        }
        String lower = t.toLowerCase(Locale.ROOT);
        if (lower.startsWith("iqn.") || lower.startsWith("eui.") || lower.startsWith("naa.")) {
            if (!NAME_PATTERN.matcher(lower).matches()) {
                return "is a name pattern with characters other than a-z, 0-9, '.', ':', '-' and '*'";
            }
            if (!lower.contains("*")) {
                // a name without a wildcard must be a whole iSCSI name, as the core checks it
                try {
                    ConfigRules.iscsiName("initiators", lower);
                } catch (IllegalArgumentException ex) {
                    return "is not an iSCSI name (iqn.yyyy-mm.reversed.domain[:id], eui.<16 hex digits> or "
                            + "naa.<16 or 32 hex digits>); add '*' for a pattern";
                }
            }
            return null;
        }
        String addr = t;
        int bits = -1;
        int slash = t.indexOf('/');
        if (slash >= 0) {
            addr = t.substring(0, slash);
            String prefix = t.substring(slash + 1);
            if (!prefix.matches("\\d{1,3}")) {
                return "has no prefix length after '/'";
            }
            bits = Integer.parseInt(prefix);
        }
        if (addr.startsWith("[") && addr.endsWith("]")) {
            addr = addr.substring(1, addr.length() - 1);
        }
        int min = 0;
        int max;
        if (IPV4.matcher(addr).matches()) {
            for (String octet : addr.split("\\.")) {
                if (Integer.parseInt(octet) > 255) {
                    return "is not a valid IPv4 address";
                }
            }
            max = 32;
        } else if (IPV6.matcher(addr).matches()) {
            try {
                // a string with ':' is parsed as an IPv6 literal, never looked up in DNS; the
                // IPv4-mapped form (::ffff:a.b.c.d) parses to the IPv4 address, and its prefix
                // length counts the 96 bits in front of it
                int length = InetAddress.getByName(addr).getAddress().length * 8;
                min = length == 32 ? 96 : 0;
                max = min + length;
            } catch (UnknownHostException ex) {
                return "is not a valid IPv6 address";
            }
        } else {
            return "is neither ALL, an initiator name (iqn./eui./naa.) nor an IP address or network";
        }
        if (slash >= 0 && (bits < min || bits > max)) {
            return "has a prefix length outside " + min + ".." + max;
        }
        return null;
    }
}
