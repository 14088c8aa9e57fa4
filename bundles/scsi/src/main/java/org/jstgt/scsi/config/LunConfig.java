package org.jstgt.scsi.config;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

import org.jstgt.api.ConfigException;
import org.jstgt.api.Pids;
import org.jstgt.api.Sizes;
import org.jstgt.api.scsi.LunSpec;
import org.jstgt.api.store.StoreSpec;
import org.jstgt.scsi.sense.SenseFormat;
import org.jstgt.scsi.spc.NaaDesignators;
import org.jstgt.scsi.taskset.TaskSet;

/**
 * A validated {@code jstgt.lun} configuration ({@code etc/jstgt.lun-<name>.cfg}).
 *
 * @param name the LUN name
 * @param origin the file or PID
 * @param deviceType {@code device.type}
 * @param storeType {@code store.type}, empty when absent (devices that open their media themselves)
 * @param storePath {@code store.path} or null
 * @param size {@code size} in bytes, 0 when the store's existing size is used
 * @param blockSize {@code block.size}
 * @param readOnly {@code read.only}
 * @param serial {@code serial}
 * @param vendor {@code vendor}
 * @param product {@code product}
 * @param revision {@code revision}
 * @param senseFormat {@code sense.format}
 * @param naaId NAA locally assigned identifier (VPD page 83h)
 * @param queueDepth {@code queue.depth}: commands of all nexuses in the task set, 1..1024
 * @param properties every key as a string
 * @param offline {@code offline}: the LUN stays mapped but its unit and store are closed, and
 *     commands but INQUIRY, REPORT LUNS and REQUEST SENSE get NOT READY
 */
