package org.jstgt.shell;

import java.io.IOException;
import java.io.PrintStream;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.jstgt.api.Pids;

/**
 * Who may log in to a target: its {@code initiators} rule and its {@code auth} policy with
 * {@code auth.groups}. What {@code iscsi:target-acl} and {@code iscsi:target-auth} do, without the
 * console.
 */
final class TargetRules {
    static final String INITIATORS = "initiators";

    private final ConfigStore store;
    private final PrintStream out;

    TargetRules(ConfigStore store, PrintStream out) {
        this.store = store;
        this.out = out;
    }

    /**
     * Prints, replaces or removes a target's {@code initiators} rule.
     *
     * @param target the target's name or IQN
     * @param entries the new rule (empty: print the current one)
     * @param clear remove the key: every initiator is admitted
     */
    void acl(String target, List<String> entries, boolean clear) throws IOException {
        ConfigStore.Instance t = find(target);
        List<String> items = Checks.items(entries);
        if (clear && !items.isEmpty()) {
            throw new IllegalArgumentException("give entries or --clear, not both");
        }
        Map<String, Object> p = new LinkedHashMap<>(t.properties());
        if (clear) {
            if (p.remove(INITIATORS) == null) {
                out.println(t.origin() + ": " + INITIATORS + " is not set; every initiator is admitted");
                return;
            }
            store.update(t, p);
            out.println(t.origin() + ": " + INITIATORS + " removed; every initiator is admitted");
            return;
        }
        if (items.isEmpty()) {
            String current = t.get(INITIATORS);
            out.println(current == null ? t.origin() + ": " + INITIATORS + " is not set; every initiator is admitted"
                    : t.origin() + ": " + INITIATORS + " = " + current);
            return;
        }
        Checks.initiatorEntries(items);
        String value = String.join(", ", items);
        p.put(INITIATORS, value);
        store.update(t, p);
        out.println(t.origin() + ": " + INITIATORS + " = " + value);
        out.println("The first entry that matches decides; sessions the new rule no longer admits are asked to "
                + "log out.");
        if (items.stream().allMatch(e -> e.startsWith("!"))) {
            out.println("warning: every entry denies, so no initiator is admitted; end the list with ALL to admit "
                    + "the others");
        }
    }

    /**
     * Sets a target's {@code auth} policy and, when given, its {@code auth.groups}.
     *
     * @param target the target's name or IQN
     * @param policy none, chap or mutual
     * @param groups credential set names, or null to keep the current ones
     */
    void auth(String target, String policy, List<String> groups) throws IOException {
        AuthSetting setting = AuthSetting.parse(policy, groups);
        ConfigStore.Instance t = find(target);
        Map<String, Object> p = setting.applyTo(t.properties());
        store.update(t, p);
        List<String> effective = AuthSetting.groupsOf(p);
        out.println(t.origin() + ": " + AuthSetting.describe(setting.auth(), effective));
        if (setting.requiresChap() && effective.isEmpty()) {
            out.println("warning: no " + CredentialSets.GROUPS + ": name the credential sets this target accepts "
                    + "with --groups");
        }
        setting.warnAboutSets(store, effective, out);
    }

    /** @return the names of all targets */
    List<String> names() throws IOException {
        return store.list(Pids.TARGET).stream().map(ConfigStore.Instance::name).toList();
    }

    private ConfigStore.Instance find(String target) throws IOException {
        List<ConfigStore.Instance> all = store.list(Pids.TARGET);
        for (ConfigStore.Instance t : all) {
            if (t.name().equals(target) || target.equals(t.get("iqn"))) {
                return t;
            }
        }
        throw new IllegalArgumentException("no target '" + target + "' (etc/" + Pids.TARGET + "-" + target
                + ".cfg); known: " + CredentialSets.known(all.stream().map(ConfigStore.Instance::name).toList()));
    }
}
