package org.jstgt.shell.importer;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
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
import org.jstgt.shell.importer.ImportPlan.Note;
import org.jstgt.shell.importer.ImportPlan.Planned;
import org.jstgt.shell.importer.IstgtConf.Entry;
import org.jstgt.shell.importer.IstgtConf.Section;

/**
 * Converts istgt's configuration into jstgt's: {@code [PortalGroupN]} into portal {@code pgN},
 * {@code [LogicalUnitN]} into a target named after its TargetName and one LUN per
 * {@code LUNx} line ({@code <target>_lun<x>}), the {@code [AuthGroupN]} of auth.conf that a target
 * or discovery uses into credential sets {@code agN} (one per Auth line: {@code agN},
 * {@code agN_2}, ...), and the discovery authentication of {@code [Global]} into
 * {@code jstgt.discovery}. Values are checked with the rules the core applies to the files (IQN
 * syntax, LUN keys; mirrored here, as the shell cannot see the core's config classes); what
 * does not pass is an error, what jstgt has no key for is a note.
 */
public final class IstgtImport {
    /** istgt's NodeBase when [Global] has none. */
    static final String DEFAULT_NODEBASE = "iqn.2007-09.jp.ne.peach.istgt";

    /** The core's IQN/EUI/NAA syntax (RFC 3720 §3.2.6), as {@code org.jstgt.scsi.config.ScsiNames}. */
    private static final Pattern IQN = Pattern.compile("iqn\\.\\d{4}-(0[1-9]|1[0-2])\\.[a-z0-9]([a-z0-9-]*[a-z0-9])?"
            + "(\\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*(:[a-z0-9.:-]*)?|eui\\.[0-9a-f]{16}|naa\\.([0-9a-f]{16}|[0-9a-f]{32})");
    private static final Pattern LUN_KEY = Pattern.compile("LUN(\\d+)", Pattern.CASE_INSENSITIVE);
    private static final Pattern GROUP_REF = Pattern.compile("([A-Za-z]+?)(\\d+)");
    private static final Set<String> BLOCK_SIZES = Set.of("512", "1024", "2048", "4096");
    /** istgt keys of [Global] and [LogicalUnitN] that jstgt leaves to its own defaults, with why. */
    private static final Map<String, String> DEFAULTED = Map.ofEntries(
            Map.entry("pidfile", "jstgt runs in Karaf; no pid file of its own"),
            Map.entry("authfile", "give auth.conf as the second argument of iscsi:import-istgt"),
            Map.entry("mediadirectory", "jstgt takes media paths as they are (medium = <absolute path>)"),
            Map.entry("mediafile", "no equivalent"),
            Map.entry("livefile", "no equivalent"),
            Map.entry("logfacility", "jstgt logs through Karaf's Pax Logging (etc/org.ops4j.pax.logging.cfg)"),
            Map.entry("timeout", "no socket I/O timeout in jstgt; portals have login.timeout and nop.timeout"),
            Map.entry("maxsessions", "istgt's is for the whole daemon; jstgt limits sessions per target "
                    + "(sessions.max, default 64)"),
            Map.entry("maxconnections", "jstgt's max.connections (default 4) is per target: set it there"),
            Map.entry("maxr2t", "no equivalent; jstgt sends R2Ts as max.outstanding.r2t allows"),
            Map.entry("maxoutstandingr2t", "jstgt's default max.outstanding.r2t (1) is used; set it per target"),
            Map.entry("defaulttime2wait", "jstgt's default.time2wait (default 2) is per target: set it there"),
            Map.entry("defaulttime2retain", "jstgt's default.time2retain (default 20) is per target: set it there"),
            Map.entry("firstburstlength", "jstgt's first.burst.length (default 262144) is per target: set it there"),
            Map.entry("maxburstlength", "jstgt's max.burst.length (default 1048576) is per target: set it there"),
            Map.entry("maxrecvdatasegmentlength", "jstgt's max.recv.data.segment.length (default 262144) is per "
                    + "target: set it there"),
            Map.entry("initialr2t", "jstgt's initial.r2t (default false) is per target: set it there"),
            Map.entry("immediatedata", "jstgt's immediate.data (default true) is per target: set it there"),
            Map.entry("datapduinorder", "jstgt always negotiates DataPDUInOrder=Yes"),
            Map.entry("datasequenceinorder", "jstgt always negotiates DataSequenceInOrder=Yes"),
            Map.entry("errorrecoverylevel", "jstgt's error.recovery.level (default 0) is per target: set it there"),
            Map.entry("swmode", "no equivalent"));

