package org.jstgt.iscsi;

import java.lang.reflect.Array;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;

import org.jstgt.api.target.AccessState;

/**
 * The ALUA keys of a portal file (SPC-4 §5.16): {@code alua.state}, the asymmetric access state of
 * the portal's group (its tag), and {@code alua.preferred}, the group's PREF bit. Absent, the group
 * is active/optimized and not preferred. A bad {@code alua.state} fails closed: it is logged with
 * the file and key and the group is {@code unavailable} until the file is fixed, so that a typo
 * never turns a path meant to be passive into an active one. A bad {@code alua.preferred} is
 * logged and reads as false.
 *
 * @param state the state the file asks for
 * @param preferred the PREF bit the file asks for
 * @param problem what is wrong with the keys, naming the key, or null
 */
record PortalAccess(AccessState state, boolean preferred, String problem) {
    static final PortalAccess DEFAULT = new PortalAccess(AccessState.ACTIVE_OPTIMIZED, false, null);
    private static final String PREFIX = "alua.";

    /**
     * @param properties the portal configuration
     * @param origin its file, for messages
     * @param report receives one message per bad value, naming file and key
     * @return the keys read
     */
    static PortalAccess from(Map<String, ?> properties, String origin, Consumer<String> report) {
        Object s = properties.get(AccessState.PORTAL_KEY);
        AccessState state = AccessState.ACTIVE_OPTIMIZED;
        String problem = null;
        if (s != null) {
            state = AccessState.parse(s.toString()).orElse(null);
            if (state == null) {
                problem = AccessState.PORTAL_KEY + ": '" + s + "' is not a state";
                report.accept(origin + ": key " + problem + " (" + AccessState.spellings()
                        + "); the group is unavailable until the file is fixed");
                state = AccessState.UNAVAILABLE;
            }
        }
        Object p = properties.get(AccessState.PREFERRED_KEY);
        boolean preferred = false;
        if (p != null) {
            String v = p.toString().trim().toLowerCase(Locale.ROOT);
            preferred = v.equals("true");
            if (!preferred && !v.equals("false")) {
                String bad = AccessState.PREFERRED_KEY + ": '" + p + "' is not true or false";
                report.accept(origin + ": key " + bad + "; the group is not preferred");
                problem = problem == null ? bad : problem + "; " + bad;
            }
        }
        return new PortalAccess(state, preferred, problem);
    }

    /**
     * @param before a portal configuration
     * @param after its new version
     * @return true when they differ at most in the {@code alua.*} keys: the change applies in place
     */
    static boolean onlyAccessChanged(Map<String, ?> before, Map<String, ?> after) {
        Set<String> keys = new TreeSet<>(before.keySet());
        keys.addAll(after.keySet());
        for (String k : keys) {
            if (!k.startsWith(PREFIX) && !Objects.deepEquals(plain(before.get(k)), plain(after.get(k)))) {
                return false;
            }
        }
        return true;
    }

    /** Arrays as their elements' text, so that equal values compare equal whatever their array type. */
    private static Object plain(Object v) {
        if (v == null || !v.getClass().isArray()) {
            return v;
        }
        String[] s = new String[Array.getLength(v)];
        for (int i = 0; i < s.length; i++) {
            s[i] = String.valueOf(Array.get(v, i));
        }
        return s;
    }
}
