package org.jstgt.shell.importer;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.jstgt.api.Pids;
import org.jstgt.shell.importer.ImportPlan.Planned;
import org.jstgt.shell.importer.IstgtConf.Entry;
import org.jstgt.shell.importer.IstgtConf.Section;

/**
 * istgt's {@code [LogicalUnitN]} sections as a jstgt target named after its TargetName, with one
 * LUN per {@code LUNx} line ({@link IstgtLuns}); its Mapping lines as the target's portals and,
 * from the {@code [InitiatorGroupN]} sections, its {@code initiators} rule.
 */
final class IstgtUnits extends IstgtReader {
    /** The core's IQN/EUI/NAA syntax (RFC 3720 §3.2.6), as {@code org.jstgt.scsi.config.ScsiNames}. */
    private static final Pattern IQN = Pattern.compile("iqn\\.\\d{4}-(0[1-9]|1[0-2])\\.[a-z0-9]([a-z0-9-]*[a-z0-9])?"
            + "(\\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*(:[a-z0-9.:-]*)?|eui\\.[0-9a-f]{16}|naa\\.([0-9a-f]{16}|[0-9a-f]{32})");
    private static final Pattern LUN_KEY = Pattern.compile("LUN(\\d+)", Pattern.CASE_INSENSITIVE);
    private static final Set<String> BLOCK_SIZES = Set.of("512", "1024", "2048", "4096");

    private final IstgtAuth auth;
    private final IstgtLuns lunConverter;
    private final Map<Integer, Section> initiatorGroups;
    private final Map<Integer, Section> portalGroups;
    private final Set<String> targetNames = new LinkedHashSet<>();

    /**
     * @param auth the conversion's authentication part (AuthMethod, AuthGroup)
     * @param portalGroups the imported portal groups by number
     * @param initiatorGroups the initiator groups by number
     */
    IstgtUnits(Findings found, IstgtAuth auth, Map<Integer, Section> portalGroups,
            Map<Integer, Section> initiatorGroups) {
        super(found);
        this.auth = auth;
        this.lunConverter = new IstgtLuns(found);
        this.portalGroups = portalGroups;
        this.initiatorGroups = initiatorGroups;
    }