    private final IstgtConf conf;
    private final IstgtConf auth;
    private final Findings found;
    private final IstgtLuns lunConverter;
    private final Map<Integer, Section> initiatorGroups = new TreeMap<>();
    private final Map<Integer, Section> portalGroups = new TreeMap<>();
    /** AuthGroup numbers used, with who uses them (for the note when auth.conf lacks one). */
    private final Map<Integer, String> usedAuthGroups = new LinkedHashMap<>();
    private final Set<String> targetNames = new LinkedHashSet<>();

    private IstgtImport(IstgtConf conf, IstgtConf auth) {
        this.conf = conf;
        this.auth = auth;
        this.found = new Findings(conf.file());
        this.lunConverter = new IstgtLuns(found);
    }

    /**
     * @param conf istgt.conf
     * @param auth auth.conf, or null
     * @return the configurations, notes and errors
     */
    public static ImportPlan convert(IstgtConf conf, IstgtConf auth) {
        return new IstgtImport(conf, auth).run();
    }

    private ImportPlan run() {
        List<Planned> portals = new ArrayList<>();
        List<Planned> targets = new ArrayList<>();
        List<Planned> luns = new ArrayList<>();
        Section global = conf.section("Global").orElse(null);
        String nodeBase = DEFAULT_NODEBASE;
        String nopInterval = null;
        if (global == null) {
            note(conf.file() + ":1", "Global", "", "no [Global] section: NodeBase is istgt's default "
                    + DEFAULT_NODEBASE);
        } else {
            for (Entry e : global.entries()) {
                String k = e.key().toLowerCase(Locale.ROOT);
                switch (k) {
                    case "comment", "discoveryauthmethod", "discoveryauthgroup" -> { }
                    case "nodebase" -> nodeBase = required(global, e, 0);
                    case "nopininterval" -> nopInterval = seconds(global, e);
                    default -> note(global, e, DEFAULTED.getOrDefault(k, "jstgt has no such setting"));
                }
            }
        }
        conf.section("UnitControl").ifPresent(s -> note(where(s.line()), s.name(), "", "istgtcontrol's unit controller "
                + "(its portal, AuthGroup and Netmask) is not imported: jstgt is managed from the Karaf shell "
                + "(scope iscsi)"));
        for (Section s : conf.sections("PortalGroup")) {
            Planned p = portal(s, nopInterval);
            if (p != null) {
                portalGroups.put(s.number(), s);
                portals.add(p);
            }
        }
        for (Section s : conf.sections("InitiatorGroup")) {
            if (s.number() < 1) {
                error(s.line(), "[" + s.name() + "]: an initiator group needs a number of 1 or more");
            } else {
                initiatorGroups.put(s.number(), s);
            }
        }
        for (Section s : conf.sections("AuthGroup")) {
            note(where(s.line()), s.name(), "", "credential sets belong in auth.conf, given as the second argument");
        }
        for (Section s : conf.sections("LogicalUnit")) {
            unit(s, nodeBase, targets, luns);
        }
        Planned discovery = global == null ? null : discovery(global);
        List<Planned> sets = authGroups();
        List<Planned> all = new ArrayList<>(sets);
        all.addAll(luns);
        all.addAll(portals);
        all.addAll(targets);
        if (discovery != null) {
            all.add(discovery);
        }
        List<Note> sorted = new ArrayList<>(new LinkedHashSet<>(found.notes()));
        sorted.sort(Comparator.comparing((Note n) -> n.where().startsWith(conf.file() + ":") ? 0 : 1)
                .thenComparingInt(n -> lineOf(n.where())));
        return new ImportPlan(all, sorted, found.errors());
    }

