package org.jstgt.shell;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.apache.karaf.shell.support.table.ShellTable;
import org.jstgt.api.Pids;

/**
 * CHAP credential sets ({@code etc/jstgt.auth-<name>.cfg}): listing with every secret masked,
 * adding or replacing a set, removing one. What {@code iscsi:chap-*} does, without the console.
 */
final class CredentialSets {
    static final String USER = "chap.user";
    static final String SECRET = "chap.secret";
    static final String MUTUAL_USER = "mutual.user";
    static final String MUTUAL_SECRET = "mutual.secret";
    /** The target key naming the sets a target accepts. */
    static final String GROUPS = "auth.groups";

    private final ConfigStore store;
    private final PrintStream out;
    private final Optional<SecretFiles> secrets;

    /**
     * @param store the configurations
     * @param out where to report
     * @param secrets where secrets go (the cfg file then holds {@code $[secret:...]}), or empty to
     *     write them into the cfg file
     */
    CredentialSets(ConfigStore store, PrintStream out, Optional<SecretFiles> secrets) {
        this.store = store;
        this.out = out;
        this.secrets = secrets;
    }

    /** @return the secret file of a set's key: {@code jstgt.auth-<name>.chap.secret} */
    static String secretFileName(String name, String key) {
        return Pids.AUTH + "-" + name + "." + key;
    }

    /** @return the table of {@code iscsi:chap-list} */
    ShellTable table() throws IOException {
        ShellTable t = new ShellTable().emptyTableText("no CHAP credential sets (etc/jstgt.auth-<name>.cfg)");
        for (String c : List.of("Name", "User", "Secret", "Mutual user", "Mutual secret", "Used by", "File",
                "Check")) {
            t.column(c);
        }
        Map<String, List<String>> users = usersBySet();
        for (ConfigStore.Instance s : store.list(Pids.AUTH)) {
            String mutualUser = s.get(MUTUAL_USER);
            t.addRow().addContent(s.name(), orDash(s.get(USER)), Checks.maskSecret(s.get(SECRET)),
                    orDash(mutualUser), Checks.maskSecret(s.get(MUTUAL_SECRET)),
                    String.join(", ", users.getOrDefault(s.name(), List.of("-"))), s.origin(), check(s));
        }
        return t;
    }

    /**
     * Checks what can be checked before any secret is read: the set's name and the user names.
     *
     * @param name the set's name
     * @param user {@code chap.user}
     * @param mutualUser {@code mutual.user}, or null
     */
    static void checkNames(String name, String user, String mutualUser) {
        Checks.instanceName("credential set", name);
        Checks.chapName(USER, user);
        if (mutualUser != null) {
            Checks.chapName(MUTUAL_USER, mutualUser);
        }
    }

    /**
     * {@code iscsi:chap-add}: checks the names, reads the secrets (from files, or asked twice on the
     * console), then creates or replaces the set.
     *
     * @param name the set's name
     * @param user {@code chap.user}
     * @param mutualUser {@code mutual.user}, or null
     * @param secretFile where {@code chap.secret} is, or null to ask
     * @param mutualSecretFile where {@code mutual.secret} is, or null to ask (with a mutual user)
     * @param console the console to ask on
     */
    void add(String name, String user, String mutualUser, Path secretFile, Path mutualSecretFile,
            SecretInput.Console console) throws IOException {
        checkNames(name, user, mutualUser);
        if (mutualSecretFile != null && mutualUser == null) {
            throw new IllegalArgumentException("--mutual-secret-file needs --mutual-user");
        }
        String secret = secretFile != null ? SecretInput.fromFile("--secret-file", secretFile)
                : SecretInput.ask(console, SECRET, "CHAP secret of " + user + " (" + Checks.SECRET_MIN + " to "
                        + Checks.SECRET_MAX + " bytes)");
        Checks.secret(SECRET, secret);
        String mutualSecret = null;
        if (mutualUser != null) {
            mutualSecret = mutualSecretFile != null ? SecretInput.fromFile("--mutual-secret-file", mutualSecretFile)
                    : SecretInput.ask(console, MUTUAL_SECRET, "Mutual secret the target answers with as "
                            + mutualUser + " (not the CHAP secret)");
        }
        add(name, user, secret, mutualUser, mutualSecret);
    }

