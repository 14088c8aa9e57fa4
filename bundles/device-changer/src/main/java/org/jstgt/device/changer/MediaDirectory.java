package org.jstgt.device.changer;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.jstgt.api.ConfigException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The cartridge directory ({@code changer.media}): every regular file whose name does not start
 * with '.' is a cartridge, its barcode the name without its extension. A barcode is reported as
 * the volume identifier of the PRIMARY VOLUME TAG INFORMATION field (SMC-3 §6.10.3: 32
 * bytes, space padded), so it must be 1 to 32 printable ASCII characters without spaces, and
 * without '*' and '?', which volume tag templates use as wildcards (SMC-3 §6.17); the whole file
 * name must be printable ASCII too. Files that do not qualify, and a second file with the barcode
 * of another, are skipped with a warning naming them.
 */
final class MediaDirectory {
    private static final Logger LOG = LoggerFactory.getLogger(MediaDirectory.class);
    static final int MAX_BARCODE = 32;

    private final String lun;
    private final Path dir;

    MediaDirectory(String lun, Path dir) {
        this.lun = lun;
        this.dir = dir;
    }

    Path dir() {
        return dir;
    }

    /** @return the path of a cartridge's image */
    Path path(Cartridge c) {
        return dir.resolve(c.file());
    }

    /**
     * Makes sure the directory exists: an absent one is created (an empty library).
     *
     * @throws ConfigException naming {@code changer.media} when it is not a directory or cannot be
     *     created or read
     */
    void prepare() throws ConfigException {
        if (Files.notExists(dir)) {
            try {
                Files.createDirectories(dir);
                LOG.info("changer {}: created the cartridge directory {} ({})", lun, dir, ChangerConfig.MEDIA);
            } catch (IOException e) {
                throw new ConfigException(ChangerConfig.MEDIA, "'" + dir + "' does not exist and cannot be created: "
                        + e);
            }
        }
        if (!Files.isDirectory(dir)) {
            throw new ConfigException(ChangerConfig.MEDIA, "'" + dir + "' is not a directory");
        }
        if (!Files.isReadable(dir)) {
            throw new ConfigException(ChangerConfig.MEDIA, "'" + dir + "' cannot be read");
        }
    }

    /**
     * Reads the directory.
     *
     * @return the cartridges by barcode, in barcode order
     * @throws IOException when the directory cannot be listed
     */
    Map<String, Cartridge> scan() throws IOException {
        List<Path> files = new ArrayList<>();
        try (DirectoryStream<Path> s = Files.newDirectoryStream(dir)) {
            for (Path p : s) {
                files.add(p);
            }
        }
        files.sort(Comparator.comparing(p -> p.getFileName().toString()));
        Map<String, Cartridge> byBarcode = new java.util.TreeMap<>();
        for (Path p : files) {
            String name = p.getFileName().toString();
            if (name.startsWith(".") || !Files.isRegularFile(p)) {
                continue;
            }
            String barcode = barcode(name);
            String problem = problem(name, barcode);
            if (problem != null) {
                LOG.warn("changer {}: {} is not a cartridge: {}", lun, p, problem);
                continue;
            }
            Cartridge other = byBarcode.get(barcode);
            if (other != null) {
                LOG.warn("changer {}: {} is skipped: barcode {} is {}'s already", lun, p, barcode, other.file());
                continue;
            }
            byBarcode.put(barcode, new Cartridge(name, barcode));
        }
        return new LinkedHashMap<>(byBarcode);
    }

    /** @return the file name without its extension (the text after the last '.') */
    static String barcode(String fileName) {
        int dot = fileName.lastIndexOf('.');
        return dot > 0 ? fileName.substring(0, dot) : fileName;
    }

    /** @return why a file name is not a cartridge's, or null when it is */
    static String problem(String fileName, String barcode) {
        for (int i = 0; i < fileName.length(); i++) {
            char c = fileName.charAt(i);
            if (c <= 0x20 || c >= 0x7F) {
                return "its name has a character other than printable ASCII without spaces";
            }
        }
        if (barcode.length() > MAX_BARCODE) {
            return "its barcode '" + barcode + "' is longer than " + MAX_BARCODE + " characters";
        }
        if (barcode.indexOf('*') >= 0 || barcode.indexOf('?') >= 0) {
            return "its barcode '" + barcode + "' has '*' or '?' (volume tag wildcards)";
        }
        return null;
    }
}