    // --- portal groups ---

    private Planned portal(Section s, String nopInterval) {
        if (s.number() < 1 || s.number() > 65535) {
            error(s.line(), "[" + s.name() + "]: the group number is the portal group tag, 1..65535");
            return null;
        }
        List<String> listen = new ArrayList<>();
        for (Entry e : s.entries()) {
            if (e.is("Portal")) {
                String address = listenAddress(s, e);
                if (address != null) {
                    listen.add(address);
                }
            } else if (!e.is("Comment")) {
                note(s, e, "jstgt has no such portal setting");
            }
        }
        if (listen.isEmpty()) {
            error(s.line(), "[" + s.name() + "]: no Portal line (Portal <label> <host>:<port>)");
            return null;
        }
        Map<String, String> p = new LinkedHashMap<>();
        p.put("listen", String.join(", ", listen));
        p.put("tag", Integer.toString(s.number()));
        if (nopInterval != null) {
            p.put("nop.interval", nopInterval);
        }
        return new Planned(Pids.PORTAL, "pg" + s.number(), p, Set.of(), where(s.line()));
    }

    /** {@code Portal <label> <host>[:<port>]}: IPv6 in brackets; {@code *} and {@code [*]} for any address. */
    private String listenAddress(Section s, Entry e) {
        String portal = e.value(1);
        if (portal == null || e.values().size() > 2) {
            error(e.line(), "[" + s.name() + "] Portal: expected 'Portal <label> <host>:<port>'");
            return null;
        }
        String host;
        String port;
        if (portal.startsWith("[")) {
            int close = portal.indexOf(']');
            if (close < 0 || close + 1 < portal.length() && portal.charAt(close + 1) != ':') {
                error(e.line(), "[" + s.name() + "] Portal: '" + portal + "' is not [<IPv6 address>]:<port>");
                return null;
            }
            host = portal.substring(0, close + 1);
            port = close + 1 < portal.length() ? portal.substring(close + 2) : "3260";
        } else {
            int colon = portal.indexOf(':');
            host = colon < 0 ? portal : portal.substring(0, colon);
            port = colon < 0 ? "3260" : portal.substring(colon + 1);
        }
        host = switch (host) {
            case "*" -> "0.0.0.0";
            case "[*]" -> "[::]";
            default -> host;
        };
        int n;
        try {
            n = Integer.parseInt(port);
        } catch (NumberFormatException ex) {
            n = -1;
        }
        if (host.isEmpty() || n < 1 || n > 65535) {
            error(e.line(), "[" + s.name() + "] Portal: '" + portal + "' is not <host>:<port> with a port of 1..65535");
            return null;
        }
        return host + ":" + n;
    }

    // --- logical units: targets and their LUNs ---

