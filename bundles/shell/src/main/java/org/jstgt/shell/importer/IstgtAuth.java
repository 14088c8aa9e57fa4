package org.jstgt.shell.importer;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import org.jstgt.api.Pids;
import org.jstgt.shell.importer.ImportPlan.Note;
import org.jstgt.shell.importer.ImportPlan.Planned;
import org.jstgt.shell.importer.IstgtConf.Entry;
import org.jstgt.shell.importer.IstgtConf.Section;

/**
 * istgt's authentication: AuthMethod values as jstgt's {@code auth} policy, AuthGroup references
 * as credential set names ({@code agN}, {@code agN_2}, ... one per Auth line of auth.conf), the
 * {@code [AuthGroupN]} sections that a target or discovery uses as credential sets, and
 * {@code [Global]}'s discovery authentication as {@code jstgt.discovery}.
 */
final class IstgtAuth extends IstgtReader {
    private final IstgtConf conf;
    private final IstgtConf auth;
    /** AuthGroup numbers used, with who uses them (for the note when auth.conf lacks one). */
    private final Map<Integer, String> usedAuthGroups = new LinkedHashMap<>();

    /**
     * @param conf istgt.conf
     * @param auth auth.conf, or null
     */
    IstgtAuth(IstgtConf conf, IstgtConf auth, Findings found) {
        super(found);
        this.conf = conf;
        this.auth = auth;
    }

    String authMethod(Section s, Entry e) {
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
    String authGroup(Section s, Entry e, String user) {
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

    Planned discovery(Section global) {
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

    List<Planned> authGroups() {
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
}