    void unit(Section s, String nodeBase, List<Planned> targets, List<Planned> luns) {
        int errorsBefore = found.errors().size();
        String unitType = s.first("UnitType").map(e -> e.value(0)).orElse(null);
        if (unitType == null) {
            error(s.line(), "[" + s.name() + "]: no UnitType (Disk, DVD, Tape or Pass)");
            return;
        }
        String device = switch (unitType.toLowerCase(Locale.ROOT)) {
            case "disk" -> "disk";
            case "dvd" -> "dvd";
            case "tape" -> "tape";
            case "pass" -> "pass";
            default -> null;
        };
        if (device == null) {
            error(s.first("UnitType").get().line(), "[" + s.name() + "] UnitType: '" + unitType
                    + "' is not Disk, DVD, Tape or Pass");
            return;
        }
        if (device.equals("pass")) {
            note(where(s.line()), s.name(), "UnitType", "Pass (SCSI pass-through of a local device) is not "
                    + "supported by jstgt: the unit, its target and its LUNs are not imported");
            return;
        }
        Entry targetName = s.first("TargetName").orElse(null);
        if (targetName == null || targetName.value(0) == null) {
            error(s.line(), "[" + s.name() + "]: no TargetName");
            return;
        }
        String tn = targetName.value(0);
        boolean full = tn.toLowerCase(Locale.ROOT).matches("(iqn|eui|naa)\\..*");
        String iqn = (full ? tn : nodeBase + ":" + tn).toLowerCase(Locale.ROOT);
        if (!IQN.matcher(iqn).matches() || iqn.getBytes(StandardCharsets.UTF_8).length > 223) {
            error(targetName.line(), "[" + s.name() + "] TargetName: '" + iqn + "' is not an iSCSI name jstgt "
                    + "accepts (iqn.yyyy-mm.reversed.domain[:id], eui.<16 hex>, naa.<16 or 32 hex>; lower case "
                    + "letters, digits, '.', '-', ':'; at most 223 bytes)");
        }
        String name = uniqueTargetName(full ? shortName(tn, s.number()) : tn, s.number());

        Map<String, String> t = new LinkedHashMap<>();
        t.put("iqn", iqn);
        Map<String, String> common = new LinkedHashMap<>();
        common.put("device.type", device);
        boolean readOnly = false;
        String blockSize = null;
        String[] inquiry = null;
        int inquiryLine = 0;
        List<Integer> portalTags = new ArrayList<>();
        List<Integer> mappedGroups = new ArrayList<>();
        List<String> initiators = new ArrayList<>();
        Map<Integer, List<Entry>> lunLines = new TreeMap<>();
        String authMethod = null;
        String authGroups = null;
        for (Entry e : s.entries()) {
            String k = e.key().toLowerCase(Locale.ROOT);
            Matcher lun = LUN_KEY.matcher(e.key());
            if (lun.matches()) {
                int n = Integer.parseInt(lun.group(1));
                if (n > 63) {
                    error(e.line(), "[" + s.name() + "] " + e.key() + ": istgt's LUNs are 0..63");
                } else {
                    lunLines.computeIfAbsent(n, x -> new ArrayList<>()).add(e);
                }
                continue;
            }
            switch (k) {
                case "comment", "targetname", "unittype" -> { }
                case "targetalias" -> t.put("alias", required(s, e, 0));
                case "mapping" -> mapping(s, e, portalTags, mappedGroups, initiators);
                case "authmethod" -> authMethod = auth.authMethod(s, e);
                case "authgroup" -> authGroups = auth.authGroup(s, e, "target " + name);
                case "usedigest" -> digest(s, e, t);
                case "readonly" -> readOnly = yesNo(s, e);
                case "unitonline" -> {
                    if (!yesNo(s, e)) {
                        common.put("offline", "true"); // the LUNs stay mapped, answer NOT READY
                    }
                }
                case "unitinquiry" -> {
                    inquiry = e.values().toArray(new String[0]);
                    inquiryLine = e.line();
                }
                case "blocklength" -> blockSize = required(s, e, 0);
                case "queuedepth" -> queueDepth(s, e, t);
                default -> note(s, e, IstgtImport.DEFAULTED.getOrDefault(k, "jstgt has no such setting"));
            }
        }
        if (portalTags.isEmpty()) {
            error(s.line(), "[" + s.name() + "]: no Mapping (Mapping PortalGroup<N> InitiatorGroup<N>)");
        }
        List<String> portalNames = portalTags.stream().distinct().map(n -> "pg" + n).toList();
        if (!portalNames.isEmpty()) {
            t.put("portals", String.join(", ", portalNames));
        }
        if (!initiators.isEmpty()) {
            t.put("initiators", String.join(", ", initiators.stream().distinct().toList()));
        }
        if (authMethod != null) {
            t.put("auth", authMethod);
            if (!authMethod.equals("none") && authGroups == null) {
                error(s.first("AuthMethod").get().line(), "[" + s.name() + "] AuthMethod: CHAP needs an AuthGroup");
            }
        }
        if (authGroups != null) {
            t.put("auth.groups", authGroups);
        }
        if (readOnly) {
            common.put("read.only", "true");
        }
        if (blockSize != null) {
            if (!BLOCK_SIZES.contains(blockSize)) {
                error(s.first("BlockLength").get().line(), "[" + s.name() + "] BlockLength: '" + blockSize
                        + "' is not one of 512, 1024, 2048, 4096");
            } else if (device.equals("disk")) {
                common.put("block.size", blockSize);
            } else {
                note(s, s.first("BlockLength").get(), "the " + device + " device fixes its own block size");
            }
        }
        String serial = null;
        if (inquiry != null) {
            serial = lunConverter.inquiry(s, inquiryLine, inquiry, common);
        }
        if (!lunLines.containsKey(0)) {
            error(s.line(), "[" + s.name() + "]: no LUN0 (initiators probe LUN 0 first; istgt requires it)");
        }
        List<Planned> unitLuns = new ArrayList<>();
        for (Map.Entry<Integer, List<Entry>> l : lunLines.entrySet()) {
            Planned p = lunConverter.lun(s, name, l.getKey(), l.getValue(), device, common, serial, blockSize);
            if (p != null) {
                t.put("lun." + l.getKey(), p.name());
                unitLuns.add(p);
            }
        }
        if (found.errors().size() == errorsBefore) {
            luns.addAll(unitLuns);
            targets.add(new Planned(Pids.TARGET, name, t, Set.of(), where(s.line())));
        }
    }

    /** The instance name of a target given by its full name: what follows the last ':', else lu<N>. */
    private static String shortName(String fullName, int number) {
        int colon = fullName.lastIndexOf(':');
        return colon >= 0 && colon + 1 < fullName.length() ? fullName.substring(colon + 1) : "lu" + number;
    }

    /** Letters, digits, '.' and '_' (what instance names may hold); unique among the targets. */
    private String uniqueTargetName(String wanted, int number) {
        String n = wanted.replaceAll("[^A-Za-z0-9._]", "_");
        if (!targetNames.add(n)) {
            n = n + "_lu" + number;
            targetNames.add(n);
        }
        return n;
    }

