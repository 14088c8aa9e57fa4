package org.jstgt.iscsi.security;

import java.util.Locale;
import java.util.Map;

import org.jstgt.iscsi.events.ConfigEvents;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An {@code auth} key, of a target or of the discovery policy: {@code none} (the default),
 * {@code chap} or {@code mutual}. Any other value is kept, logged with the file and key, and
 * refuses every login it governs as a target error (0x0300) until fixed: a typo never drops
 * authentication.
 *
 * @param value the value as configured, trimmed and in lower case
 */
public record AuthPolicy(String value) {
    private static final Logger LOG = LoggerFactory.getLogger(AuthPolicy.class);

    /** The configuration key. */
    public static final String KEY = "auth";
    /** No authentication: {@code AuthMethod=None}. */
    public static final AuthPolicy NONE = new AuthPolicy("none");

    /**
     * @param properties a configuration as strings
     * @param origin its file, for the log
     * @return its {@code auth} policy; an absent or blank key is {@link #NONE}
     */
    public static AuthPolicy from(Map<String, String> properties, String origin) {
        String v = properties.getOrDefault(KEY, "").trim().toLowerCase(Locale.ROOT);
        AuthPolicy p = v.isEmpty() ? NONE : new AuthPolicy(v);
        if (p.method() == null) {
            LOG.warn("{}: key {}: '{}' is not none, chap or mutual; refusing logins until fixed", origin, KEY, v);
            ConfigEvents.refused(origin, KEY, "'" + v + "' is not none, chap or mutual; refusing logins until fixed");
        }
        return p;
    }

    /**
     * @return the {@code AuthMethod} the policy requires: {@code None}, {@code CHAP} (for
     *     {@code chap} and {@code mutual}), or null when the value is not valid
     */
    public String method() {
        return switch (value) {
            case "none" -> SecurityStage.NONE;
            case "chap", "mutual" -> "CHAP";
            default -> null;
        };
    }
}
