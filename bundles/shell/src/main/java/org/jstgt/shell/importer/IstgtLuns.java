package org.jstgt.shell.importer;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import org.jstgt.api.Pids;
import org.jstgt.shell.importer.ImportPlan.Planned;
import org.jstgt.shell.importer.IstgtConf.Entry;
import org.jstgt.shell.importer.IstgtConf.Section;

/**
 * The {@code LUNx} lines of an istgt {@code [LogicalUnitN]}: {@code Storage <path> <size|Auto>} of
 * a Disk unit becomes a file store LUN, {@code Removable <flags> <path> <size|Auto>} of a DVD or
 * Tape unit a drive with {@code medium}; {@code Option Serial} sets its serial. The INQUIRY data of
 * {@code UnitInquiry} is checked with the core's limits (vendor 8, product 16, revision 4, serial 32
 * printable ASCII characters, as {@code org.jstgt.scsi.config.LunConfig}).
 */
final class IstgtLuns {
    private static final Set<String> BLOCK_SIZES = Set.of("512", "1024", "2048", "4096");

    private final Findings found;

    IstgtLuns(Findings found) {
        this.found = found;
    }

    /**
     * {@code UnitInquiry <vendor> <product> <revision> <serial>}: the INQUIRY data of every LUN of the
     * unit (core limits 8, 16, 4 and 32 characters; the serial without spaces).
     *
     * @return the serial, or null
     */
    String inquiry(Section s, int line, String[] v, Map<String, String> common) {
        String[] keys = {"vendor", "product", "revision", "serial"};
        int[] max = {8, 16, 4, 32};
        String serial = null;
        for (int i = 0; i < v.length && i < 4; i++) {
            if (v[i].isEmpty()) {
                continue;
            }
            String why = asciiProblem(v[i], max[i], i != 3);
            if (why != null) {
                found.error(line, "[" + s.name() + "] UnitInquiry: " + keys[i] + " '" + v[i] + "' " + why);
            } else if (i == 3) {
                serial = v[i];
            } else {
                common.put(keys[i], v[i]);
            }
        }
        if (v.length > 4) {
            found.error(line, "[" + s.name() + "] UnitInquiry: expected at most vendor, product, revision and serial");
        }
        return serial;
    }

    private static String asciiProblem(String v, int max, boolean spaces) {
        if (v.length() > max) {
            return "is longer than " + max + " characters";
        }
        for (char c : v.toCharArray()) {
            if (c < 0x20 || c > 0x7e || !spaces && c == ' ') {
                return "may hold only printable ASCII" + (spaces ? "" : " without spaces");
            }
        }
        return null;
    }

    /**
     * @param s the unit's section
     * @param target the target's instance name; the LUN is {@code <target>_lun<n>}
     * @param n the LUN number
     * @param lines the unit's {@code LUN<n>} lines
     * @param device disk, dvd or tape
     * @param common the keys every LUN of the unit gets (device.type, read.only, INQUIRY data)
     * @param unitSerial the serial of UnitInquiry, or null: LUN n gets {@code <serial>L<n>}, as in istgt
     * @param blockSize BlockLength, or null for 512
     * @return the LUN, or null after an error
     */
    Planned lun(Section s, String target, int n, List<Entry> lines, String device, Map<String, String> common,
            String unitSerial, String blockSize) {
        Map<String, String> p = new LinkedHashMap<>(common);
        String serial = unitSerial == null ? null : n == 0 ? unitSerial : unitSerial + "L" + n;
        Entry medium = null;
        for (Entry e : lines) {
            String kind = e.value(0) == null ? "" : e.value(0).toLowerCase(Locale.ROOT);
            switch (kind) {
                case "storage", "removable", "device" -> {
                    if (medium != null) {
                        found.error(e.line(), "[" + s.name() + "] " + e.key() + ": a second " + e.value(0) + " line for "
                                + "the LUN (first on line " + medium.line() + ")");
                        return null;
                    }
                    medium = e;
                }
                case "option" -> {
                    String key = e.value(1);
                    if (key != null && key.equalsIgnoreCase("Serial") && e.value(2) != null) {
                        String why = asciiProblem(e.value(2), 32, false);
                        if (why != null) {
                            found.error(e.line(), "[" + s.name() + "] " + e.key() + " Option Serial: '" + e.value(2) + "' "
                                    + why);
                        }
                        serial = e.value(2);
                    } else {
                        found.note(s, e, "LUN option " + key + " has no jstgt key");
                    }
                }
                default -> {
                    found.error(e.line(), "[" + s.name() + "] " + e.key() + ": '" + e.value(0) + "' is not Storage, "
                            + "Removable, Device or Option");
                    return null;
                }
            }
        }
        if (medium == null) {
            found.error(lines.get(0).line(), "[" + s.name() + "] LUN" + n + ": only Option lines, no Storage/Removable");
            return null;
        }
        String kind = medium.value(0).toLowerCase(Locale.ROOT);
        boolean ok = switch (device) {
            case "disk" -> kind.equals("storage") && disk(s, medium, p, blockSize);
            case "dvd", "tape" -> kind.equals("removable") && removable(s, medium, p, device);
            default -> false;
        };
        if (!ok) {
            if (found.errors().isEmpty() || !found.errors().get(found.errors().size() - 1).startsWith(found.where(medium.line()))) {
                found.error(medium.line(), "[" + s.name() + "] " + medium.key() + ": a " + device + " unit takes "
                        + (device.equals("disk") ? "'Storage <path> <size|Auto>'"
                                : "'Removable <flags> <path> <size|Auto>'") + ", not " + medium.value(0));
            }
            return null;
        }
        if (serial != null) {
            p.put("serial", serial);
        }
        return new Planned(Pids.LUN, target + "_lun" + n, p, Set.of(), found.where(medium.line()));
    }

