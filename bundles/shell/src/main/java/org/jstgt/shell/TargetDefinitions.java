package org.jstgt.shell;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.jstgt.api.Pids;

/**
 * Target definitions, {@code etc/jstgt.target-<name>.cfg}: what {@code iscsi:target-create},
 * {@code -delete}, {@code iscsi:lun-map}, {@code -unmap}, {@code iscsi:acl-add} and {@code -remove}
 * do, without the console. {@code initiators} entries are checked and written by {@link TargetRules},
 * as {@code iscsi:target-acl} does.
 */
final class TargetDefinitions {
    private final ConfigStore store;
    private final PrintStream out;

    TargetDefinitions(ConfigStore store, PrintStream out) {
        this.store = store;
        this.out = out;
    }

    /**
     * Writes {@code etc/jstgt.target-<name>.cfg} with {@code iqn}, and {@code alias} and
     * {@code portals} when given.
     *
     * @param name the target name
     * @param iqn its iSCSI name, unique among targets
     * @param portals the portals it is offered on (empty: every portal)
     * @param alias its TargetAlias, or null
     */
    void create(String name, String iqn, List<String> portals, String alias) throws IOException {
        Checks.instanceName("target", name);
        List<ConfigStore.Instance> all = store.list(Pids.TARGET);
        for (ConfigStore.Instance t : all) {
            if (t.name().equals(name)) {
                throw new IllegalArgumentException("target '" + name + "' exists already (" + t.origin() + ")");
            }
        }
        String n = ConfigRules.iscsiName(ConfigRules.IQN, iqn);
        for (ConfigStore.Instance t : all) {
            if (t.get(ConfigRules.IQN) != null && t.get(ConfigRules.IQN).trim().equalsIgnoreCase(n)) {
                throw new IllegalArgumentException(ConfigRules.IQN + ": '" + n + "' is the name of target '"
                        + t.name() + "' (" + t.origin() + ") already");
            }
        }
        Map<String, Object> p = new LinkedHashMap<>();
        p.put(ConfigRules.IQN, n);
        if (alias != null) {
            ConfigRules.alias(alias);
            p.put(ConfigRules.ALIAS, alias);
        }
        List<String> names = Checks.items(portals == null ? List.of() : portals);
        for (String portal : names) {
            Checks.instanceName("portal", portal);
        }
        if (!names.isEmpty()) {
            p.put(ConfigRules.PORTALS, String.join(", ", names));
        }
        Path file = store.create(Pids.TARGET, name, p, false);
        out.println(file + " written: iqn = " + n + (names.isEmpty() ? "; offered on every portal"
                : "; offered on portals " + String.join(", ", names)));
        List<String> known = store.list(Pids.PORTAL).stream().map(ConfigStore.Instance::name).toList();
        for (String portal : names) {
            if (!known.contains(portal)) {
                out.println("warning: no portal '" + portal + "' yet (iscsi:portal-create " + portal + " <listen>)");
            }
        }
        out.println("No LUN is mapped and every initiator is admitted: map LUNs with iscsi:lun-map " + name
                + " <lun-number> <lun-name>, restrict initiators with iscsi:acl-add " + name + " <pattern>.");
    }

    /** Removes a target definition; its LUNs stay defined. */
    void delete(String target) throws Exception {
        ConfigStore.Instance t = find(target);
        store.delete(t);
        out.println(t.origin() + " deleted; its sessions end. The LUNs it mapped stay defined.");
    }

    /**
     * Maps a LUN: writes {@code lun.<number> = <lun>}.
     *
     * @param replace overwrite a mapping of the number to another LUN
     */
    void map(String target, String number, String lun, boolean replace) throws IOException {
        ConfigStore.Instance t = find(target);
        int n = ConfigRules.lunNumber(number);
        String key = ConfigRules.LUN_PREFIX + n;
        List<ConfigStore.Instance> luns = store.list(Pids.LUN);
        if (luns.stream().noneMatch(l -> l.name().equals(lun))) {
            throw new IllegalArgumentException(key + ": no LUN '" + lun + "' (etc/" + Pids.LUN + "-" + lun
                    + ".cfg); create it with iscsi:lun-create; known: " + CredentialSets.known(luns.stream()
                            .map(ConfigStore.Instance::name).toList()));
        }
        String taken = t.get(key);
        if (taken != null && taken.trim().equals(lun)) {
            out.println(t.origin() + ": " + key + " is " + lun + " already");
            return;
        }
        if (taken != null && !replace) {
            throw new IllegalArgumentException(key + ": LUN " + n + " of target '" + t.name() + "' is " + taken.trim()
                    + "; give --replace to map " + lun + " instead, or pick another number");
        }
        Map<String, Object> p = new LinkedHashMap<>(t.properties());
        p.put(key, lun);
        store.update(t, p);
        out.println(t.origin() + ": " + key + " = " + lun + (taken == null ? "" : " (was " + taken.trim() + ")"));
        List<String> others = LunDefinitions.mappings(t, lun);
        others.remove(key);
        if (!others.isEmpty()) {
            out.println("warning: the target maps " + lun + " at " + String.join(", ", others) + " too");
        }
    }

