package org.jstgt.device.dvd;

import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;

/**
 * What the drive keeps across restarts and bundle updates: the {@code medium} configuration value
 * the state was written under, the loaded image (which a changer or the shell may have changed),
 * whether the tray is open, the image an eject left (a tray close re-inserts it), and the PREVENT
 * ALLOW MEDIUM REMOVAL holders with the framework launch that saw them (a restart ends every I_T
 * nexus, so holders are only restored within the same launch).
 *
 * @param configMedium the {@code medium} value, empty when none
 * @param loaded the loaded image, empty when none
 * @param open true when the tray is open
 * @param ejected the image last ejected, empty when none
 * @param launch the framework launch ({@code org.osgi.framework.uuid}) that wrote the state
 * @param prevent I_T nexus to PREVENT field bits (bit 0 prevent, bit 1 persistent prevent)
 */
record TrayState(String configMedium, String loaded, boolean open, String ejected, String launch,
        Map<String, Integer> prevent) {
    private static final String VERSION = "1";

    TrayState {
        prevent = Map.copyOf(prevent);
    }

    /** @return the state as the text of a properties file */
    String encode() {
        Properties p = new Properties();
        p.setProperty("version", VERSION);
        p.setProperty("config.medium", configMedium);
        p.setProperty("loaded", loaded);
        p.setProperty("tray", open ? "open" : "closed");
        p.setProperty("ejected", ejected);
        p.setProperty("launch", launch);
        int i = 0;
        for (Map.Entry<String, Integer> e : new TreeMap<>(prevent).entrySet()) {
            p.setProperty("prevent." + i + ".nexus", e.getKey());
            p.setProperty("prevent." + i + ".bits", Integer.toString(e.getValue()));
            i++;
        }
        StringWriter w = new StringWriter();
        try {
            p.store(w, "jstgt DVD drive state");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return w.toString();
    }

    /**
     * @param text a file's text
     * @return the state
     * @throws IllegalArgumentException when it is not a state of this version
     */
    static TrayState decode(String text) {
        Properties p = new Properties();
        try {
            p.load(new StringReader(text));
        } catch (IOException | IllegalArgumentException e) {
            throw new IllegalArgumentException("not a properties file: " + e.getMessage());
        }
        if (!VERSION.equals(p.getProperty("version"))) {
            throw new IllegalArgumentException("version " + p.getProperty("version") + ", expected " + VERSION);
        }
        String tray = p.getProperty("tray", "");
        if (!tray.equals("open") && !tray.equals("closed")) {
            throw new IllegalArgumentException("tray '" + tray + "'");
        }
        Map<String, Integer> prevent = new TreeMap<>();
        for (int i = 0; p.containsKey("prevent." + i + ".nexus"); i++) {
            int bits;
            try {
                bits = Integer.parseInt(p.getProperty("prevent." + i + ".bits", ""));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("prevent." + i + ".bits is not a number");
            }
            if (bits < 1 || bits > 3) {
                throw new IllegalArgumentException("prevent." + i + ".bits " + bits);
            }
            prevent.put(p.getProperty("prevent." + i + ".nexus"), bits);
        }
        return new TrayState(p.getProperty("config.medium", ""), p.getProperty("loaded", ""), tray.equals("open"),
                p.getProperty("ejected", ""), p.getProperty("launch", ""), prevent);
    }
}
