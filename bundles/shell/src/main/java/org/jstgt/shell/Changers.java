package org.jstgt.shell;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Function;

import org.jstgt.api.ConfigException;
import org.jstgt.api.Pids;
import org.jstgt.api.Sizes;
import org.jstgt.api.media.ChangerElement;
import org.jstgt.api.media.MediaChanger;
import org.jstgt.api.media.MediumFormatter;

/**
 * A tape library's elements and moves, and new cartridges: what {@code iscsi:changer-status},
 * {@code changer-move} and {@code cartridge-create} do, without the console. The library keeps
 * its own state (which cartridge is where) across restarts; the configuration is not touched.
 */
final class Changers {
    /** The changer LUN key naming its cartridge directory. */
    static final String MEDIA = "changer.media";
    /** Capacity of a new cartridge when none is given. */
    static final String DEFAULT_SIZE = "4GiB";

    private final ConfigStore store;
    private final PrintStream out;
    private final Function<String, Optional<MediaChanger>> changers;

    /**
     * @param store the configurations (to find the libraries of a cartridge directory)
     * @param out the console
     * @param changers a LUN's changer, from the management views
     */
    Changers(ConfigStore store, PrintStream out, Function<String, Optional<MediaChanger>> changers) {
        this.store = store;
        this.out = out;
        this.changers = changers;
    }

    /**
     * @param lun the changer LUN
     * @return one row per element: address, element (word:ordinal), full, barcode, drive LUN, access
     */
    List<List<String>> status(String lun) {
        List<List<String>> rows = new ArrayList<>();
        for (ChangerElement e : changer(lun).elements()) {
            rows.add(List.of(String.valueOf(e.address()), e.type().word() + ":" + e.ordinal(), e.full() ? "full" : "empty",
                    e.volumeTag().isEmpty() ? (e.full() ? "(no barcode)" : "") : e.volumeTag(), e.drive(),
                    e.accessible() ? "yes" : "no"));
        }
        return rows;
    }

    /**
     * Moves a cartridge, as MOVE MEDIUM does.
     *
     * @param lun the changer LUN
     * @param from the source element: {@code slot:3}, {@code drive:1}, {@code mail:1} or an element address
     * @param to the destination element, the same way
     */
    void move(String lun, String from, String to) throws InterruptedException {
        MediaChanger c = changer(lun);
        List<ChangerElement> elements = c.elements();
        ChangerElement source = element(elements, from);
        ChangerElement destination = element(elements, to);
        Media.await(c.move(source.address(), destination.address()), "moving " + name(source) + " to " + name(destination));
        out.println("LUN " + lun + ": moved " + (source.volumeTag().isEmpty() ? "the cartridge" : source.volumeTag())
                + " from " + name(source) + " to " + name(destination)
                + (destination.type() == ChangerElement.ElementType.DATA_TRANSFER ? " (loaded into LUN "
                        + destination.drive() + ")" : ""));
    }

    /**
     * Creates a blank cartridge {@code <dir>/<barcode>.<extension>} and lets every library of that
     * directory see it (as INITIALIZE ELEMENT STATUS would).
     *
     * @param formatter the tape bundle's cartridge format
     * @param dir the cartridge directory
     * @param barcode the cartridge's barcode (volume tag)
     * @param size its capacity ({@code 4GiB}), null for the default
     */
    Path create(MediumFormatter formatter, String dir, String barcode, String size)
            throws IOException, InterruptedException {
        checkBarcode(barcode);
        long capacity;
        try {
            capacity = Sizes.parse("--size", size == null ? DEFAULT_SIZE : size);
        } catch (ConfigException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
        Path directory = Paths.get(dir).toAbsolutePath().normalize();
        if (!Files.isDirectory(directory)) {
            throw new IllegalArgumentException("no directory " + directory);
        }
        Path file = directory.resolve(barcode + "." + formatter.extension());
        formatter.create(file, capacity);
        out.println("created " + file + " (" + size(capacity) + ")");
        for (ConfigStore.Instance i : store.list(Pids.LUN)) {
            String media = i.get(MEDIA);
            if (media == null || media.isBlank() || !Paths.get(media.trim()).toAbsolutePath().normalize().equals(directory)) {
                continue;
            }
            Optional<MediaChanger> c = changers.apply(i.name());
            if (c.isEmpty()) {
                out.println("LUN " + i.name() + " uses " + directory + " but is not ACTIVE: it sees the cartridge at "
                        + "its next INITIALIZE ELEMENT STATUS");
                continue;
            }
            Media.await(c.get().rescan(), "rescanning the cartridges of LUN " + i.name());
            Optional<ChangerElement> at = c.get().elements().stream().filter(e -> e.volumeTag().equals(barcode)).findFirst();
            out.println("LUN " + i.name() + ": " + at.map(e -> barcode + " is in " + name(e))
                    .orElse(barcode + " found no free slot or mail slot"));
        }
        return file;
    }

    /**
     * SMC-3 §6.10.5 PRIMARY VOLUME TAG INFORMATION: the identifier is left-aligned ASCII; here
     * printable without spaces, at most 32 characters, and a valid file name.
     */
    static void checkBarcode(String barcode) {
        if (barcode == null || barcode.isEmpty() || barcode.length() > 32) {
            throw new IllegalArgumentException("a barcode has 1 to 32 characters, got '" + barcode + "'");
        }
        for (int i = 0; i < barcode.length(); i++) {
            char ch = barcode.charAt(i);
            if (ch <= 0x20 || ch > 0x7E || ch == '/' || ch == '\\') {
                throw new IllegalArgumentException("barcode '" + barcode
                        + "' may hold only printable ASCII without spaces or slashes");
            }
        }
        if (barcode.startsWith(".")) {
            throw new IllegalArgumentException("barcode '" + barcode + "' may not start with '.' (hidden files are not cartridges)");
        }
    }

    /** Parses {@code slot:3}, {@code drive:1}, {@code mail:1}, {@code transport:1} or an element address. */
    static ChangerElement element(List<ChangerElement> elements, String spec) {
        String s = spec.trim().toLowerCase(Locale.ROOT);
        int colon = s.indexOf(':');
        try {
            if (colon < 0) {
                int address = Integer.decode(s);
                return elements.stream().filter(e -> e.address() == address).findFirst()
                        .orElseThrow(() -> new IllegalArgumentException("no element at address " + spec + "; "
                                + "see iscsi:changer-status"));
            }
            String word = s.substring(0, colon);
            int ordinal = Integer.parseInt(s.substring(colon + 1));
            return elements.stream().filter(e -> e.type().word().equals(word) && e.ordinal() == ordinal).findFirst()
                    .orElseThrow(() -> new IllegalArgumentException("no element " + spec + "; see iscsi:changer-status"));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + spec + "' is not an element: slot:N, drive:N, mail:N or an "
                    + "element address", e);
        }
    }

    private static String name(ChangerElement e) {
        return e.type().word() + ":" + e.ordinal();
    }

    private MediaChanger changer(String lun) {
        return changers.apply(lun).orElseThrow(() -> new IllegalArgumentException("LUN '" + lun
                + "' is not a media changer here: not device.type = changer, or not ACTIVE (iscsi:lun-list)"));
    }

    private static String size(long bytes) {
        return bytes % (1L << 30) == 0 ? bytes / (1L << 30) + " GiB"
                : bytes % (1L << 20) == 0 ? bytes / (1L << 20) + " MiB" : bytes + " bytes";
    }
}