    private void unit(Section s, String nodeBase, List<Planned> targets, List<Planned> luns) {
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
                case "authmethod" -> authMethod = authMethod(s, e);
                case "authgroup" -> authGroups = authGroup(s, e, "target " + name);
                case "usedigest" -> digest(s, e, t);
                case "readonly" -> readOnly = yesNo(s, e);
                case "unitonline" -> {
                    if (!yesNo(s, e)) {
                        note(s, e, "jstgt has no offline key: the LUNs are imported online (iscsi:lun-offline "
                                + "takes one offline)");
                    }
                }
                case "unitinquiry" -> {
                    inquiry = e.values().toArray(new String[0]);
                    inquiryLine = e.line();
                }
                case "blocklength" -> blockSize = required(s, e, 0);
                case "queuedepth" -> queueDepth(s, e, t);
                default -> note(s, e, DEFAULTED.getOrDefault(k, "jstgt has no such setting"));
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

    private String authMethod(Section s, Entry e) {
        boolean chap = false;
        boolean mutual = false;
        boolean none = false;
        for (String v : e.values()) {
            switch (v.toLowerCase(Locale.ROOT)) {
                case "chap" -> chap = true;
                case "mutual" -> mutual = true;
                case "auto" -> {
                    chap = false;
                    mutual = false;
                }
                case "none" -> {
                    none = true;
                    chap = false;
                    mutual = false;
                }
                default -> {
                    error(e.line(), "[" + s.name() + "] " + e.key() + ": '" + v + "' is not CHAP, Mutual, Auto or None");
                    return null;
                }
            }
        }
        if (mutual && !chap) {
            error(e.line(), "[" + s.name() + "] " + e.key() + ": Mutual needs CHAP (AuthMethod CHAP Mutual)");
            return null;
        }
        if (!chap && !none) {
            note(s, e, "Auto (CHAP or none, as the initiator likes) becomes auth = none: jstgt requires CHAP or "
                    + "does not offer it");
            return "none";
        }
        return mutual ? "mutual" : chap ? "chap" : "none";
    }

    /** @return the credential set names of {@code AuthGroup<N>}, or null for None */
    private String authGroup(Section s, Entry e, String user) {
        String v = e.value(0);
        if (v == null) {
            error(e.line(), "[" + s.name() + "] " + e.key() + ": missing AuthGroup<N> or None");
            return null;
        }
        if (v.equalsIgnoreCase("None")) {
            return null;
        }
        Integer n = groupRef(s, e, v, "AuthGroup");
        if (n == null) {
            return null;
        }
        usedAuthGroups.merge(n, user, (a, b) -> a + ", " + b);
        return String.join(", ", setNames(n));
    }

    /** @return the names of the sets of {@code [AuthGroup<n>]}, one per Auth line ({@code agN} alone when none) */
    private List<String> setNames(int n) {
        Section g = auth == null ? null : auth.sections("AuthGroup").stream().filter(x -> x.number() == n)
                .findFirst().orElse(null);
        int count = g == null ? 1 : Math.max(1, g.all("Auth").size());
        List<String> names = new ArrayList<>();
        for (int i = 1; i <= count; i++) {
            names.add(i == 1 ? "ag" + n : "ag" + n + "_" + i);
        }
        return names;
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

    // --- discovery and credential sets ---

    private Planned discovery(Section global) {
        Entry method = global.first("DiscoveryAuthMethod").orElse(null);
        Entry group = global.first("DiscoveryAuthGroup").orElse(null);
        String policy = method == null ? null : authMethod(global, method);
        if (policy == null || policy.equals("none")) {
            if (group != null) {
                note(global, group, "discovery needs no authentication (auth = none, the default): the group is "
                        + "not used");
            }
            return null;
        }
        String groups = group == null ? null : authGroup(global, group, "discovery");
        if (groups == null) {
            error(method.line(), "[" + global.name() + "] DiscoveryAuthMethod: CHAP needs a DiscoveryAuthGroup");
            return null;
        }
        Map<String, String> p = new LinkedHashMap<>();
        p.put("auth", policy);
        p.put("auth.groups", groups);
        return new Planned(Pids.DISCOVERY, null, p, Set.of(), where(method.line()));
    }

    private List<Planned> authGroups() {
        List<Planned> out = new ArrayList<>();
        if (auth != null) {
            for (Section g : auth.sections()) {
                if (!g.kind().equals("AuthGroup")) {
                    found.notes().add(new Note(auth.file() + ":" + g.line(), g.name(), "", "auth.conf holds only "
                            + "[AuthGroupN] sections: not imported"));
                } else if (!usedAuthGroups.containsKey(g.number())) {
                    found.notes().add(new Note(auth.file() + ":" + g.line(), g.name(), "", "neither an imported target nor "
                            + "discovery uses it: not imported"));
                } else {
                    out.addAll(sets(g));
                }
            }
        }
        for (Map.Entry<Integer, String> u : usedAuthGroups.entrySet()) {
            boolean present = auth != null && auth.sections("AuthGroup").stream().anyMatch(g -> g.number() == u.getKey());
            if (!present) {
                found.notes().add(new Note(conf.file(), "AuthGroup" + u.getKey(), "", (auth == null ? "no auth.conf given"
                        : "no [AuthGroup" + u.getKey() + "] in " + auth.file()) + ": " + u.getValue() + " name(s) "
                        + "credential set ag" + u.getKey() + "; create it with iscsi:chap-add ag" + u.getKey()
                        + " <user> before CHAP logins can succeed"));
            }
        }
        return out;
    }

    private List<Planned> sets(Section g) {
        List<Planned> out = new ArrayList<>();
        List<String> names = setNames(g.number());
        int i = 0;
        for (Entry e : g.entries()) {
            if (e.is("Comment")) {
                continue;
            }
            String where = auth.file() + ":" + e.line();
            if (!e.is("Auth")) {
                found.notes().add(new Note(where, g.name(), e.key(), "jstgt has no such credential setting"));
                continue;
            }
            if (e.values().size() != 2 && e.values().size() != 4) {
                found.errors().add(where + ": [" + g.name() + "] Auth: expected \"user\" \"secret\" [\"mutual user\" "
                        + "\"mutual secret\"] (the values are not shown)");
                i++;
                continue;
            }
            Map<String, String> p = new LinkedHashMap<>();
            p.put("chap.user", e.value(0));
            p.put("chap.secret", e.value(1));
            Set<String> secrets = new LinkedHashSet<>(List.of("chap.secret"));
            if (e.values().size() == 4) {
                p.put("mutual.user", e.value(2));
                p.put("mutual.secret", e.value(3));
                secrets.add("mutual.secret");
            }
            out.add(new Planned(Pids.AUTH, names.get(i++), p, secrets, where));
        }
        if (out.isEmpty() && found.errors().stream().noneMatch(x -> x.contains("[" + g.name() + "]"))) {
            found.notes().add(new Note(auth.file() + ":" + g.line(), g.name(), "", "no Auth line: no credential set"));
        }
        return out;
    }

    // --- helpers ---

    private Integer groupRef(Section s, Entry e, String value, String kind) {
        Matcher m = value == null ? null : GROUP_REF.matcher(value);
        if (m == null || !m.matches() || !m.group(1).equalsIgnoreCase(kind) || Integer.parseInt(m.group(2)) < 1) {
            error(e.line(), "[" + s.name() + "] " + e.key() + ": '" + value + "' is not " + kind + "<N> with N >= 1");
            return null;
        }
        return Integer.parseInt(m.group(2));
    }

    private boolean yesNo(Section s, Entry e) {
        String v = required(s, e, 0);
        if (v != null && !v.equalsIgnoreCase("Yes") && !v.equalsIgnoreCase("No")) {
            error(e.line(), "[" + s.name() + "] " + e.key() + ": '" + v + "' is not Yes or No");
        }
        return "Yes".equalsIgnoreCase(v);
    }

    private String seconds(Section s, Entry e) {
        String v = required(s, e, 0);
        try {
            int n = Integer.parseInt(v);
            if (n >= 0 && n <= 3600) {
                return Integer.toString(n);
            }
        } catch (NumberFormatException ex) {
            // below
        }
        error(e.line(), "[" + s.name() + "] " + e.key() + ": '" + v + "' is not a number of seconds in 0..3600");
        return null;
    }

    private String required(Section s, Entry e, int i) {
        String v = e.value(i);
        if (v == null) {
            error(e.line(), "[" + s.name() + "] " + e.key() + ": missing value");
        }
        return v;
    }

    private void note(Section s, Entry e, String why) {
        found.note(s, e, why);
    }

    private void note(String where, String section, String key, String why) {
        found.note(where, section, key, why);
    }

    private void error(int line, String why) {
        found.error(line, why);
    }

    private static int lineOf(String where) {
        int colon = where.lastIndexOf(':');
        try {
            return colon < 0 ? 0 : Integer.parseInt(where.substring(colon + 1));
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    private String where(int line) {
        return found.where(line);
    }
}
