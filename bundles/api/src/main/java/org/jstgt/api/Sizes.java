package org.jstgt.api;

import java.util.Locale;

/** Parsing of sizes with units as written in configuration files ({@code 1GiB}, {@code 512}, {@code 4 MiB}). */
public final class Sizes {
    private Sizes() {
    }

    /**
     * Parses a size: a non-negative integer optionally followed by B, K/KiB/KB, M/MiB/MB, G/GiB/GB,
     * T/TiB/TB (all binary multiples; case-insensitive; whitespace allowed before the unit).
     *
     * @param key the configuration key, for the error
     * @param value the text
     * @return the size in bytes
     * @throws ConfigException when the value is not a size or overflows
     */
    public static long parse(String key, String value) throws ConfigException {
        if (value == null || value.isBlank()) {
            throw new ConfigException(key, "missing size");
        }
        String v = value.trim();
        int i = 0;
        while (i < v.length() && Character.isDigit(v.charAt(i))) {
            i++;
        }
        if (i == 0) {
            throw new ConfigException(key, "'" + value + "' is not a size (expected e.g. 512, 64MiB, 1GiB, 2TiB)");
        }
        long number;
        try {
            number = Long.parseLong(v.substring(0, i));
        } catch (NumberFormatException e) {
            throw new ConfigException(key, "'" + value + "' is too large");
        }
        String unit = v.substring(i).trim().toUpperCase(Locale.ROOT);
        int shift;
        switch (unit) {
            case "", "B" -> shift = 0;
            case "K", "KB", "KIB" -> shift = 10;
            case "M", "MB", "MIB" -> shift = 20;
            case "G", "GB", "GIB" -> shift = 30;
            case "T", "TB", "TIB" -> shift = 40;
            case "P", "PB", "PIB" -> shift = 50;
            default -> throw new ConfigException(key, "unknown unit '" + v.substring(i).trim()
                    + "' in '" + value + "' (use B, KiB, MiB, GiB, TiB)");
        }
        if (shift > 0 && number > (Long.MAX_VALUE >> shift)) {
            throw new ConfigException(key, "'" + value + "' is too large");
        }
        return number << shift;
    }

    /**
     * Formats a byte count for display, e.g. {@code 1 GiB}, {@code 1536 MiB}, {@code 4096 B}.
     *
     * @param bytes the count
     * @return the text
     */
    public static String format(long bytes) {
        String[] units = {"B", "KiB", "MiB", "GiB", "TiB", "PiB"};
        int u = 0;
        long v = bytes;
        while (u < units.length - 1 && v != 0 && (v & 1023) == 0) {
            v >>= 10;
            u++;
        }
        return v + " " + units[u];
    }
}