    private boolean disk(Section s, Entry e, Map<String, String> p, String blockSize) {
        String path = e.value(1);
        String size = e.value(2);
        if (path == null || size == null || e.values().size() > 3) {
            found.error(e.line(), "[" + s.name() + "] " + e.key() + ": expected 'Storage <path> <size|Auto>'");
            return false;
        }
        p.put("store.type", "file");
        p.put("store.path", path);
        if (IstgtSizes.isAuto(size)) {
            return true; // the existing file's or device's size
        }
        long bytes;
        try {
            bytes = IstgtSizes.bytes(size);
        } catch (IllegalArgumentException ex) {
            found.error(e.line(), "[" + s.name() + "] " + e.key() + " Storage: size " + ex.getMessage());
            return false;
        }
        int block = blockSize == null || !BLOCK_SIZES.contains(blockSize) ? 512 : Integer.parseInt(blockSize);
        if (bytes % block != 0) {
            found.error(e.line(), "[" + s.name() + "] " + e.key() + " Storage: size '" + size + "' (" + bytes
                    + " bytes) is not a multiple of the block size " + block);
            return false;
        }
        p.put("size", IstgtSizes.format(bytes));
        return true;
    }

    private boolean removable(Section s, Entry e, Map<String, String> p, String device) {
        String flags = e.value(1);
        String path = e.value(2);
        String size = e.value(3);
        if (flags == null || path == null || size == null || e.values().size() > 4) {
            found.error(e.line(), "[" + s.name() + "] " + e.key() + ": expected 'Removable <flags> <path> <size|Auto>'");
            return false;
        }
        boolean ro = false;
        for (String f : flags.split(",")) {
            switch (f.toLowerCase(Locale.ROOT)) {
                case "ro" -> ro = true;
                case "rw" -> ro = false;
                case "extend", "dynamic" -> found.note(s, e, "media flag " + f + " has no equivalent: a jstgt cartridge "
                        + "grows as written up to medium.size");
                default -> {
                    found.error(e.line(), "[" + s.name() + "] " + e.key() + ": media flag '" + f
                            + "' is not ro, rw, extend or dynamic");
                    return false;
                }
            }
        }
        if (!path.equals("/dev/null")) {
            p.put("medium", path); // /dev/null: istgt's empty tray, jstgt's absent medium
        }
        if (device.equals("dvd")) {
            if (!IstgtSizes.isAuto(size)) {
                found.note(s, e, "a DVD's size is its image's size; " + size + " is not used");
            }
            return true;
        }
        if (ro) {
            p.put("read.only", "true");
        }
        if (!IstgtSizes.isAuto(size)) {
            try {
                p.put("medium.size", IstgtSizes.format(IstgtSizes.bytes(size)));
            } catch (IllegalArgumentException ex) {
                found.error(e.line(), "[" + s.name() + "] " + e.key() + " Removable: size " + ex.getMessage());
                return false;
            }
        }
        found.note(s, e, "jstgt keeps tapes in its own image format (bundles/device-tape/TAPE-IMAGE.md), not istgt's: "
                + "an existing istgt tape file is not readable as a jstgt cartridge; give medium a new file");
        return true;
    }
}
