package org.jstgt.testkit;

import java.util.HashMap;
import java.util.Map;

import org.jstgt.api.Pids;

/**
 * Configuration property maps as Config Admin hands them to a component after Felix FileInstall read
 * a file from {@code etc/}, for tests of configuration parsing and of the LUN and target whiteboard.
 */
public final class ConfigProps {

    /** Where test configurations pretend to live. */
    public static final String ETC = "/opt/jstgt/etc/";

    private ConfigProps() {
    }

    /**
     * @param fileName the file name under {@link #ETC}, e.g. {@code jstgt.lun-disk0.cfg}; it becomes
     *     {@link Pids#FILEINSTALL_FILENAME} as a {@code file:} URL, which {@link Pids#origin} reports
     * @param kv keys and values, alternating
     * @return a new mutable map
     */
    public static Map<String, Object> fromFile(String fileName, String... kv) {
        Map<String, Object> p = new HashMap<>();
        p.put(Pids.FILEINSTALL_FILENAME, "file:" + ETC + fileName);
        return override(p, kv);
    }

    /**
     * @param base the properties to start from (not changed)
     * @param kv keys and values, alternating; a null value removes the key, so a test can model a
     *     file that lacks it
     * @return a new mutable map
     * @throws IllegalArgumentException when {@code kv} has an odd length
     */
    public static Map<String, Object> override(Map<String, Object> base, String... kv) {
        if (kv.length % 2 != 0) {
            throw new IllegalArgumentException("keys and values must alternate; got " + kv.length + " strings");
        }
        Map<String, Object> p = new HashMap<>(base);
        for (int i = 0; i < kv.length; i += 2) {
            if (kv[i + 1] == null) {
                p.remove(kv[i]);
            } else {
                p.put(kv[i], kv[i + 1]);
            }
        }
        return p;
    }
}
