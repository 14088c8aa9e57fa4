package org.jstgt.shell;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

import org.jstgt.api.ConfigException;
import org.jstgt.api.Sizes;

/**
 * The rules the core applies to {@code jstgt.lun}, {@code jstgt.target} and {@code jstgt.portal}
 * keys, checked before the shell writes. The core's own classes ({@code org.jstgt.scsi.config.LunConfig},
 * {@code TargetConfig}, {@code ScsiNames}; {@code org.jstgt.iscsi.text.HostPort}) are private to
 * their bundles, so these rules mirror them (ConfigRulesParityTest judges the same values with both);
 * the core checks again when it reads the file. Every message starts with the key.
 */
final class ConfigRules {
    static final String DEVICE_TYPE = "device.type";
    static final String STORE_TYPE = "store.type";
    static final String STORE_PATH = "store.path";
    static final String SIZE = "size";
    static final String BLOCK_SIZE = "block.size";
    static final String READ_ONLY = "read.only";
    /** Takes the LUN offline in place (mapped, store closed, NOT READY) or back online. */
    static final String OFFLINE = "offline";
    static final String IQN = "iqn";
    static final String ALIAS = "alias";
    static final String PORTALS = "portals";
    static final String LUN_PREFIX = "lun.";
    static final String LISTEN = "listen";
    static final String TAG = "tag";
    /** Single level LUN structure, flat space addressing (SAM-5 §4.7.3). */
    static final int MAX_LUN = 16383;
    /** The task set's limit ({@code queue.depth}, SAM-5 §5.3.1). */
    static final int MAX_QUEUE_DEPTH = 1024;
    /** iSCSI names are at most 223 bytes (RFC 7143 §4.2.7.1). */
    static final int MAX_NAME_BYTES = 223;
    /** Storage elements of a changer (its element address map). */
    static final int MAX_SLOTS = 10000;
    /** Import/export elements of a changer: addresses 10h..FFh. */
    static final int MAX_MAILSLOTS = 0x100 - 0x10;
    /** Data transfer elements of a changer. */
    static final int MAX_DRIVES = 256;
    /** The disk's largest transfer (Block Limits), a multiple of its block size up to 64 MiB. */
    static final String MAX_TRANSFER = "max.transfer";
    static final long MAX_MAX_TRANSFER = 64L << 20;
    /** The memory store's allocation unit: a power of two from 4 KiB to 64 MiB. */
    static final String CHUNK = "memory.chunk.size";
    /** The file store's thick provisioning switch. */
    static final String PREALLOCATE = "store.preallocate";
    /** A tape cartridge's capacity ({@code medium.size} of a tape LUN): 1 MiB to 64 TiB. */
    static final long MIN_TAPE = 1L << 20;
    static final long MAX_TAPE = 64L << 40;
    /** The tape drive's densities (SSC-3 density codes of the DLT family), by model and by code. */
    private static final Set<String> DENSITY_MODELS = Set.of("DLT4000", "DLT7000", "DLT8000", "SDLT220", "SDLT320",
            "SDLT600", "DLTS4");
    private static final Set<Integer> DENSITY_CODES = Set.of(0x1A, 0x1B, 0x41, 0x48, 0x49, 0x4A, 0x4B);

    private static final Pattern TYPE = Pattern.compile("[a-z0-9][a-z0-9._-]*");
    /** {@code iqn.yyyy-mm.<reversed domain>[:<unique>]} (RFC 7143 §4.2.7.3), ASCII after stringprep. */
    private static final Pattern IQN_NAME = Pattern.compile("iqn\\.\\d{4}-(0[1-9]|1[0-2])\\.[a-z0-9]([a-z0-9-]*"
            + "[a-z0-9])?(\\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*(:[a-z0-9.:-]*)?");
    private static final Pattern EUI_NAME = Pattern.compile("eui\\.[0-9a-f]{16}");
    private static final Pattern NAA_NAME = Pattern.compile("naa\\.([0-9a-f]{16}|[0-9a-f]{32})");
    private static final Set<String> BLOCK_SIZES = Set.of("512", "1024", "2048", "4096");
    private static final Set<String> BOOLEANS = Set.of("true", "yes", "on", "false", "no", "off");

    private ConfigRules() {
    }

