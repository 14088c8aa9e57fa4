package org.jstgt.shell.importer;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * istgt's sizes ({@code 10GB}, {@code 20GB-1MB}, {@code 512}): a number with an optional unit K, M,
 * G, T, P, E (1024-based, an optional B after it), optionally followed by {@code +} or {@code -}
 * and a second such number; written back in jstgt's units ({@code 10GiB}, {@code 20479MiB}).
 */
final class IstgtSizes {
    private static final Pattern PART = Pattern.compile("(\\d+)\\s*([KMGTPE]?)B?", Pattern.CASE_INSENSITIVE);
    private static final Pattern SIZE = Pattern.compile("(\\d+\\s*[KMGTPE]?B?)\\s*(?:([-+])\\s*(\\d+\\s*[KMGTPE]?B?))?",
            Pattern.CASE_INSENSITIVE);
    private static final String[] UNITS = {"B", "KiB", "MiB", "GiB", "TiB", "PiB"};

    private IstgtSizes() {
    }

    /** @return true for {@code Auto} or {@code Size}: istgt takes the size of the existing file */
    static boolean isAuto(String value) {
        return value.equalsIgnoreCase("Auto") || value.equalsIgnoreCase("Size");
    }

    /**
     * @param value an istgt size
     * @return the bytes
     * @throws IllegalArgumentException when it is not a size, or is 0, negative or too large
     */
    static long bytes(String value) {
        Matcher m = SIZE.matcher(value.trim());
        if (!m.matches()) {
            throw new IllegalArgumentException("'" + value + "' is not an istgt size (e.g. 10GB, 512MB, 20GB-1MB, Auto)");
        }
        long a = part(m.group(1), value);
        if (m.group(2) != null) {
            long b = part(m.group(3), value);
            a = m.group(2).equals("+") ? Math.addExact(a, b) : a - b;
        }
        if (a <= 0) {
            throw new IllegalArgumentException("'" + value + "' is not a positive size");
        }
        return a;
    }

    private static long part(String text, String value) {
        Matcher m = PART.matcher(text.trim());
        if (!m.matches()) {
            throw new IllegalArgumentException("'" + value + "' is not an istgt size");
        }
        int shift = 10 * "_KMGTPE".indexOf(m.group(2).isEmpty() ? "_" : m.group(2).toUpperCase(Locale.ROOT));
        try {
            long n = Long.parseLong(m.group(1));
            if (shift > 0 && n > (Long.MAX_VALUE >> shift)) {
                throw new ArithmeticException();
            }
            return n << shift;
        } catch (NumberFormatException | ArithmeticException e) {
            throw new IllegalArgumentException("'" + value + "' is too large");
        }
    }

    /** @return the bytes in the largest jstgt unit that holds them exactly ({@code 10GiB}) */
    static String format(long bytes) {
        int u = 0;
        long v = bytes;
        while (u < UNITS.length - 1 && v % 1024 == 0 && v != 0) {
            v /= 1024;
            u++;
        }
        return v + UNITS[u];
    }
}
