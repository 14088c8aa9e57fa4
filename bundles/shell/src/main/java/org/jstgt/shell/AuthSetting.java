package org.jstgt.shell;

import java.io.IOException;
import java.io.PrintStream;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import org.jstgt.api.Pids;

/**
 * An {@code auth} policy with, when given, the {@code auth.groups} that go with it: what
 * {@code iscsi:target-auth} writes into a target and {@code iscsi:discovery-auth} into the discovery
 * policy. Checked when made, before anything is read or written.
 *
 * @param auth none, chap or mutual, in lower case
 * @param groups the credential set names to write, or null to keep the current ones
 */
record AuthSetting(String auth, List<String> groups) {
    static final String AUTH = "auth";
    static final List<String> POLICIES = List.of("none", "chap", "mutual");

    /**
     * @param policy none, chap or mutual, in any case
     * @param groups the values of {@code --groups} (comma or space separated names), or null
     * @return the checked setting
     * @throws IllegalArgumentException naming the key or option that is wrong
     */
    static AuthSetting parse(String policy, List<String> groups) {
        String auth = policy == null ? "" : policy.toLowerCase(Locale.ROOT);
        if (!POLICIES.contains(auth)) {
            throw new IllegalArgumentException(AUTH + ": '" + policy + "' is not one of " + String.join(", ", POLICIES));
        }
        List<String> names = groups == null ? null : Checks.items(groups);
        if (names != null) {
            if (names.isEmpty()) {
                throw new IllegalArgumentException("--groups: name at least one credential set");
            }
            for (String g : names) {
                Checks.instanceName("credential set", g);
            }
        }
        return new AuthSetting(auth, names);
    }

    /** @return true for chap and mutual */
    boolean requiresChap() {
        return !auth.equals("none");
    }

    /**
     * @param current a configuration's keys
     * @return them with {@code auth} set and {@code auth.groups} replaced when given
     */
    Map<String, Object> applyTo(Map<String, Object> current) {
        Map<String, Object> p = new LinkedHashMap<>(current);
        p.put(AUTH, auth);
        if (groups != null) {
            p.put(CredentialSets.GROUPS, String.join(", ", groups));
        }
        return p;
    }

    /** @return the {@code auth.groups} a configuration's keys name */
    static List<String> groupsOf(Map<String, Object> properties) {
        Object g = properties.get(CredentialSets.GROUPS);
        return CredentialSets.groups(g == null ? null : g.toString());
    }

    /** @return {@code auth = <policy>, auth.groups = <names or (not set)>} */
    static String describe(String auth, List<String> groups) {
        return AUTH + " = " + auth + ", " + CredentialSets.GROUPS + " = "
                + (groups.isEmpty() ? "(not set)" : String.join(", ", groups));
    }

    /**
     * Warns about named sets that cannot serve this policy: missing ones, and for mutual those
     * without {@code mutual.user}. Nothing for {@code none}.
     *
     * @param store where the sets are
     * @param names the effective {@code auth.groups}
     * @param out where to warn
     */
    void warnAboutSets(ConfigStore store, List<String> names, PrintStream out) throws IOException {
        if (!requiresChap()) {
            return;
        }
        for (String name : names) {
            Optional<ConfigStore.Instance> set = store.find(Pids.AUTH, name);
            if (set.isEmpty()) {
                out.println("warning: no credential set '" + name + "' yet (iscsi:chap-add " + name + " <user>)");
            } else if (auth.equals("mutual") && set.get().get(CredentialSets.MUTUAL_USER) == null) {
                out.println("warning: credential set '" + name + "' has no " + CredentialSets.MUTUAL_USER
                        + "; mutual logins with it fail");
            }
        }
    }
}
