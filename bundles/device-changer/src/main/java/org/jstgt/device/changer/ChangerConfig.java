package org.jstgt.device.changer;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

import org.jstgt.api.ConfigException;
import org.jstgt.api.scsi.LunSpec;

/**
 * The device keys of a changer LUN ({@code etc/jstgt.lun-<name>.cfg}, {@code device.type = changer}).
 *
 * @param drives {@code changer.drives}: the tape LUN names in data transfer element order (0 to
 *     {@value Layout#MAX_DRIVES}; default none)
 * @param slots {@code changer.slots}: storage elements, 1 to {@value Layout#MAX_SLOTS} (required)
 * @param mails {@code changer.mailslots}: import/export elements, 0 to {@value Layout#MAX_MAIL}
 *     (default 1)
 * @param media {@code changer.media}: the directory of the cartridge images (required)
 */
record ChangerConfig(List<String> drives, int slots, int mails, Path media) {
    static final String DRIVES = "changer.drives";
    static final String SLOTS = "changer.slots";
    static final String MAILSLOTS = "changer.mailslots";
    static final String MEDIA = "changer.media";
    /** LUN names as file names give them ({@code etc/jstgt.lun-<name>.cfg}). */
    private static final Pattern LUN_NAME = Pattern.compile("[A-Za-z0-9._-]+");

    ChangerConfig {
        drives = List.copyOf(drives);
    }

    /**
     * @param spec the changer's definition
     * @return its keys
     * @throws ConfigException naming the key and value that is bad or missing
     */
    static ChangerConfig of(LunSpec spec) throws ConfigException {
        List<String> drives = drives(spec);
        int slots = integer(spec, SLOTS, null, 1, Layout.MAX_SLOTS);
        int mails = integer(spec, MAILSLOTS, "1", 0, Layout.MAX_MAIL);
        String dir = spec.property(MEDIA, "");
        if (dir.isEmpty()) {
            throw new ConfigException(MEDIA, "missing: set the directory of the cartridge images");
        }
        Path media;
        try {
            media = Path.of(dir).toAbsolutePath().normalize();
        } catch (InvalidPathException e) {
            throw new ConfigException(MEDIA, "'" + dir + "' is not a path: " + e.getMessage());
        }
        return new ChangerConfig(drives, slots, mails, media);
    }

    Layout layout() {
        return new Layout(slots, mails, drives.size());
    }

    private static List<String> drives(LunSpec spec) throws ConfigException {
        String value = spec.property(DRIVES, "");
        List<String> out = new ArrayList<>();
        if (value.isEmpty()) {
            return out;
        }
        Set<String> seen = new LinkedHashSet<>();
        for (String part : value.split(",", -1)) {
            String name = part.trim();
            if (name.isEmpty()) {
                throw new ConfigException(DRIVES, "'" + value + "' has an empty LUN name: list tape LUN names "
                        + "separated by commas");
            }
            if (!LUN_NAME.matcher(name).matches()) {
                throw new ConfigException(DRIVES, "'" + name + "' is not a LUN name (letters, digits, '.', '_', '-')");
            }
            if (name.equals(spec.name())) {
                throw new ConfigException(DRIVES, "'" + name + "' is this changer itself, not a tape LUN");
            }
            if (!seen.add(name)) {
                throw new ConfigException(DRIVES, "'" + name + "' is listed twice in '" + value + "'");
            }
            out.add(name);
        }
        if (out.size() > Layout.MAX_DRIVES) {
            throw new ConfigException(DRIVES, out.size() + " drives; at most " + Layout.MAX_DRIVES);
        }
        return out;
    }

    private static int integer(LunSpec spec, String key, String defaultValue, int min, int max)
            throws ConfigException {
        String v = spec.property(key, defaultValue == null ? "" : defaultValue);
        if (v.isEmpty()) {
            throw new ConfigException(key, "missing: set a number from " + min + " to " + max);
        }
        int n;
        try {
            n = Integer.parseInt(v);
        } catch (NumberFormatException e) {
            throw new ConfigException(key, "'" + v + "' is not a number from " + min + " to " + max);
        }
        if (n < min || n > max) {
            throw new ConfigException(key, "'" + v + "' is not a number from " + min + " to " + max);
        }
        return n;
    }
}
