package org.jstgt.iscsi.limits;

import java.util.Map;
import java.util.function.Consumer;

import org.jstgt.iscsi.events.ConfigEvents;

/**
 * One whole-number configuration key with a range and a default. A value that is not a number in
 * range is reported, naming the file and the key, and the default is used (DESIGN.md: the rest of
 * the configuration keeps running).
 *
 * @param key the key in the configuration file
 * @param min smallest value accepted
 * @param max largest value accepted
 * @param defaultValue used when the key is absent, blank or bad
 */
public record Setting(String key, int min, int max, int defaultValue) {

    /**
     * @param properties configuration properties (values as strings or numbers)
     * @param origin the configuration file, for the report
     * @param report receives one message per bad value
     * @return the configured value, or the default
     */
    public int read(Map<String, ?> properties, String origin, Consumer<String> report) {
        Object raw = properties.get(key);
        if (raw == null || raw.toString().isBlank()) {
            return defaultValue;
        }
        String s = raw.toString().trim();
        try {
            long v = Long.parseLong(s);
            if (v >= min && v <= max) {
                return (int) v;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        String why = "'" + s + "' is not a number in " + min + ".." + max + "; using the default " + defaultValue;
        report.accept(origin + ": key " + key + ": " + why);
        ConfigEvents.refused(origin, key, why);
        return defaultValue;
    }
}
