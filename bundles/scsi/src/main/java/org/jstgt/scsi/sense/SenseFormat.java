package org.jstgt.scsi.sense;

import java.util.Locale;

import org.jstgt.api.ConfigException;

/** Sense data format (SPC-4 §4.5.1), chosen per LUN with the {@code sense.format} key. */
public enum SenseFormat {
    /** Response code 70h (SPC-4 §4.5.3). */
    FIXED,
    /** Response code 72h (SPC-4 §4.5.2). */
    DESCRIPTOR;

    /** The LUN configuration key. */
    public static final String KEY = "sense.format";

    /**
     * @param value {@code fixed} or {@code descriptor}, null for the default
     * @return the format
     * @throws ConfigException naming {@link #KEY}
     */
    public static SenseFormat parse(String value) throws ConfigException {
        if (value == null || value.isBlank()) {
            return FIXED;
        }
        return switch (value.trim().toLowerCase(Locale.ROOT)) {
            case "fixed" -> FIXED;
            case "descriptor" -> DESCRIPTOR;
            default -> throw new ConfigException(KEY, "'" + value + "' is not fixed or descriptor");
        };
    }
}