    /** Removes the mapping {@code lun.<number>}. */
    void unmap(String target, String number) throws IOException {
        ConfigStore.Instance t = find(target);
        int n = ConfigRules.lunNumber(number);
        String key = ConfigRules.LUN_PREFIX + n;
        Map<String, Object> p = new LinkedHashMap<>(t.properties());
        Object was = p.remove(key);
        if (was == null) {
            throw new IllegalArgumentException(key + ": target '" + t.name() + "' maps no LUN " + n + "; mapped: "
                    + CredentialSets.known(mapped(t)));
        }
        store.update(t, p);
        out.println(t.origin() + ": " + key + " (" + was + ") removed; the LUN stays defined");
    }

    /**
     * Adds an entry to a target's {@code initiators} rule. An entry goes before a final {@code ALL},
     * so it takes effect; a denial added to a target without the key keeps the others admitted
     * ({@code !x, ALL}).
     */
    void aclAdd(String target, String pattern) throws IOException {
        ConfigStore.Instance t = find(target);
        List<String> add = Checks.items(List.of(pattern));
        if (add.size() != 1) {
            throw new IllegalArgumentException(TargetRules.INITIATORS + ": give one entry, was '" + pattern + "'");
        }
        String entry = add.get(0);
        Checks.initiatorEntries(add);
        List<String> entries = entries(t);
        if (entries.contains(entry)) {
            out.println(t.origin() + ": " + TargetRules.INITIATORS + " holds " + entry + " already");
            return;
        }
        boolean absent = t.get(TargetRules.INITIATORS) == null;
        if (absent && entry.startsWith("!")) {
            entries.add("ALL");
        }
        int at = entries.size();
        if (at > 0 && isAll(entries.get(at - 1))) {
            at--;
        }
        entries.add(at, entry);
        new TargetRules(store, out).acl(t.name(), entries, false);
        if (absent && !entry.startsWith("!")) {
            out.println("Before, every initiator was admitted; now only those the rule admits are.");
        }
    }

    /** Removes an entry of a target's {@code initiators} rule; the last one is removed with target-acl --clear. */
    void aclRemove(String target, String pattern) throws IOException {
        ConfigStore.Instance t = find(target);
        String entry = pattern.trim();
        List<String> entries = entries(t);
        if (!entries.remove(entry)) {
            throw new IllegalArgumentException(TargetRules.INITIATORS + ": '" + entry + "' is not an entry of target '"
                    + t.name() + "'; entries: " + (entries.isEmpty() ? "none (every initiator is admitted)"
                            : String.join(", ", entries)));
        }
        if (entries.isEmpty()) {
            throw new IllegalArgumentException(TargetRules.INITIATORS + ": '" + entry + "' is the last entry; "
                    + "without it every initiator is admitted: say so with iscsi:target-acl " + t.name() + " --clear");
        }
        new TargetRules(store, out).acl(t.name(), entries, false);
    }

    /** @return the names of all targets */
    List<String> names() throws IOException {
        return store.list(Pids.TARGET).stream().map(ConfigStore.Instance::name).toList();
    }

    private static boolean isAll(String entry) {
        return entry.equalsIgnoreCase("ALL") || entry.equals("*");
    }

    private static List<String> entries(ConfigStore.Instance t) {
        String v = t.get(TargetRules.INITIATORS);
        List<String> out = new ArrayList<>();
        if (v != null) {
            for (String e : v.split(",")) {
                if (!e.isBlank()) {
                    out.add(e.trim());
                }
            }
        }
        return out;
    }

    private static List<String> mapped(ConfigStore.Instance t) {
        List<String> out = new ArrayList<>();
        t.properties().forEach((k, v) -> {
            if (k.startsWith(ConfigRules.LUN_PREFIX)) {
                out.add(k + " = " + v);
            }
        });
        return out;
    }

    private ConfigStore.Instance find(String target) throws IOException {
        List<ConfigStore.Instance> all = store.list(Pids.TARGET);
        for (ConfigStore.Instance t : all) {
            if (t.name().equals(target) || target.equals(t.get(ConfigRules.IQN))) {
                return t;
            }
        }
        throw new IllegalArgumentException("no target '" + target + "' (etc/" + Pids.TARGET + "-" + target
                + ".cfg); known: " + CredentialSets.known(all.stream().map(ConfigStore.Instance::name).toList()));
    }
}
