package org.jstgt.benchmarks.mcs;

/** Range checks of CDB and parameter list fields. */
final class Fields {
    private Fields() {
    }

    /**
     * @return {@code value}
     * @throws IllegalArgumentException when it is outside {@code min..max}
     */
    static long check(String field, long value, long min, long max) {
        if (value < min || value > max) {
            throw new IllegalArgumentException(field + " must be " + min + ".." + max + ", was " + value);
        }
        return value;
    }

    /** @see #check(String, long, long, long) */
    static int check(String field, int value, int min, int max) {
        return (int) check(field, (long) value, min, max);
    }
}
