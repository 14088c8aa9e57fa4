package org.jstgt.shell;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import org.jstgt.api.Pids;
import org.jstgt.api.Sizes;

/**
 * LUN definitions, {@code etc/jstgt.lun-<name>.cfg}: what {@code iscsi:lun-create}, {@code -delete},
 * {@code -resize}, {@code -set} and {@code -unset} do, without the console. Every change is checked
 * with {@link ConfigRules#lun} before anything is written.
 */
final class LunDefinitions {
    /** The device types the shell creates; others are written by hand. */
    static final List<String> DEVICES = List.of("disk", "dvd", "tape", "changer");
    /** The stores a disk may use. */
    static final List<String> STORES = List.of("file", "memory", "null");
    /** Keys of removable media devices: the loaded image, the tape's capacity and density. */
    private static final Set<String> MEDIUM_KEYS = Set.of("medium", "medium.size", "density");
    private static final String CHANGER_PREFIX = "changer.";

    /**
     * What {@code iscsi:lun-create} asks for; null fields were not given.
     *
     * @param name the LUN name
     * @param device {@code device.type}
     * @param store {@code store.type}
     * @param path {@code store.path}
     * @param size {@code size}
     * @param blockSize {@code block.size}
     * @param readOnly {@code read.only}
     * @param sets further {@code key=value} pairs
     */
    record Request(String name, String device, String store, String path, String size, String blockSize,
            boolean readOnly, List<String> sets) {
    }

    private final ConfigStore store;
    private final PrintStream out;
    private final Path data;

    /**
     * @param store the configurations
     * @param out the console
     * @param data Karaf's data directory ({@code karaf.data}), where new image files go
     */
    LunDefinitions(ConfigStore store, PrintStream out, Path data) {
        this.store = store;
        this.out = out;
        this.data = data;
    }

    /**
     * @param karafData the {@code karaf.data} property, or null
     * @return the absolute data directory new image files go under
     */
    static Path dataDir(String karafData) {
        return Path.of(karafData == null ? "data" : karafData).toAbsolutePath().normalize();
    }

    /** Writes {@code etc/jstgt.lun-<name>.cfg} for a new LUN. */
    void create(Request r) throws IOException {
        Checks.instanceName("LUN", r.name());
        Optional<ConfigStore.Instance> existing = store.find(Pids.LUN, r.name());
        if (existing.isPresent()) {
            throw new IllegalArgumentException("LUN '" + r.name() + "' exists already (" + existing.get().origin()
                    + "); change it with iscsi:lun-set or remove it with iscsi:lun-delete");
        }
        String device = r.device() == null ? "disk" : r.device().toLowerCase(java.util.Locale.ROOT);
        if (!DEVICES.contains(device)) {
            throw new IllegalArgumentException(ConfigRules.DEVICE_TYPE + ": '" + r.device() + "' is not one of "
                    + String.join(", ", DEVICES));
        }
        Map<String, String> p = new LinkedHashMap<>();
        p.put(ConfigRules.DEVICE_TYPE, device);
        Path image = null;
        if (device.equals("disk")) {
            String type = r.store() == null ? "file" : r.store().toLowerCase(java.util.Locale.ROOT);
            if (!STORES.contains(type)) {
                throw new IllegalArgumentException(ConfigRules.STORE_TYPE + ": '" + r.store() + "' is not one of "
                        + String.join(", ", STORES));
            }
            p.put(ConfigRules.STORE_TYPE, type);
            if (type.equals("file")) {
                image = r.path() == null ? data.resolve("luns").resolve(r.name() + ".img") : absolute(r.path());
                p.put(ConfigRules.STORE_PATH, image.toString());
            } else if (r.path() != null) {
                throw new IllegalArgumentException(ConfigRules.STORE_PATH + ": a " + type + " store has no file; "
                        + "--path is for --store file");
            }
            if (r.readOnly() && type.equals("file") && !Files.exists(image)) {
                throw new IllegalArgumentException(ConfigRules.READ_ONLY + ": " + image + " does not exist, and a "
                        + "read-only file store does not create it");
            }
            if (r.size() != null) {
                p.put(ConfigRules.SIZE, r.size().trim());
            } else if (!type.equals("file") || !Files.exists(image)) {
                throw new IllegalArgumentException(ConfigRules.SIZE + ": required for a new "
                        + (type.equals("file") ? "file (" + image + " does not exist)" : type + " store")
                        + "; give --size, e.g. --size 1GiB");
            }
        } else if (r.store() != null || r.path() != null || r.size() != null) {
            throw new IllegalArgumentException("--store, --path and --size are for disks; a " + device + " "
                    + (device.equals("changer") ? "takes changer.* keys" : "takes its medium") + " with --set, e.g. "
                    + example(device));
        }
        if (r.blockSize() != null) {
            p.put(ConfigRules.BLOCK_SIZE, r.blockSize().trim());
        }
        if (r.readOnly()) {
            p.put(ConfigRules.READ_ONLY, "true");
        }
        for (Map.Entry<String, String> e : pairs(r.sets()).entrySet()) {
            if (p.containsKey(e.getKey())) {
                throw new IllegalArgumentException("--set " + e.getKey() + ": given twice (or by an option)");
            }
            deviceKey(device, e.getKey());
            p.put(e.getKey(), e.getValue());
        }
        ConfigRules.lun(r.name(), p);
        Path file = store.create(Pids.LUN, r.name(), new LinkedHashMap<>(p), false);
        out.println(file + " written: " + describe(p));
        if (image != null && Files.exists(image)) {
            out.println("The LUN uses the existing file " + image + ".");
        } else if (image != null) {
            out.println("The file store creates " + image + " when it opens the LUN.");
        }
        out.println("Map it to a target with iscsi:lun-map <target> <lun-number> " + r.name() + ".");
    }

