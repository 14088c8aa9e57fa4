package org.jstgt.iscsi.security;

import java.util.Map;
import java.util.TreeMap;

import org.jstgt.api.Pids;

/**
 * How Discovery sessions (SessionType=Discovery, RFC 7143 §6.3) authenticate: the singleton
 * configuration {@link Pids#DISCOVERY} ({@code etc/jstgt.discovery.cfg}). Its {@code auth} key is
 * read as a target's ({@link AuthPolicy}: {@code none} by default, {@code chap}, {@code mutual}, any
 * other value refusing discovery logins with 0x0300); every key of the file goes, as a string and
 * untouched, to the method's {@link org.jstgt.api.auth.Authenticator} in
 * {@link org.jstgt.api.auth.AuthContext#properties()} (its own keys, such as {@code auth.groups}).
 *
 * <p>An immutable snapshot: a discovery login reads the one in force when it starts, so a change
 * applies to the next login and leaves established sessions alone.
 *
 * @param auth the {@code auth} policy
 * @param properties every configured key as a string (a list of strings joined with commas),
 *     without the keys Declarative Services adds ({@code component.*})
 * @param origin the file (or the PID without one), for messages
 */
public record DiscoveryPolicy(AuthPolicy auth, Map<String, String> properties, String origin) {
    private static final DiscoveryPolicy DEFAULTS = new DiscoveryPolicy(AuthPolicy.NONE, Map.of(), Pids.DISCOVERY);

    public DiscoveryPolicy {
        properties = Map.copyOf(properties);
    }

    /** @return the policy without a configuration: no authentication */
    public static DiscoveryPolicy defaults() {
        return DEFAULTS;
    }

    /**
     * @param configuration the {@link Pids#DISCOVERY} configuration as Declarative Services or
     *     Config Admin give it (no configuration: no key of the file)
     * @return the policy; a bad {@code auth} value is logged with the file and key
     */
    public static DiscoveryPolicy from(Map<String, ?> configuration) {
        Map<String, String> strings = new TreeMap<>();
        configuration.forEach((k, v) -> {
            if (v != null && !k.startsWith("component.")) {
                strings.put(k, v instanceof String[] list ? String.join(",", list) : v.toString());
            }
        });
        String origin = configuration.containsKey(Pids.FILEINSTALL_FILENAME) ? Pids.origin(configuration)
                : Pids.DISCOVERY;
        return new DiscoveryPolicy(AuthPolicy.from(strings, origin), strings, origin);
    }

    @Override
    public String toString() {
        return origin + ": auth = " + auth.value();
    }
}
