package org.jstgt.shell;

import java.io.IOException;
import java.io.PrintStream;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.jstgt.api.Pids;

/**
 * How discovery sessions authenticate: the {@code auth} and {@code auth.groups} keys of the
 * singleton configuration {@link Pids#DISCOVERY} ({@code etc/jstgt.discovery.cfg}); without the file
 * or the key, {@code auth = none}. What {@code iscsi:discovery-auth} does, without the console.
 */
final class DiscoveryAuth {
    private static final String ACL_NOTE = "SendTargets lists only the targets whose " + TargetRules.INITIATORS
            + " rule admits the initiator (iscsi:target-acl).";

    private final ConfigStore store;
    private final PrintStream out;

    DiscoveryAuth(ConfigStore store, PrintStream out) {
        this.store = store;
        this.out = out;
    }

    /** Prints the policy in force, with what would make discovery logins fail. */
    void show() throws IOException {
        Optional<ConfigStore.Instance> d = store.singleton(Pids.DISCOVERY);
        if (d.isEmpty()) {
            out.println("no " + store.singletonFile(Pids.DISCOVERY) + ": discovery needs no authentication ("
                    + AuthSetting.AUTH + " = none)");
            out.println(ACL_NOTE);
            return;
        }
        String raw = d.get().get(AuthSetting.AUTH);
        String auth = raw == null || raw.isBlank() ? null : raw.trim(); // as the iscsi bundle reads it
        List<String> groups = AuthSetting.groupsOf(d.get().properties());
        out.println(d.get().origin() + ": " + AuthSetting.describe(auth == null ? "none (not set)" : auth, groups));
        if (auth != null) {
            AuthSetting setting;
            try {
                setting = AuthSetting.parse(auth, null);
            } catch (IllegalArgumentException e) {
                out.println("warning: " + e.getMessage() + "; every discovery login is refused");
                return;
            }
            if (setting.requiresChap() && groups.isEmpty()) {
                out.println("warning: no " + CredentialSets.GROUPS + "; every discovery login is refused");
            }
            setting.warnAboutSets(store, groups, out);
        }
        out.println(ACL_NOTE);
    }

    /**
     * Sets the discovery {@code auth} policy and, when given, its {@code auth.groups}; other keys
     * and the file's comments stay. A policy requiring CHAP with no set named is refused.
     *
     * @param policy none, chap or mutual
     * @param groups credential set names, or null to keep the current ones
     */
    void set(String policy, List<String> groups) throws IOException {
        AuthSetting setting = AuthSetting.parse(policy, groups);
        Optional<ConfigStore.Instance> current = store.singleton(Pids.DISCOVERY);
        Map<String, Object> p = setting.applyTo(current.map(ConfigStore.Instance::properties).orElse(Map.of()));
        List<String> effective = AuthSetting.groupsOf(p);
        if (setting.requiresChap() && effective.isEmpty()) {
            throw new IllegalArgumentException(CredentialSets.GROUPS + ": " + AuthSetting.AUTH + " = "
                    + setting.auth() + " needs at least one credential set (--groups <set>); a discovery policy "
                    + "that requires CHAP but names no set would refuse every discovery login");
        }
        store.updateSingleton(Pids.DISCOVERY, p);
        String origin = store.singleton(Pids.DISCOVERY).map(ConfigStore.Instance::origin)
                .orElse(store.singletonFile(Pids.DISCOVERY).toString());
        out.println(origin + ": " + AuthSetting.describe(setting.auth(), effective));
        setting.warnAboutSets(store, effective, out);
        out.println("The next discovery login uses it; discovery sessions already logged in are left alone.");
        out.println(ACL_NOTE);
    }
}