    /**
     * Removes a LUN definition. Refused while a target maps it, unless forced: then the mappings
     * go too. The backing file is never deleted.
     */
    void delete(String name, boolean force) throws Exception {
        ConfigStore.Instance lun = find(name);
        List<ConfigStore.Instance> targets = store.list(Pids.TARGET);
        List<String> uses = new ArrayList<>();
        for (ConfigStore.Instance t : targets) {
            for (String key : mappings(t, name)) {
                uses.add(t.name() + " (" + key + ")");
            }
        }
        if (!uses.isEmpty() && !force) {
            throw new IllegalArgumentException("LUN '" + name + "' is mapped by target " + String.join(", ", uses)
                    + "; unmap it first (iscsi:lun-unmap) or give --force to remove the mappings too");
        }
        for (ConfigStore.Instance t : targets) {
            List<String> keys = mappings(t, name);
            if (!keys.isEmpty()) {
                Map<String, Object> p = new LinkedHashMap<>(t.properties());
                p.keySet().removeAll(keys);
                store.update(t, p);
                out.println(t.origin() + ": " + String.join(", ", keys) + " removed");
            }
        }
        store.delete(lun);
        out.println(lun.origin() + " deleted.");
        String path = lun.get(ConfigRules.STORE_PATH);
        String medium = lun.get("medium");
        if (path != null || medium != null) {
            out.println("The backing file " + (path != null ? path : medium) + " is kept: delete it yourself when "
                    + "no longer needed.");
        } else {
            out.println("No backing file is deleted; the LUN's data " + ("memory".equals(lun.get(
                    ConfigRules.STORE_TYPE)) ? "in memory is gone when the unit closes." : "stays where it was."));
        }
    }

    /** Grows a LUN: writes its {@code size}; shrinking is refused as the store refuses it. */
    void resize(String name, String sizeText, boolean force) throws IOException {
        ConfigStore.Instance lun = find(name);
        String device = lun.get(ConfigRules.DEVICE_TYPE);
        if (device == null || !device.trim().equalsIgnoreCase("disk")) {
            throw new IllegalArgumentException(ConfigRules.SIZE + ": only disks are resized; the capacity of a "
                    + device + " is its medium's");
        }
        long size = ConfigRules.size(ConfigRules.SIZE, sizeText);
        long current = currentSize(lun);
        if (current >= 0 && size < current) {
            throw new IllegalArgumentException(ConfigRules.SIZE + ": " + Sizes.format(size) + " is smaller than the "
                    + "current " + Sizes.format(current) + " (" + current + " bytes); shrinking would lose data and "
                    + "the store refuses it");
        }
        if (size == current) {
            out.println(lun.origin() + ": " + ConfigRules.SIZE + " is " + Sizes.format(size) + " already");
            return;
        }
        if ("memory".equalsIgnoreCase(String.valueOf(lun.get(ConfigRules.STORE_TYPE)).trim()) && !force) {
            throw new IllegalArgumentException(ConfigRules.SIZE + ": LUN '" + name + "' keeps its data in memory; "
                    + "a new size reopens its store, which loses the data; give --force to resize it anyway");
        }
        write(lun, ConfigRules.SIZE, sizeText.trim());
        out.println("Initiators see the new capacity after unit attention CAPACITY DATA HAS CHANGED and READ "
                + "CAPACITY.");
    }

