package org.jstgt.iscsi.events;

import java.util.LinkedHashMap;
import java.util.Map;

import org.jstgt.api.Pids;

/**
 * The fabric's configuration errors, for Event Admin: the topic and properties the SCSI core posts
 * for a refused LUN or target file, here for the keys the fabric reads (a portal that cannot
 * listen where its {@code listen} key says; a target's or {@code jstgt.iscsi}'s value that is
 * refused, its default applying or the target refusing logins until it is fixed). Posted where the
 * same problem is logged, through the sink of {@link SessionEvents}; never a secret.
 */
public final class ConfigEvents {
    /** A configuration file, or a key of it, was refused. */
    public static final String CONFIG_ERROR = "org/jstgt/config/ERROR";
    /** Property: the factory PID of the file ({@code jstgt.portal}, {@code jstgt.target}), or its PID ({@code jstgt.iscsi}). */
    public static final String PID = "pid";
    /** Property: the instance name (the {@code <name>} of {@code etc/jstgt.portal-<name>.cfg}). */
    public static final String NAME = "name";
    /** Property: the file, or the configuration's PID when it has none. */
    public static final String ORIGIN = "origin";
    /** Property: the key at fault, when one is. */
    public static final String KEY = "key";
    /** Property: what is wrong. */
    public static final String REASON = "reason";

    private ConfigEvents() {
    }

    /**
     * @param pid the factory PID, or null when unknown
     * @param name the instance name, or null
     * @param origin the file
     * @param key the key at fault, or null
     * @param reason what is wrong
     */
    public static void configError(String pid, String name, String origin, String key, String reason) {
        Map<String, Object> p = new LinkedHashMap<>();
        SessionEvents.putIf(p, PID, pid);
        SessionEvents.putIf(p, NAME, name);
        SessionEvents.putIf(p, ORIGIN, origin);
        SessionEvents.putIf(p, KEY, key);
        p.put(REASON, reason);
        SessionEvents.post(CONFIG_ERROR, p);
    }

    /**
     * A key's value was refused (its default applies, or the target refuses logins until it is
     * fixed, as {@code reason} says).
     *
     * @param origin the file, or the configuration's PID
     * @param key the key
     * @param reason what is wrong and what applies instead
     */
    public static void refused(String origin, String key, String reason) {
        String[] pidAndName = pidAndName(origin);
        configError(pidAndName[0], pidAndName[1], origin, key, reason);
    }

    /**
     * @param origin {@code .../etc/jstgt.target-<name>.cfg}, {@code .../etc/jstgt.iscsi.cfg} or a
     *     PID such as {@code jstgt.target~<name>}
     * @return the factory (or singleton) PID and the instance name it gives, each null when it
     *     gives none
     */
    static String[] pidAndName(String origin) {
        String base = origin == null ? "" : origin.substring(origin.lastIndexOf('/') + 1);
        if (base.endsWith(".cfg")) {
            base = base.substring(0, base.length() - ".cfg".length());
            for (String factory : new String[] {Pids.PORTAL, Pids.TARGET, Pids.LUN, Pids.AUTH}) {
                if (base.startsWith(factory + "-")) {
                    return new String[] {factory, base.substring(factory.length() + 1)};
                }
            }
        } else if (base.indexOf('~') > 0) {
            return new String[] {base.substring(0, base.indexOf('~')), base.substring(base.indexOf('~') + 1)};
        }
        return new String[] {base.startsWith("jstgt.") ? base : null, null};
    }
}