    /**
     * Checks the keys of a LUN definition as {@code LunConfig.parse} does: {@code device.type},
     * {@code store.type}, {@code block.size}, {@code size} (a multiple of the block size),
     * {@code read.only}, {@code offline}, the INQUIRY identification ({@code serial}, {@code vendor}, {@code product},
     * {@code revision}), {@code sense.format}, {@code queue.depth}, {@code naa.company.id}; and
     * {@code medium.size} and the {@code changer.*} counts of removable media devices.
     *
     * @param name the LUN's name (the {@code <name>} of {@code etc/jstgt.lun-<name>.cfg})
     * @param p the keys as they will be written
     * @throws IllegalArgumentException naming the first bad key
     */
    static void lun(String name, Map<String, String> p) {
        String device = p.get(DEVICE_TYPE);
        if (device == null || device.isBlank()) {
            throw new IllegalArgumentException(DEVICE_TYPE + ": missing (required)");
        }
        type(DEVICE_TYPE, device);
        if (p.get(STORE_TYPE) != null) {
            type(STORE_TYPE, p.get(STORE_TYPE));
        }
        String store = value(p, STORE_TYPE) == null ? "" : value(p, STORE_TYPE).toLowerCase(Locale.ROOT);
        String block = value(p, BLOCK_SIZE);
        if (block != null && !BLOCK_SIZES.contains(block)) {
            throw new IllegalArgumentException(BLOCK_SIZE + ": '" + block + "' is not one of 512, 1024, 2048, 4096");
        }
        int blockSize = block == null ? 512 : Integer.parseInt(block);
        String size = value(p, SIZE);
        if (size != null) {
            long bytes = size(SIZE, size);
            if (bytes % blockSize != 0) {
                throw new IllegalArgumentException(SIZE + ": '" + size + "' (" + bytes + " bytes) is not a multiple of "
                        + BLOCK_SIZE + " " + blockSize);
            }
        }
        bool(p, READ_ONLY);
        bool(p, OFFLINE);
        ascii(p, "serial", 32, false);
        ascii(p, "vendor", 8, true);
        ascii(p, "product", 16, true);
        ascii(p, "revision", 4, true);
        String sense = value(p, "sense.format");
        if (sense != null && !Set.of("fixed", "descriptor").contains(sense.toLowerCase(Locale.ROOT))) {
            throw new IllegalArgumentException("sense.format: '" + sense + "' is not fixed or descriptor");
        }
        number(p, "queue.depth", 1, MAX_QUEUE_DEPTH);
        String naa = value(p, "naa.company.id");
        if (naa != null) {
            String v = naa.startsWith("0x") || naa.startsWith("0X") ? naa.substring(2) : naa;
            if (!v.replace("-", "").replace(":", "").matches("[0-9A-Fa-f]{6}")) {
                throw new IllegalArgumentException("naa.company.id: '" + naa + "' is not an IEEE company identifier "
                        + "(OUI): six hexadecimal digits, e.g. AC-DE-48");
            }
        }
        if (value(p, "medium.size") != null) {
            size("medium.size", value(p, "medium.size"));
        }
        deviceKeys(name, device.trim().toLowerCase(Locale.ROOT), blockSize, p);
        storeKeys(store, p);
    }

    /** The keys the shipped devices read themselves, as they read them. */
    private static void deviceKeys(String name, String device, int blockSize, Map<String, String> p) {
        switch (device) {
            case "disk" -> {
                String v = value(p, MAX_TRANSFER);
                if (v != null) {
                    long max = size(MAX_TRANSFER, v);
                    if (max < blockSize || max > MAX_MAX_TRANSFER || max % blockSize != 0) {
                        throw new IllegalArgumentException(MAX_TRANSFER + ": '" + v + "' must be a multiple of "
                                + "block.size " + blockSize + " between " + blockSize + " B and 64 MiB");
                    }
                }
            }
            case "dvd" -> {
                if (value(p, "medium") != null) {
                    absolute("medium", value(p, "medium")); // as the DVD opens its image (Disc.open)
                }
            }
            case "tape" -> {
                String v = value(p, "medium.size");
                long bytes = v == null ? MIN_TAPE : size("medium.size", v);
                if (bytes < MIN_TAPE || bytes > MAX_TAPE) {
                    throw new IllegalArgumentException("medium.size: '" + v + "' is outside 1 MiB to 64 TiB");
                }
                if (value(p, "density") != null) {
                    density(value(p, "density"));
                }
            }
            case "changer" -> changer(name, p);
            default -> {
                // another device checks its own keys when the core hands it the definition
            }
        }
    }

