package org.jstgt.scsi.config;

import java.lang.reflect.Array;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Dictionary;
import java.util.Enumeration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

import org.jstgt.api.ConfigException;

/** Reading configuration values as the files give them (strings) or as Config Admin types them. */
public final class Props {
    private Props() {
    }

    /**
     * @param props typed properties (arrays and collections become comma lists)
     * @return every key as a string, sorted by key
     */
    public static Map<String, String> strings(Map<String, ?> props) {
        Map<String, String> out = new TreeMap<>();
        props.forEach((k, v) -> {
            if (v != null) {
                out.put(k, text(v));
            }
        });
        return out;
    }

    /**
     * @param dict a Config Admin dictionary
     * @return the same as a map
     */
    public static Map<String, Object> map(Dictionary<String, ?> dict) {
        Map<String, Object> out = new TreeMap<>();
        if (dict != null) {
            for (Enumeration<String> keys = dict.keys(); keys.hasMoreElements();) {
                String k = keys.nextElement();
                out.put(k, dict.get(k));
            }
        }
        return out;
    }

    private static String text(Object v) {
        if (v.getClass().isArray()) {
            List<String> parts = new ArrayList<>();
            for (int i = 0; i < Array.getLength(v); i++) {
                parts.add(String.valueOf(Array.get(v, i)));
            }
            return String.join(",", parts);
        }
        if (v instanceof Collection<?> c) {
            List<String> parts = new ArrayList<>();
            c.forEach(o -> parts.add(String.valueOf(o)));
            return String.join(",", parts);
        }
        return v.toString();
    }

    /**
     * @param props the properties
     * @param key the key
     * @return the trimmed value, or null when absent or blank
     */
    public static String get(Map<String, String> props, String key) {
        String v = props.get(key);
        return v == null || v.isBlank() ? null : v.trim();
    }

    /**
     * @param props the properties
     * @param key the key
     * @return the value
     * @throws ConfigException when absent or blank
     */
    public static String required(Map<String, String> props, String key) throws ConfigException {
        String v = get(props, key);
        if (v == null) {
            throw new ConfigException(key, "missing (required)");
        }
        return v;
    }

    /**
     * @param props the properties
     * @param key the key
     * @param defaultValue used when absent
     * @return the boolean
     * @throws ConfigException when not true/false
     */
    public static boolean bool(Map<String, String> props, String key, boolean defaultValue) throws ConfigException {
        String v = get(props, key);
        if (v == null) {
            return defaultValue;
        }
        return switch (v.toLowerCase(Locale.ROOT)) {
            case "true", "yes", "on" -> true;
            case "false", "no", "off" -> false;
            default -> throw new ConfigException(key, "'" + v + "' is not a boolean (true or false)");
        };
    }

    /**
     * @param text a comma separated list
     * @return the trimmed non-empty items
     */
    public static List<String> list(String text) {
        List<String> out = new ArrayList<>();
        if (text != null) {
            for (String s : text.split(",")) {
                if (!s.isBlank()) {
                    out.add(s.trim());
                }
            }
        }
        return out;
    }
}