    /**
     * Creates or replaces a set. The four CHAP keys are written as given (a set added without a
     * mutual user loses its mutual keys); other keys and the file's comments stay.
     *
     * @param name the set's name
     * @param user {@code chap.user}
     * @param secret {@code chap.secret}
     * @param mutualUser {@code mutual.user}, or null for one-way CHAP only
     * @param mutualSecret {@code mutual.secret}, with a mutual user
     */
    void add(String name, String user, String secret, String mutualUser, String mutualSecret) throws IOException {
        checkNames(name, user, mutualUser);
        Checks.secret(SECRET, secret);
        if ((mutualUser == null) != (mutualSecret == null)) {
            throw new IllegalArgumentException(MUTUAL_USER + " and " + MUTUAL_SECRET + " go together");
        }
        if (mutualSecret != null) {
            Checks.secret(MUTUAL_SECRET, mutualSecret);
            if (mutualSecret.equals(secret)) {
                throw new IllegalArgumentException(MUTUAL_SECRET + ": must differ from " + SECRET
                        + " (one secret for both directions lets a reflected challenge through)");
            }
        }
        Optional<ConfigStore.Instance> existing = store.find(Pids.AUTH, name);
        Map<String, Object> p = new LinkedHashMap<>(existing.map(ConfigStore.Instance::properties).orElse(Map.of()));
        boolean hadMutual = p.containsKey(MUTUAL_USER);
        p.keySet().removeAll(List.of(USER, SECRET, MUTUAL_USER, MUTUAL_SECRET));
        // the secrets first: the configuration that names them must find them when it is delivered
        p.put(USER, user);
        p.put(SECRET, keep(name, SECRET, secret));
        if (mutualUser != null) {
            p.put(MUTUAL_USER, mutualUser);
            p.put(MUTUAL_SECRET, keep(name, MUTUAL_SECRET, mutualSecret));
        } else if (secrets.isPresent()) {
            secrets.get().delete(secretFileName(name, MUTUAL_SECRET));
        }
        String where = secrets.map(f -> " (in " + f.dir() + ")").orElse("");
        String shown = USER + " = " + user + ", " + SECRET + " = ********" + where
                + (mutualUser == null ? "" : ", " + MUTUAL_USER + " = " + mutualUser + ", " + MUTUAL_SECRET
                        + " = ********" + where);
        if (existing.isPresent()) {
            store.update(existing.get(), p);
            out.println("Updated credential set " + name + " (" + existing.get().origin() + "): " + shown);
            if (hadMutual && mutualUser == null) {
                out.println("Mutual CHAP keys removed (no --mutual-user given).");
            }
            ConfigStore.readableByOthers(existing.get()).ifPresent(perm -> out.println("warning: "
                    + existing.get().origin() + " holds secrets and is readable by others (" + perm
                    + "); chmod 600 it"));
        } else {
            Path file = store.create(Pids.AUTH, name, p, true);
            out.println("Created credential set " + name + " (" + file + "): " + shown);
        }
        List<String> users = usersBySet().getOrDefault(name, List.of());
        out.println(users.isEmpty() ? "No target accepts it yet: iscsi:target-auth --groups " + name + " <target> chap"
                : "Accepted by " + String.join(", ", users) + "; new logins use it within seconds.");
    }

    /**
     * Removes a set; says which targets still name it in {@code auth.groups}.
     *
     * @param name the set's name
     */
    void remove(String name) throws Exception {
        ConfigStore.Instance s = find(name);
        List<String> users = usersBySet().getOrDefault(name, List.of());
        if (!users.isEmpty()) {
            out.println("warning: " + String.join(", ", users) + " still name " + name + " in " + GROUPS
                    + "; logins that relied on it will fail");
        }
        store.delete(s);
        if (secrets.isPresent()) {
            for (String key : List.of(SECRET, MUTUAL_SECRET)) {
                String file = secretFileName(name, key);
                if (SecretFiles.reference(file).equals(s.get(key))) {
                    secrets.get().delete(file);
                }
            }
        }
        out.println("Removed credential set " + name + " (" + s.origin() + ")");
    }

    /**
     * @return what the cfg file holds for a secret: a reference to the file it was written to in
     *     the secrets directory, or (without one) the secret itself
     */
    private String keep(String name, String key, String secret) throws IOException {
        if (secrets.isEmpty()) {
            return secret;
        }
        return secrets.get().store(secretFileName(name, key), secret);
    }

    /** @return the names of all sets */
    List<String> names() throws IOException {
        return store.list(Pids.AUTH).stream().map(ConfigStore.Instance::name).toList();
    }

    private ConfigStore.Instance find(String name) throws IOException {
        Optional<ConfigStore.Instance> s = store.find(Pids.AUTH, name);
        if (s.isEmpty()) {
            throw new IllegalArgumentException("no credential set '" + name + "' (etc/" + Pids.AUTH + "-" + name
                    + ".cfg); known: " + known(names()));
        }
        return s.get();
    }

    /** @return set name to the targets (and discovery) whose {@code auth.groups} name it */
    private Map<String, List<String>> usersBySet() throws IOException {
        Map<String, List<String>> users = new LinkedHashMap<>();
        for (ConfigStore.Instance t : store.list(Pids.TARGET)) {
            for (String g : groups(t.get(GROUPS))) {
                users.computeIfAbsent(g, k -> new ArrayList<>()).add("target " + t.name());
            }
        }
        Optional<ConfigStore.Instance> discovery = store.singleton(Pids.DISCOVERY);
        if (discovery.isPresent()) {
            for (String name : groups(discovery.get().get(GROUPS))) {
                users.computeIfAbsent(name, k -> new ArrayList<>()).add("discovery");
            }
        }
        return users;
    }

    static List<String> groups(String value) {
        return value == null ? List.of() : Checks.items(List.of(value));
    }

    /** @return what is wrong with a set, without its secrets; "ok" when nothing is */
    private static String check(ConfigStore.Instance s) {
        List<String> problems = new ArrayList<>();
        if (s.get(USER) == null) {
            problems.add(USER + " missing");
        }
        secretProblem(SECRET, s.get(SECRET), problems);
        String mu = s.get(MUTUAL_USER);
        String ms = s.get(MUTUAL_SECRET);
        if ((mu == null) != (ms == null)) {
            problems.add(MUTUAL_USER + " and " + MUTUAL_SECRET + " go together");
        }
        if (ms != null) {
            secretProblem(MUTUAL_SECRET, ms, problems);
            if (ms.equals(s.get(SECRET))) {
                problems.add(MUTUAL_SECRET + " equals " + SECRET);
            }
        }
        return problems.isEmpty() ? "ok" : String.join("; ", problems);
    }

    private static void secretProblem(String key, String raw, List<String> problems) {
        if (raw == null || raw.isEmpty()) {
            problems.add(key + " missing");
        } else if (!Checks.isPlaceholder(raw)) {
            try {
                Checks.secret(key, raw);
            } catch (IllegalArgumentException e) {
                problems.add(e.getMessage());
            }
        }
    }

    static String known(List<String> names) {
        return names.isEmpty() ? "none" : String.join(", ", names);
    }

    private static String orDash(String v) {
        return v == null || v.isEmpty() ? "-" : v;
    }
}