    /** The keys the shipped stores read themselves, as they read them. */
    private static void storeKeys(String store, Map<String, String> p) {
        switch (store) {
            case "file" -> {
                filePath(value(p, STORE_PATH));
                bool(p, PREALLOCATE);
            }
            case "memory" -> {
                String v = value(p, CHUNK);
                if (v != null) {
                    long chunk = size(CHUNK, v);
                    if (chunk < 4096 || chunk > (64 << 20) || Long.bitCount(chunk) != 1) {
                        throw new IllegalArgumentException(CHUNK + ": '" + v + "' must be a power of two between "
                                + "4KiB and 64MiB");
                    }
                }
            }
            default -> {
                // another store checks its own keys when it opens
            }
        }
    }

    /**
     * The keys of a medium changer as the changer device reads them (SMC-3 element counts):
     * {@code changer.slots} 1..10000 (required), {@code changer.mailslots} 0..240 (default 1),
     * {@code changer.media} (required), {@code changer.drives} a list of at most 256 distinct tape
     * LUN names.
     */
    private static void changer(String self, Map<String, String> p) {
        String slots = value(p, "changer.slots");
        if (slots == null) {
            throw new IllegalArgumentException("changer.slots: missing: set a number from 1 to " + MAX_SLOTS);
        }
        count("changer.slots", slots, 1, MAX_SLOTS);
        String mails = value(p, "changer.mailslots");
        if (mails != null) {
            count("changer.mailslots", mails, 0, MAX_MAILSLOTS);
        }
        if (value(p, "changer.media") == null) {
            throw new IllegalArgumentException("changer.media: missing: set the directory of the cartridge images");
        }
        String drives = value(p, "changer.drives");
        if (drives != null) {
            List<String> seen = new ArrayList<>();
            for (String part : drives.split(",", -1)) {
                String name = part.trim();
                if (name.isEmpty()) {
                    throw new IllegalArgumentException("changer.drives: '" + drives + "' has an empty LUN name: list "
                            + "tape LUN names separated by commas");
                }
                if (!name.matches("[A-Za-z0-9._-]+")) {
                    throw new IllegalArgumentException("changer.drives: '" + name + "' is not a LUN name (letters, "
                            + "digits, '.', '_', '-')");
                }
                if (name.equals(self)) {
                    throw new IllegalArgumentException("changer.drives: '" + name + "' is this changer itself, not a "
                            + "tape LUN");
                }
                if (seen.contains(name)) {
                    throw new IllegalArgumentException("changer.drives: '" + name + "' is listed twice in '" + drives
                            + "'");
                }
                seen.add(name);
            }
            if (seen.size() > MAX_DRIVES) {
                throw new IllegalArgumentException("changer.drives: " + seen.size() + " drives; at most " + MAX_DRIVES);
            }
        }
    }

    /**
     * A tape drive's {@code density}, as the tape device reads it: a DLT model (DLT4000, DLT7000,
     * DLT8000, SDLT220, SDLT320, SDLT600, DLT-S4; case, '-' and '_' aside) or its density code
     * ({@code 0x4B} or {@code 4Bh}).
     */
    private static void density(String v) {
        String t = v.toUpperCase(Locale.ROOT);
        String bare = t.replace("-", "").replace("_", "");
        String hex = t.startsWith("0X") ? t.substring(2) : t.endsWith("H") ? t.substring(0, t.length() - 1) : null;
        if (!DENSITY_MODELS.contains(bare) && !(hex != null && hex.matches("[0-9A-F]{1,2}")
                && DENSITY_CODES.contains(Integer.parseInt(hex, 16)))) {
            throw new IllegalArgumentException("density: '" + v + "' is not a density of the tape drive (one of "
                    + "DLT4000 (1Ah), DLT7000 (1Bh), DLT8000 (41h), SDLT220 (48h), SDLT320 (49h), SDLT600 (4Ah), "
                    + "DLT-S4 (4Bh))");
        }
    }

    private static void count(String key, String v, int min, int max) {
        int n; // as the changer reads it: Integer.parseInt
        try {
            n = Integer.parseInt(v);
        } catch (NumberFormatException e) {
            n = -1;
        }
        if (n < min || n > max) {
            throw new IllegalArgumentException(key + ": '" + v + "' is not a number from " + min + " to " + max);
        }
    }

