package org.jstgt.device.tape;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

import org.jstgt.api.ConfigException;
import org.jstgt.api.Sizes;
import org.jstgt.api.scsi.LunSpec;

/**
 * The device keys of a tape LUN ({@code etc/jstgt.lun-<name>.cfg}, {@code device.type = tape}),
 * validated:
 * <ul>
 * <li>{@code medium}: the cartridge file loaded at start; absent or blank = no cartridge. Created
 * with {@code medium.size} when it does not exist (or is an empty file).
 * <li>{@code medium.size}: native capacity of cartridges the drive creates, {@value #MIN_SIZE_TEXT}
 * to {@value #MAX_SIZE_TEXT}, default {@value #DEFAULT_SIZE_TEXT}.
 * <li>{@code density}: the drive's default density ({@link Density}: DLT4000, DLT7000, DLT8000,
 * SDLT220, SDLT320, SDLT600, DLT-S4, or a code such as 0x4B), default DLT-S4.
 * <li>{@code read.only}: every cartridge is write-protected in this drive.
 * </ul>
 *
 * @param medium the configured cartridge, or empty
 * @param mediumText the {@code medium} value as written ("" when absent), which the state file records
 * @param mediumSize capacity of new cartridges
 * @param density the default density
 * @param readOnly write protect every cartridge
 */
record TapeConfig(Optional<Path> medium, String mediumText, long mediumSize, Density density, boolean readOnly) {
    static final String MEDIUM = "medium";
    static final String MEDIUM_SIZE = "medium.size";
    static final String DENSITY = "density";
    static final String READ_ONLY = "read.only";

    static final String MIN_SIZE_TEXT = "1 MiB";
    static final String MAX_SIZE_TEXT = "64 TiB";
    static final String DEFAULT_SIZE_TEXT = "4GiB";
    static final long MIN_SIZE = 1L << 20;
    static final long MAX_SIZE = 64L << 40;

    /** Keys {@link TapeUnit#reconfigure} applies in place. */
    static final Set<String> LIVE_KEYS = Set.of(MEDIUM, MEDIUM_SIZE, READ_ONLY);

    /**
     * @param spec the LUN definition
     * @return the validated keys
     * @throws ConfigException naming the bad key and value
     */
    static TapeConfig of(LunSpec spec) throws ConfigException {
        String text = spec.property(MEDIUM, "");
        Optional<Path> medium = Optional.empty();
        if (!text.isEmpty()) {
            try {
                medium = Optional.of(Path.of(text));
            } catch (InvalidPathException e) {
                throw new ConfigException(MEDIUM, "'" + text + "' is not a file path: " + e.getReason());
            }
        }
        String sizeText = spec.property(MEDIUM_SIZE, DEFAULT_SIZE_TEXT);
        long size = Sizes.parse(MEDIUM_SIZE, sizeText);
        if (size < MIN_SIZE || size > MAX_SIZE) {
            throw new ConfigException(MEDIUM_SIZE, "'" + sizeText + "' is outside " + MIN_SIZE_TEXT + " to "
                    + MAX_SIZE_TEXT);
        }
        String densityText = spec.property(DENSITY, Density.DEFAULT.label());
        Density density = Density.parse(densityText).orElseThrow(() -> new ConfigException(DENSITY, "'"
                + densityText + "' is not a density of this drive (one of "
                + Arrays.stream(Density.values()).map(d -> d.label() + String.format(" (%02Xh)", d.code()))
                        .collect(Collectors.joining(", ")) + ")"));
        return new TapeConfig(medium, text, size, density, spec.readOnly());
    }

    /**
     * @param a a definition
     * @param b another definition of the same LUN
     * @return true when they differ only in keys {@link TapeUnit#reconfigure} applies in place
     */
    static boolean differOnlyLive(LunSpec a, LunSpec b) {
        return a.name().equals(b.name()) && a.deviceType().equals(b.deviceType()) && a.storeType().equals(b.storeType())
                && a.vendor().equals(b.vendor()) && a.product().equals(b.product())
                && a.revision().equals(b.revision()) && a.serial().equals(b.serial()) && a.naaId() == b.naaId()
                && others(a).equals(others(b));
    }

    private static Map<String, String> others(LunSpec s) {
        Map<String, String> m = new HashMap<>(s.properties());
        m.keySet().removeAll(LIVE_KEYS);
        return m;
    }
}