    private void mapping(Section s, Entry e, List<Integer> portalTags, List<Integer> mappedGroups,
            List<String> initiators) {
        Integer pg = groupRef(s, e, e.value(0), "PortalGroup");
        Integer ig = groupRef(s, e, e.value(1), "InitiatorGroup");
        if (pg == null || ig == null) {
            return;
        }
        if (!portalGroups.containsKey(pg)) {
            error(e.line(), "[" + s.name() + "] Mapping: no [PortalGroup" + pg + "]");
            return;
        }
        Section group = initiatorGroups.get(ig);
        if (group == null) {
            error(e.line(), "[" + s.name() + "] Mapping: no [InitiatorGroup" + ig + "]");
            return;
        }
        if (!mappedGroups.isEmpty() && !mappedGroups.contains(ig)) {
            note(s, e, "jstgt's initiators rule holds for every portal of the target: the initiator groups of "
                    + "all Mapping lines are merged");
        }
        portalTags.add(pg);
        if (!mappedGroups.contains(ig)) {
            mappedGroups.add(ig);
            initiators.addAll(initiatorRule(group));
        }
    }

    /**
     * istgt admits an initiator whose name matches an InitiatorName (the first match decides; a
     * leading ! denies) AND whose address matches a Netmask. jstgt's rule lists names or networks,
     * first match decides: names and networks together cannot be required both.
     */
    private List<String> initiatorRule(Section g) {
        List<String> names = new ArrayList<>();
        List<String> nets = new ArrayList<>();
        for (Entry e : g.entries()) {
            if (e.is("InitiatorName")) {
                String v = required(g, e, 0);
                if (v != null) {
                    names.add(v.equalsIgnoreCase("ALL") ? "ALL" : v.equalsIgnoreCase("!ALL") ? "!ALL" : v);
                }
            } else if (e.is("Netmask")) {
                String v = required(g, e, 0);
                if (v != null) {
                    nets.add(v.equalsIgnoreCase("ALL") ? "ALL" : v);
                }
            } else if (!e.is("Comment")) {
                note(g, e, "jstgt has no such initiator group setting");
            }
        }
        if (names.isEmpty() || nets.isEmpty()) {
            String missing = names.isEmpty() ? "InitiatorName" : "Netmask";
            error(g.line(), "[" + g.name() + "]: no " + missing + " line, which admits no initiator in istgt");
            return List.of();
        }
        List<String> allows = names.stream().filter(n -> !n.startsWith("!")).toList();
        boolean allNets = nets.contains("ALL");
        if (allows.equals(List.of("ALL"))) {
            // any name but those denied before ALL (a deny after it never matches in istgt), from these
            // networks: exactly jstgt's first-match rule
            List<String> rule = new ArrayList<>(names.subList(0, names.indexOf("ALL")));
            rule.addAll(allNets ? List.of("ALL") : nets);
            return rule;
        }
        if (!allNets) {
            // importing either half alone would admit more than istgt does: refuse (fail closed)
            error(g.line(), "[" + g.name() + "]: names " + String.join(", ", allows) + " only from "
                    + String.join(", ", nets) + ": jstgt's initiators rule cannot require a name AND an address; "
                    + "keep either the InitiatorName lines or the Netmask lines in a copy of the file and import "
                    + "that (then restrict the other with the portal's listen address or a firewall)");
            return List.of();
        }
        return names; // first match decides, as in istgt; no match is refused in both
    }

    private void digest(Section s, Entry e, Map<String, String> t) {
        for (String v : e.values()) {
            switch (v.toLowerCase(Locale.ROOT)) {
                case "header" -> t.put("header.digest", "CRC32C");
                case "data" -> t.put("data.digest", "CRC32C");
                case "auto" -> {
                    t.remove("header.digest");
                    t.remove("data.digest");
                }
                default -> error(e.line(), "[" + s.name() + "] UseDigest: '" + v + "' is not Header, Data or Auto");
            }
        }
    }

    private void queueDepth(Section s, Entry e, Map<String, String> t) {
        String v = required(s, e, 0);
        int d;
        try {
            d = v == null ? -1 : Integer.parseInt(v);
        } catch (NumberFormatException ex) {
            d = -1;
        }
        if (d < 0 || d > 255) {
            error(e.line(), "[" + s.name() + "] QueueDepth: '" + v + "' is not a number in 0..255");
        } else if (d == 0) {
            note(s, e, "0 (command queuing off) has no equivalent: jstgt always queues (default queue.depth 128)");
        } else {
            t.put("queue.depth", Integer.toString(d));
        }
    }
}