public record LunConfig(String name, String origin, String deviceType, String storeType, String storePath, long size,
        int blockSize, boolean readOnly, String serial, String vendor, String product, String revision,
        SenseFormat senseFormat, long naaId, int queueDepth, Map<String, String> properties, boolean offline) {

    public static final String DEVICE_TYPE = "device.type";
    public static final String STORE_TYPE = "store.type";
    public static final String STORE_PATH = "store.path";
    public static final String SIZE = "size";
    public static final String BLOCK_SIZE = "block.size";
    public static final String READ_ONLY = "read.only";
    public static final String SERIAL = "serial";
    public static final String VENDOR = "vendor";
    public static final String PRODUCT = "product";
    public static final String REVISION = "revision";
    /** Commands of all nexuses the LU's task set holds before TASK SET FULL (SAM-5 §5.3.1). */
    public static final String QUEUE_DEPTH = "queue.depth";
    /**
     * Takes the LUN offline in place (true) or back online (false, the default): while offline it
     * stays mapped, its store is closed so that an administrator may copy or check the file, and
     * commands but INQUIRY, REPORT LUNS and REQUEST SENSE get NOT READY, LOGICAL UNIT NOT READY,
     * MANUAL INTERVENTION REQUIRED (04h/03h).
     */
    public static final String OFFLINE = "offline";

    private static final Pattern TYPE = Pattern.compile("[a-z0-9][a-z0-9._-]*");

    public LunConfig {
        properties = Map.copyOf(properties);
    }

    /**
     * @param props the configuration as Config Admin delivers it
     * @return the LUN
     * @throws ConfigException naming the first bad key
     */
    public static LunConfig parse(Map<String, ?> props) throws ConfigException {
        Map<String, String> p = Props.strings(props);
        String name = Pids.instanceName(Pids.LUN, props);
        String origin = Pids.origin(props);
        String deviceType = type(p, DEVICE_TYPE);
        String storeType = Props.get(p, STORE_TYPE) == null ? "" : type(p, STORE_TYPE);
        String path = Props.get(p, STORE_PATH);
        int blockSize = blockSize(p);
        long size = 0;
        String sizeText = Props.get(p, SIZE);
        if (sizeText != null) {
            size = Sizes.parse(SIZE, sizeText);
            if (size % blockSize != 0) {
                throw new ConfigException(SIZE, "'" + sizeText + "' (" + size + " bytes) is not a multiple of "
                        + BLOCK_SIZE + " " + blockSize);
            }
        }
        boolean readOnly = Props.bool(p, READ_ONLY, false);
        String serial = ascii(p, SERIAL, defaultSerial(name), 32, false);
        String vendor = ascii(p, VENDOR, "JSTGT", 8, true);
        String product = ascii(p, PRODUCT, defaultProduct(deviceType), 16, true);
        String revision = ascii(p, REVISION, "0001", 4, true);
        SenseFormat format = SenseFormat.parse(Props.get(p, SenseFormat.KEY));
        int depth = queueDepth(p);
        NaaDesignators.companyId(Props.get(p, NaaDesignators.KEY));
        boolean offline = Props.bool(p, OFFLINE, false);
        return new LunConfig(name, origin, deviceType, storeType, path, size, blockSize, readOnly, serial, vendor,
                product, revision, format, naa(name, serial), depth, p, offline);
    }

    /** @return the definition device providers receive */
    public LunSpec lunSpec() {
        return new LunSpec(name, origin, deviceType, storeType, blockSize, readOnly, vendor, product, revision, serial,
                naaId, properties);
    }

    /** @return true when {@code store.type} names a store the core opens for the unit */
    public boolean hasStore() {
        return !storeType.isEmpty();
    }

    /**
     * @param other another definition of the same LUN
     * @return true when both open the same store the same way and use the same device type, so a
     *     unit may take the change in place (device keys, identification, sense format)
     */
    public boolean sameStore(LunConfig other) {
        return deviceType.equals(other.deviceType) && storeType.equals(other.storeType)
                && java.util.Objects.equals(storePath, other.storePath) && size == other.size
                && blockSize == other.blockSize && readOnly == other.readOnly
                && storeKeys().equals(other.storeKeys());
    }

    private Map<String, String> storeKeys() {
        Map<String, String> m = new java.util.TreeMap<>();
        properties.forEach((k, v) -> {
            if (k.startsWith("store.")) {
                m.put(k, v);
            }
        });
        return m;
    }

    /** @return the request store providers receive */
    public StoreSpec storeSpec() {
        return new StoreSpec(name, origin, storePath, size, readOnly, properties);
    }

    private static String type(Map<String, String> p, String key) throws ConfigException {
        String v = Props.required(p, key).toLowerCase(Locale.ROOT);
        if (!TYPE.matcher(v).matches()) {
            throw new ConfigException(key, "'" + v + "' is not a type name (letters, digits, '.', '_', '-')");
        }
        return v;
    }

    private static int blockSize(Map<String, String> p) throws ConfigException {
        String v = Props.get(p, BLOCK_SIZE);
        if (v == null) {
            return 512;
        }
        return switch (v) {
            case "512" -> 512;
            case "1024" -> 1024;
            case "2048" -> 2048;
            case "4096" -> 4096;
            default -> throw new ConfigException(BLOCK_SIZE, "'" + v + "' is not one of 512, 1024, 2048, 4096");
        };
    }

    private static int queueDepth(Map<String, String> p) throws ConfigException {
        String v = Props.get(p, QUEUE_DEPTH);
        if (v == null) {
            return TaskSet.DEFAULT_DEPTH;
        }
        int d;
        try {
            d = Integer.parseInt(v);
        } catch (NumberFormatException e) {
            d = -1;
        }
        if (d < 1 || d > TaskSet.MAX_DEPTH) {
            throw new ConfigException(QUEUE_DEPTH, "'" + v + "' is not a number in 1.." + TaskSet.MAX_DEPTH);
        }
        return d;
    }

    /** SPC-4 §4.4.1: INQUIRY identification fields hold printable ASCII (20h-7Eh). */
    private static String ascii(Map<String, String> p, String key, String defaultValue, int max, boolean spaces)
            throws ConfigException {
        String v = Props.get(p, key);
        if (v == null) {
            return defaultValue;
        }
        if (v.length() > max) {
            throw new ConfigException(key, "'" + v + "' is longer than " + max + " characters");
        }
        for (int i = 0; i < v.length(); i++) {
            char c = v.charAt(i);
            if (c < 0x20 || c > 0x7E || (!spaces && c == ' ')) {
                throw new ConfigException(key, "'" + v + "' may hold only printable ASCII"
                        + (spaces ? "" : " without spaces"));
            }
        }
        return v;
    }

    /**
     * The name itself when it fits the 32 printable characters of a serial, else a hash of it.
     * Two jstgt hosts with a LUN of the same name get the same serial: set {@code serial} when
     * initiators see several hosts (multipath would merge them).
     */
    static String defaultSerial(String name) {
        if (!name.isEmpty() && name.length() <= 32 && name.chars().allMatch(c -> c > 0x20 && c < 0x7F)) {
            return name;
        }
        byte[] h = sha256(name);
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 16; i++) {
            sb.append(String.format("%02x", h[i] & 0xFF));
        }
        return sb.toString();
    }

    private static String defaultProduct(String deviceType) {
        return switch (deviceType) {
            case "disk" -> "VIRTUAL-DISK";
            case "dvd" -> "VIRTUAL-DVD";
            case "tape" -> "VIRTUAL-TAPE";
            case "changer" -> "VIRTUAL-CHANGER";
            case "passthrough" -> "PASSTHROUGH";
            default -> {
                String p = "VIRTUAL-" + deviceType.toUpperCase(Locale.ROOT);
                yield p.length() > 16 ? p.substring(0, 16) : p;
            }
        };
    }

    /**
     * NAA identifier, type 3 (locally assigned, SPC-4 §7.8.6.6.5): NAA field 3h in the top nibble,
     * 60 bits of LOCALLY ADMINISTERED VALUE from a hash of name and serial, so it survives restarts.
     */
    static long naa(String name, String serial) {
        byte[] h = sha256(name + '\0' + serial);
        long v = 0;
        for (int i = 0; i < 8; i++) {
            v = (v << 8) | (h[i] & 0xFF);
        }
        return (v & 0x0FFF_FFFF_FFFF_FFFFL) | 0x3000_0000_0000_0000L;
    }

    private static byte[] sha256(String s) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every Java platform", e);
        }
    }
}
