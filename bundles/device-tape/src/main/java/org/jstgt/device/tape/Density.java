package org.jstgt.device.tape;

import java.util.Locale;
import java.util.Optional;

/**
 * The DLT family's recording densities the drive offers (DENSITY CODE of the mode parameter block
 * descriptor of SSC-3's mode parameters, and the REPORT DENSITY SUPPORT command): the code, the name the
 * {@code density} key and REPORT DENSITY SUPPORT use, and the nominal native capacity in 10^6
 * bytes. The density is nominal: it does not change how a cartridge image stores data.
 */
enum Density {
    DLT4000(0x1A, "DLT4000", 20_000),
    DLT7000(0x1B, "DLT7000", 35_000),
    DLT8000(0x41, "DLT8000", 40_000),
    SDLT220(0x48, "SDLT220", 110_000),
    SDLT320(0x49, "SDLT320", 160_000),
    SDLT600(0x4A, "SDLT600", 300_000),
    DLT_S4(0x4B, "DLT-S4", 800_000);

    /** The density of a drive whose {@code density} key is absent. */
    static final Density DEFAULT = DLT_S4;

    private final int code;
    private final String label;
    private final int megabytes;

    Density(int code, String label, int megabytes) {
        this.code = code;
        this.label = label;
        this.megabytes = megabytes;
    }

    /** @return the DENSITY CODE */
    int code() {
        return code;
    }

    /** @return the name (DENSITY NAME of REPORT DENSITY SUPPORT) */
    String label() {
        return label;
    }

    /** @return the nominal native capacity in 10^6 bytes (CAPACITY of REPORT DENSITY SUPPORT) */
    int megabytes() {
        return megabytes;
    }

    /**
     * @param code a DENSITY CODE
     * @return the density, or empty when the drive does not offer it
     */
    static Optional<Density> ofCode(int code) {
        for (Density d : values()) {
            if (d.code == code) {
                return Optional.of(d);
            }
        }
        return Optional.empty();
    }

    /**
     * @param text a name ({@code DLT-S4}, case-insensitive, '-' and '_' optional) or a code
     *     ({@code 0x4B}, {@code 4Bh})
     * @return the density, or empty when not one of the drive's
     */
    static Optional<Density> parse(String text) {
        String t = text.trim().toUpperCase(Locale.ROOT);
        String bare = t.replace("-", "").replace("_", "");
        for (Density d : values()) {
            if (d.label.replace("-", "").equals(bare)) {
                return Optional.of(d);
            }
        }
        String hex = t.startsWith("0X") ? t.substring(2) : t.endsWith("H") ? t.substring(0, t.length() - 1) : null;
        if (hex != null && hex.matches("[0-9A-F]{1,2}")) {
            return ofCode(Integer.parseInt(hex, 16));
        }
        return Optional.empty();
    }
}
