package org.jstgt.shell.importer;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

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
public final class IstgtImport extends IstgtReader {
    /** istgt's NodeBase when [Global] has none. */
    static final String DEFAULT_NODEBASE = "iqn.2007-09.jp.ne.peach.istgt";

    /** istgt keys of [Global] and [LogicalUnitN] that jstgt leaves to its own defaults, with why. */
    static final Map<String, String> DEFAULTED = Map.ofEntries(
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
    private final IstgtAuth auth;
    private final IstgtPortals portalConverter;
    private final IstgtUnits unitConverter;
    private final Map<Integer, Section> initiatorGroups = new TreeMap<>();
    private final Map<Integer, Section> portalGroups = new TreeMap<>();

    private IstgtImport(IstgtConf conf, IstgtConf auth) {
        super(new Findings(conf.file()));
        this.conf = conf;
        this.auth = new IstgtAuth(conf, auth, found);
        this.portalConverter = new IstgtPortals(found);
        this.unitConverter = new IstgtUnits(found, this.auth, portalGroups, initiatorGroups);
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
            Planned p = portalConverter.portal(s, nopInterval);
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
            unitConverter.unit(s, nodeBase, targets, luns);
        }
        Planned discovery = global == null ? null : auth.discovery(global);
        List<Planned> sets = auth.authGroups();
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

    private static int lineOf(String where) {
        int colon = where.lastIndexOf(':');
        try {
            return colon < 0 ? 0 : Integer.parseInt(where.substring(colon + 1));
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