    /** Sets one key of a LUN definition, checked with the whole definition. */
    void set(String name, String key, String value) throws IOException {
        ConfigStore.Instance lun = find(name);
        key(key);
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(key + ": empty value; remove the key with iscsi:lun-unset");
        }
        deviceKey(lun.get(ConfigRules.DEVICE_TYPE), key);
        if (key.equals(ConfigRules.SIZE)) {
            throw new IllegalArgumentException(key + ": change it with iscsi:lun-resize, which refuses shrinking");
        }
        write(lun, key, value.trim());
    }

    /**
     * Takes a LUN offline or back online: writes its {@code offline} key, which the SCSI core
     * applies in place. A memory LUN loses its data when its store closes: taking it offline needs
     * {@code force}.
     *
     * @param name the LUN
     * @param offline true to take it offline, false to bring it back
     * @param force take a memory LUN offline anyway
     */
    void offline(String name, boolean offline, boolean force) throws IOException {
        ConfigStore.Instance lun = find(name);
        String was = lun.get(ConfigRules.OFFLINE);
        boolean is = was != null && Set.of("true", "yes", "on").contains(was.trim().toLowerCase(java.util.Locale.ROOT));
        if (is == offline) {
            out.println("LUN " + name + " is " + (offline ? "offline" : "online") + " already (" + lun.origin() + ")");
            return;
        }
        if (offline && "memory".equalsIgnoreCase(String.valueOf(lun.get(ConfigRules.STORE_TYPE)).trim()) && !force) {
            throw new IllegalArgumentException(ConfigRules.OFFLINE + ": LUN '" + name + "' keeps its data in memory, "
                    + "which is lost when its store closes; give --force to take it offline anyway");
        }
        write(lun, ConfigRules.OFFLINE, Boolean.toString(offline));
        out.println(offline ? "LUN " + name + " goes offline: it stays mapped, running commands finish, then its store "
                + "closes; initiators get NOT READY until iscsi:lun-online " + name + "."
                : "LUN " + name + " comes back online: its store opens again (iscsi:lun-info " + name + " shows the state).");
    }

    /** Removes one key of a LUN definition; the core's default applies again. */
    void unset(String name, String key) throws IOException {
        ConfigStore.Instance lun = find(name);
        key(key);
        if (key.equals(ConfigRules.DEVICE_TYPE)) {
            throw new IllegalArgumentException(key + ": required; change it with iscsi:lun-set");
        }
        if (!lun.properties().containsKey(key)) {
            out.println(lun.origin() + ": " + key + " is not set");
            return;
        }
        Map<String, Object> p = new LinkedHashMap<>(lun.properties());
        p.remove(key);
        ConfigRules.lun(lun.name(), strings(p));
        store.update(lun, p);
        out.println(lun.origin() + ": " + key + " removed; the default applies");
    }

    /** @return the names of all LUN definitions */
    List<String> names() throws IOException {
        return store.list(Pids.LUN).stream().map(ConfigStore.Instance::name).toList();
    }

    private void write(ConfigStore.Instance lun, String key, String value) throws IOException {
        Map<String, Object> p = new LinkedHashMap<>(lun.properties());
        p.put(key, value);
        ConfigRules.lun(lun.name(), strings(p));
        store.update(lun, p);
        out.println(lun.origin() + ": " + key + " = " + value);
    }

    /** @return the size in bytes the LUN has now: its {@code size} key, else its file's length, else -1 */
    private static long currentSize(ConfigStore.Instance lun) throws IOException {
        String s = lun.get(ConfigRules.SIZE);
        if (s != null && !s.isBlank()) {
            return ConfigRules.size(ConfigRules.SIZE, s);
        }
        String path = lun.get(ConfigRules.STORE_PATH);
        if (path != null && Files.isRegularFile(Path.of(path.trim()))) {
            return Files.size(Path.of(path.trim()));
        }
        return -1;
    }

    private ConfigStore.Instance find(String name) throws IOException {
        List<ConfigStore.Instance> all = store.list(Pids.LUN);
        return all.stream().filter(i -> i.name().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no LUN '" + name + "' (etc/" + Pids.LUN + "-" + name
                        + ".cfg); known: " + CredentialSets.known(all.stream().map(ConfigStore.Instance::name)
                                .toList())));
    }

    /** @return the {@code lun.N} keys of a target that name the LUN */
    static List<String> mappings(ConfigStore.Instance target, String lun) {
        List<String> keys = new ArrayList<>();
        target.properties().forEach((k, v) -> {
            if (k.startsWith(ConfigRules.LUN_PREFIX) && v != null && v.toString().trim().equals(lun)) {
                keys.add(k);
            }
        });
        return keys;
    }

    /** Refuses keys of another device type: a medium on a disk, changer.* on anything but a changer. */
    private static void deviceKey(String device, String key) {
        if (key.startsWith(CHANGER_PREFIX) && !"changer".equals(device)) {
            throw new IllegalArgumentException(key + ": only changer LUNs take changer.* keys (this is a " + device
                    + ")");
        }
        if (MEDIUM_KEYS.contains(key) && !"dvd".equals(device) && !"tape".equals(device)) {
            throw new IllegalArgumentException(key + ": only dvd and tape LUNs take a medium (this is a " + device
                    + ")");
        }
    }

    /** A key the shell may write: not empty, no spaces or '=', not one Config Admin manages. */
    private static void key(String key) {
        if (key == null || !key.matches("[A-Za-z0-9][A-Za-z0-9._-]*")) {
            throw new IllegalArgumentException("key '" + key + "': use letters, digits, '.', '_' and '-'");
        }
        if (key.startsWith("service.") || key.startsWith("felix.")) {
            throw new IllegalArgumentException("key '" + key + "' is managed by Config Admin or FileInstall");
        }
    }

    /** @return the {@code key=value} pairs, in order */
    static Map<String, String> pairs(List<String> sets) {
        Map<String, String> m = new LinkedHashMap<>();
        for (String s : sets == null ? List.<String>of() : sets) {
            int eq = s.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("--set '" + s + "': expected key=value");
            }
            String k = s.substring(0, eq).trim();
            key(k);
            String v = s.substring(eq + 1).trim();
            if (v.isEmpty()) {
                throw new IllegalArgumentException("--set " + k + ": empty value");
            }
            if (m.put(k, v) != null) {
                throw new IllegalArgumentException("--set " + k + ": given twice (or by an option)");
            }
        }
        return m;
    }

    private static Path absolute(String text) {
        Path p;
        try {
            p = Path.of(text.trim());
        } catch (InvalidPathException e) {
            throw new IllegalArgumentException(ConfigRules.STORE_PATH + ": '" + text + "' is not a valid path: "
                    + e.getReason());
        }
        if (!p.isAbsolute()) {
            throw new IllegalArgumentException(ConfigRules.STORE_PATH + ": '" + text + "' must be absolute");
        }
        return p.normalize();
    }

    private static String example(String device) {
        return switch (device) {
            case "dvd" -> "--set medium=/srv/iso/disc.iso";
            case "tape" -> "--set medium.size=4GiB";
            default -> "--set changer.drives=tape0 --set changer.slots=8 --set changer.media=/srv/tapes";
        };
    }

    private static String describe(Map<String, String> p) {
        List<String> parts = new ArrayList<>();
        p.forEach((k, v) -> parts.add(k + " = " + v));
        return String.join(", ", parts);
    }

    private static Map<String, String> strings(Map<String, Object> p) {
        Map<String, String> m = new LinkedHashMap<>();
        p.forEach((k, v) -> m.put(k, v == null ? null : v.toString()));
        return m;
    }
}
