package org.jstgt.iscsi.log;

import java.util.function.Consumer;

import org.slf4j.Logger;

/**
 * Reads a whole-number setting with a range, the fabric's way: absent or blank gives the default,
 * and a value that is not a number in range is logged at WARN naming where it came from and its
 * key, then replaced by the default.
 */
public final class BoundedSetting {
    private BoundedSetting() {
    }

    /**
     * @param log where a bad value is reported
     * @param origin where the value came from (a file, or "system properties")
     * @param key its key
     * @param value the value, may be null
     * @param min smallest allowed
     * @param max largest allowed
     * @param defaultValue used when absent or bad
     * @return the value to use
     */
    public static int read(Logger log, String origin, String key, String value, int min, int max, int defaultValue) {
        return read(log, origin, key, value, min, max, defaultValue, why -> { });
    }

    /**
     * As {@link #read(Logger, String, String, String, int, int, int)}, and tells {@code refused}
     * what the log line says after the key (for a configuration event) when the value is bad.
     *
     * @param refused told why a bad value was replaced by the default
     */
    public static int read(Logger log, String origin, String key, String value, int min, int max, int defaultValue,
            Consumer<String> refused) {
        if (value == null || value.isBlank()) {
            return defaultValue;
        }
        try {
            int n = Integer.parseInt(value.trim());
            if (n >= min && n <= max) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        log.warn("{}: key {}: '{}' is not a number in {}..{}; using the default {}", origin, key, LogSafe.of(value),
                min, max, defaultValue);
        refused.accept("'" + LogSafe.of(value) + "' is not a number in " + min + ".." + max + "; using the default "
                + defaultValue);
        return defaultValue;
    }
}
