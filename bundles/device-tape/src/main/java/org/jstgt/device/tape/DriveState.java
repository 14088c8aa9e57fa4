package org.jstgt.device.tape;

import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.Properties;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * What a drive keeps across restarts and bundle updates, as written to its state file
 * ({@link StateFiles}).
 *
 * @param mediumConfig the {@code medium} value the state was written under ("" when absent)
 * @param loaded the cartridge in the drive ("" when empty)
 * @param ejected the cartridge is in the drive but unloaded
 * @param launch the framework launch that wrote the state
 * @param position the logical position
 * @param blockLength the block descriptor's BLOCK LENGTH
 * @param density the DENSITY CODE
 * @param buffered BUFFERED MODE 1
 * @param compression DCE
 * @param prevent the I_T nexuses preventing medium removal
 */
record DriveState(String mediumConfig, String loaded, boolean ejected, String launch, long position,
        int blockLength, int density, boolean buffered, boolean compression, Set<String> prevent) {

    DriveState {
        prevent = Set.copyOf(prevent);
    }

    /** Separates nexuses in the {@code prevent} line (a character iSCSI names never hold). */
    private static final String NEXUS_SEPARATOR = " ";

    /** @return the state as properties text */
    String encode() {
        Properties p = new Properties();
        p.setProperty("medium.config", mediumConfig);
        p.setProperty("loaded", loaded);
        p.setProperty("ejected", Boolean.toString(ejected));
        p.setProperty("launch", launch);
        p.setProperty("position", Long.toString(position));
        p.setProperty("block.length", Integer.toString(blockLength));
        p.setProperty("density", Integer.toString(density));
        p.setProperty("buffered", Boolean.toString(buffered));
        p.setProperty("compression", Boolean.toString(compression));
        p.setProperty("prevent", prevent.stream().sorted().collect(Collectors.joining(NEXUS_SEPARATOR)));
        StringWriter w = new StringWriter();
        try {
            p.store(w, "tape drive state; written by jstgt");
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return w.toString();
    }

    /**
     * @param text properties text from {@link #encode()}
     * @return the state
     * @throws IllegalArgumentException when a key is missing or a value does not parse
     */
    static DriveState decode(String text) {
        Properties p = new Properties();
        try {
            p.load(new StringReader(text));
        } catch (IOException e) {
            throw new IllegalArgumentException(e);
        }
        String prevent = required(p, "prevent");
        Set<String> holders = prevent.isBlank() ? Set.of()
                : new LinkedHashSet<>(Arrays.asList(prevent.trim().split(NEXUS_SEPARATOR)));
        return new DriveState(required(p, "medium.config"), required(p, "loaded"),
                Boolean.parseBoolean(required(p, "ejected")), required(p, "launch"),
                Long.parseLong(required(p, "position")), Integer.parseInt(required(p, "block.length")),
                Integer.parseInt(required(p, "density")), Boolean.parseBoolean(required(p, "buffered")),
                Boolean.parseBoolean(required(p, "compression")), holders);
    }

    private static String required(Properties p, String key) {
        String v = p.getProperty(key);
        if (v == null) {
            throw new IllegalArgumentException("no '" + key + "'");
        }
        return v;
    }
}