    /** The file store's {@code store.path}: required, an absolute path. */
    private static void filePath(String path) {
        if (path == null) {
            throw new IllegalArgumentException(STORE_PATH + ": missing: a file store needs the path of a file or "
                    + "block device");
        }
        absolute(STORE_PATH, path);
    }

    private static void absolute(String key, String path) {
        boolean absolute;
        try {
            absolute = java.nio.file.Path.of(path).isAbsolute();
        } catch (java.nio.file.InvalidPathException e) {
            throw new IllegalArgumentException(key + ": '" + path + "' is not a valid path: " + e.getReason());
        }
        if (!absolute) {
            throw new IllegalArgumentException(key + ": '" + path + "' must be absolute");
        }
    }

    /**
     * @param key the key, for the message
     * @param text a size such as {@code 64MiB}
     * @return the bytes
     */
    static long size(String key, String text) {
        try {
            return Sizes.parse(key, text);
        } catch (ConfigException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }

    /**
     * An iSCSI name (RFC 7143 §4.2.7): {@code iqn.}, {@code eui.} or {@code naa.} form, at most 223 bytes.
     *
     * @param key the key, for the message
     * @param name the name as typed
     * @return the name in lower case, as the core compares it
     */
    static String iscsiName(String key, String name) {
        String n = name.trim().toLowerCase(Locale.ROOT);
        if (n.getBytes(StandardCharsets.UTF_8).length > MAX_NAME_BYTES) {
            throw new IllegalArgumentException(key + ": '" + name + "' is longer than " + MAX_NAME_BYTES
                    + " bytes (RFC 7143 §4.2.7.1)");
        }
        if (!IQN_NAME.matcher(n).matches() && !EUI_NAME.matcher(n).matches() && !NAA_NAME.matcher(n).matches()) {
            throw new IllegalArgumentException(key + ": '" + name + "' is not an iSCSI name: expected "
                    + "iqn.yyyy-mm.reversed.domain[:id], eui.<16 hex digits> or naa.<16 or 32 hex digits> "
                    + "(RFC 7143 §4.2.7)");
        }
        return n;
    }

    /** @param alias a target alias: at most 255 bytes (RFC 7143 §13.6) */
    static void alias(String alias) {
        if (alias.getBytes(StandardCharsets.UTF_8).length > 255) {
            throw new IllegalArgumentException(ALIAS + ": longer than 255 bytes (RFC 7143 §13.6)");
        }
        if (alias.chars().anyMatch(c -> c < 0x20)) {
            throw new IllegalArgumentException(ALIAS + ": holds a control character");
        }
    }

    /**
     * @param text a LUN number as typed
     * @return it, 0..16383
     */
    static int lunNumber(String text) {
        int n = text != null && text.matches("\\d{1,5}") ? Integer.parseInt(text) : -1;
        if (n < 0 || n > MAX_LUN) {
            throw new IllegalArgumentException(LUN_PREFIX + text + ": LUN number must be 0.." + MAX_LUN);
        }
        return n;
    }

    /**
     * @param text a portal group tag as typed
     * @return it, 1..65535
     */
    static int tag(String text) {
        int t = text != null && text.matches("\\d{1,5}") ? Integer.parseInt(text) : 0;
        if (t < 1 || t > 65535) {
            throw new IllegalArgumentException(TAG + ": '" + text + "' is not a number in 1..65535");
        }
        return t;
    }

    /**
     * Checks a {@code listen} list as the portal reads it: comma-separated {@code host:port},
     * {@code [v6]:port} or a host alone (port 3260), IPv6 addresses in brackets.
     *
     * @param entries the entries
     * @return the entries that are not loopback addresses (empty when all are)
     * @throws IllegalArgumentException naming every bad entry
     */
    static List<String> listen(List<String> entries) {
        if (entries.isEmpty()) {
            throw new IllegalArgumentException(LISTEN + ": empty; name the addresses, e.g. 127.0.0.1:3260");
        }
        List<String> problems = new ArrayList<>();
        List<String> exposed = new ArrayList<>();
        for (String e : entries) {
            String host;
            try {
                host = host(e);
            } catch (IllegalArgumentException ex) {
                problems.add(ex.getMessage());
                continue;
            }
            if (!isLoopback(host)) {
                exposed.add(e);
            }
        }
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException(LISTEN + ": " + String.join("; ", problems));
        }
        return exposed;
    }

    /** @return the host of a {@code host[:port]} entry, as {@code HostPort.parse} splits it */
    private static String host(String entry) {
        String host;
        String port = null;
        if (entry.startsWith("[")) {
            int close = entry.indexOf(']');
            if (close < 0) {
                throw new IllegalArgumentException("'" + entry + "': missing ]");
            }
            host = entry.substring(1, close);
            String rest = entry.substring(close + 1);
            if (!rest.isEmpty()) {
                if (!rest.startsWith(":")) {
                    throw new IllegalArgumentException("'" + entry + "': expected :port after ]");
                }
                port = rest.substring(1);
            }
            if (!host.isEmpty() && !isIpv6(host)) {
                throw new IllegalArgumentException("'" + entry + "': '" + host + "' in brackets is not an IPv6 "
                        + "address");
            }
        } else {
            int colon = entry.indexOf(':');
            if (colon >= 0 && entry.lastIndexOf(':') != colon) {
                throw new IllegalArgumentException("'" + entry + "': IPv6 addresses go in brackets, e.g. [::1]:3260");
            }
            host = colon >= 0 ? entry.substring(0, colon) : entry;
            port = colon >= 0 ? entry.substring(colon + 1) : null;
        }
        int p = port == null ? 3260 : port.matches("[0-9]{1,5}") ? Integer.parseInt(port) : 0;
        if (p < 1 || p > 65535) {
            throw new IllegalArgumentException("'" + entry + "': port '" + port + "' is not a number in 1..65535");
        }
        if (host.isEmpty()) {
            throw new IllegalArgumentException("'" + entry + "': missing host");
        }
        return host;
    }

    private static boolean isIpv6(String host) {
        if (!host.matches("[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*")) {
            return false;
        }
        try {
            InetAddress.getByName(host); // a literal with ':' is parsed, never looked up
            return true;
        } catch (UnknownHostException e) {
            return false;
        }
    }

    /** @return true for {@code localhost}, 127.0.0.0/8 and ::1; names are not looked up */
    private static boolean isLoopback(String host) {
        if (host.equalsIgnoreCase("localhost")) {
            return true;
        }
        if (host.matches("\\d{1,3}(\\.\\d{1,3}){3}") || isIpv6(host)) {
            try {
                return InetAddress.getByName(host).isLoopbackAddress();
            } catch (UnknownHostException e) {
                return false;
            }
        }
        return false;
    }

    private static void type(String key, String v) {
        if (!TYPE.matcher(v.toLowerCase(Locale.ROOT)).matches()) {
            throw new IllegalArgumentException(key + ": '" + v + "' is not a type name (letters, digits, '.', '_', "
                    + "'-')");
        }
    }

    private static void bool(Map<String, String> p, String key) {
        String v = value(p, key);
        if (v != null && !BOOLEANS.contains(v.toLowerCase(Locale.ROOT))) {
            throw new IllegalArgumentException(key + ": '" + v + "' is not a boolean (true or false)");
        }
    }

    private static void number(Map<String, String> p, String key, int min, int max) {
        String v = value(p, key);
        if (v == null) {
            return;
        }
        long n; // as the core reads it: Integer.parseInt, so a leading '+' is a sign
        try {
            n = Integer.parseInt(v);
        } catch (NumberFormatException e) {
            n = -1;
        }
        if (n < min || n > max) {
            throw new IllegalArgumentException(key + ": '" + v + "' is not a number in " + min + ".." + max);
        }
    }

    /** SPC-4 §4.4.1: INQUIRY identification fields hold printable ASCII. */
    private static void ascii(Map<String, String> p, String key, int max, boolean spaces) {
        String v = value(p, key);
        if (v == null) {
            return;
        }
        if (v.length() > max) {
            throw new IllegalArgumentException(key + ": '" + v + "' is longer than " + max + " characters");
        }
        if (v.chars().anyMatch(c -> c < 0x20 || c > 0x7E || !spaces && c == ' ')) {
            throw new IllegalArgumentException(key + ": '" + v + "' may hold only printable ASCII"
                    + (spaces ? "" : " without spaces"));
        }
    }

    /** @return the trimmed value, null when absent or blank (as the core reads it) */
    private static String value(Map<String, String> p, String key) {
        String v = p.get(key);
        return v == null || v.isBlank() ? null : v.trim();
    }
}
