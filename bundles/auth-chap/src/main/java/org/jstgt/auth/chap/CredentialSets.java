package org.jstgt.auth.chap;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Dictionary;
import java.util.Enumeration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.jstgt.api.ConfigException;
import org.jstgt.api.Pids;
import org.osgi.service.cm.ManagedServiceFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The CHAP credential sets: one per factory configuration of {@link Pids#AUTH}
 * ({@code etc/jstgt.auth-<name>.cfg}), parsed and checked when Config Admin delivers them, and
 * published as an immutable {@link Snapshot} that logins read without a lock (copy on write). A
 * file that cannot be used is reported once per change, naming the file and key and never a
 * secret; it stays in the snapshot as {@link Unusable} so that logins needing it fail as a target
 * error, while every other set keeps working. Deleting the file removes the set.
 *
 * <p>Keys: {@value #USER} (required, 1 to 255 bytes of UTF-8, no control characters),
 * {@value #SECRET} (required, 12 to 255 bytes, used exactly as written; Windows initiators accept
 * 12 to 16), {@value #MUTUAL_USER} and {@value #MUTUAL_SECRET} (optional, both or neither; the
 * mutual secret must differ from the initiator's, RFC 7143 §9.2.1).
 */
public final class CredentialSets implements ManagedServiceFactory {
    private static final Logger LOG = LoggerFactory.getLogger(CredentialSets.class);

    /** The name the initiator sends as {@code CHAP_N}. */
    public static final String USER = "chap.user";
    /** The secret the initiator's response is checked with. */
    public static final String SECRET = "chap.secret";
    /** The name this target answers a mutual challenge with. */
    public static final String MUTUAL_USER = "mutual.user";
    /** The secret this target answers a mutual challenge with. */
    public static final String MUTUAL_SECRET = "mutual.secret";

    /** RFC 7143 §9.2.1: without IPsec a secret has at least 96 bits. */
    static final int MIN_SECRET = 12;
    static final int MAX_SECRET = 255;
    static final int MAX_NAME = 255;

    private static final Pattern UNRESOLVED_SECRET = Pattern.compile("\\$\\[secret:([^\\]]*)\\]");

    /**
     * A credential set named in the configuration that logins cannot use.
     *
     * @param name the instance name
     * @param origin the file
     * @param user its {@code chap.user} when that much could be read, else null
     * @param why what is wrong, naming the file and key (no secret)
     */
    public record Unusable(String name, String origin, String user, String why) {
    }

    /**
     * The credential sets as one login sees them.
     *
     * @param usable the sets that passed every check, by name
     * @param unusable the sets that did not, by name
     */
    public record Snapshot(Map<String, CredentialSet> usable, Map<String, Unusable> unusable) {
        public Snapshot {
            usable = Map.copyOf(usable);
            unusable = Map.copyOf(unusable);
        }
    }

    private record Entry(String name, String origin, CredentialSet set, Unusable problem) {
    }

    private final Map<String, Entry> byPid = new LinkedHashMap<>();
    private volatile Snapshot snapshot = new Snapshot(Map.of(), Map.of());

    /** @return the sets now; the next change publishes a new snapshot */
    public Snapshot snapshot() {
        return snapshot;
    }

    @Override
    public String getName() {
        return "jstgt CHAP credential sets";
    }

    @Override
    public void updated(String pid, Dictionary<String, ?> properties) {
        Map<String, Object> map = new HashMap<>();
        if (properties != null) {
            for (Enumeration<String> keys = properties.keys(); keys.hasMoreElements();) {
                String k = keys.nextElement();
                map.put(k, properties.get(k));
            }
        }
        update(pid, map);
    }

    @Override
    public void deleted(String pid) {
        delete(pid);
    }

    /**
     * A configuration was created or changed.
     *
     * @param pid its PID
     * @param properties its properties
     */
    public synchronized void update(String pid, Map<String, ?> properties) {
        String name = Pids.instanceName(Pids.AUTH, properties);
        String origin = Pids.origin(properties);
        Entry entry;
        try {
            CredentialSet set = parse(name, origin, properties);
            entry = new Entry(name, origin, set, null);
            LOG.info("{}: credential set '{}' ready: chap.user {}, {}", origin, name, set.user(),
                    set.mutual() ? "mutual.user " + set.mutualUser() : "no mutual credentials (one-way only)");
        } catch (ConfigException e) {
            Object user = properties.get(USER);
            Unusable problem = new Unusable(name, origin, user == null ? null : user.toString().trim(),
                    origin + ": key " + e.getMessage());
            entry = new Entry(name, origin, null, problem);
            LOG.error("{}; credential set '{}' is unusable until fixed: logins that need it fail with a target error",
                    problem.why(), name);
        }
        byPid.put(pid, entry);
        if (entry.set() != null) {
            warnSharedSecrets(pid, entry);
        }
        publish();
    }

    /**
     * A configuration was deleted: its set is gone.
     *
     * @param pid its PID
     */
    public synchronized void delete(String pid) {
        Entry gone = byPid.remove(pid);
        if (gone != null) {
            LOG.info("{}: credential set '{}' removed", gone.origin(), gone.name());
            publish();
        }
    }

    private void publish() {
        Map<String, List<Entry>> byName = new TreeMap<>();
        for (Entry e : byPid.values()) {
            byName.computeIfAbsent(e.name(), n -> new ArrayList<>()).add(e);
        }
        Map<String, CredentialSet> usable = new HashMap<>();
        Map<String, Unusable> unusable = new HashMap<>();
        byName.forEach((name, entries) -> {
            Entry first = entries.get(0);
            if (entries.size() > 1) {
                List<String> files = entries.stream().map(Entry::origin).toList();
                // each change that leaves the clash logs it again: it is one line per change
                String why = "credential set '" + name + "' is defined more than once: " + String.join(", ", files);
                LOG.error("{}; none of them is used until one is renamed or removed", why);
                unusable.put(name, new Unusable(name, first.origin(), null, why));
            } else if (first.set() != null) {
                usable.put(name, first.set());
            } else {
                unusable.put(name, first.problem());
            }
        });
        snapshot = new Snapshot(usable, unusable);
    }

    /**
     * RFC 7143 §9.2.1: a secret that authenticates initiators must not authenticate a target, and
     * one secret should not serve several initiators. The set itself was checked; this warns of
     * the same secret in two files.
     */
    private void warnSharedSecrets(String pid, Entry entry) {
        CredentialSet s = entry.set();
        for (Map.Entry<String, Entry> other : byPid.entrySet()) {
            CredentialSet o = other.getValue().set();
            if (other.getKey().equals(pid) || o == null) {
                continue;
            }
            if (s.secret().equals(o.secret())) {
                LOG.warn("{}: key {}: the same secret as {} of {}: either initiator can pose as the other",
                        entry.origin(), SECRET, SECRET, o.origin());
            }
            if (s.secret().equals(o.mutualSecret()) || o.secret().equals(s.mutualSecret())) {
                LOG.warn("{}: a secret here is also in {} for the other direction (the chap.secret of one is the "
                        + "mutual.secret of the other), which RFC 7143 §9.2.1 forbids", entry.origin(), o.origin());
            }
        }
    }

    /**
     * Parses and checks one credential set.
     *
     * @param name its instance name
     * @param origin its file
     * @param props its properties
     * @return the set
     * @throws ConfigException naming the key and what is wrong, never echoing a secret
     */
    static CredentialSet parse(String name, String origin, Map<String, ?> props) throws ConfigException {
        String user = name(props, USER, true);
        Secret secret = secret(props, SECRET, true);
        String mutualUser = name(props, MUTUAL_USER, false);
        Secret mutualSecret = secret(props, MUTUAL_SECRET, false);
        if (mutualUser != null && mutualSecret == null) {
            throw new ConfigException(MUTUAL_SECRET, "missing: " + MUTUAL_USER + " is set, and mutual CHAP needs both");
        }
        if (mutualUser == null && mutualSecret != null) {
            throw new ConfigException(MUTUAL_USER, "missing: " + MUTUAL_SECRET + " is set, and mutual CHAP needs both");
        }
        if (secret.equals(mutualSecret)) {
            throw new ConfigException(MUTUAL_SECRET, "equals " + SECRET + ": RFC 7143 §9.2.1 forbids one secret in "
                    + "both directions (whoever learns one response could reflect it)");
        }
        return new CredentialSet(name, origin, user, secret, mutualUser, mutualSecret);
    }

    private static String name(Map<String, ?> props, String key, boolean required) throws ConfigException {
        String v = value(props, key, required);
        if (v == null) {
            return null;
        }
        v = v.trim();
        for (int i = 0; i < v.length(); i++) {
            if (Character.isISOControl(v.charAt(i))) {
                throw new ConfigException(key, "'" + printable(v) + "' contains a control character");
            }
        }
        int bytes = v.getBytes(StandardCharsets.UTF_8).length;
        if (bytes > MAX_NAME) {
            throw new ConfigException(key, bytes + " bytes of UTF-8; at most " + MAX_NAME + " are allowed");
        }
        return v;
    }

    private static Secret secret(Map<String, ?> props, String key, boolean required) throws ConfigException {
        String v = value(props, key, required);
        if (v == null) {
            return null;
        }
        Secret s = Secret.of(v);
        if (s.length() < MIN_SECRET || s.length() > MAX_SECRET) {
            throw new ConfigException(key, s.length() + " bytes; a CHAP secret has " + MIN_SECRET + " to " + MAX_SECRET
                    + " bytes (RFC 7143 §9.2.1: at least 96 bits without IPsec; Windows initiators take 12 to 16)");
        }
        return s;
    }

    /** The value as text, null when absent or blank (an error when required). */
    private static String value(Map<String, ?> props, String key, boolean required) throws ConfigException {
        Object o = props.get(key);
        if (o != null && (o.getClass().isArray() || o instanceof Collection<?>)) {
            throw new ConfigException(key, "must be one value, not a list");
        }
        String v = o == null ? null : o.toString();
        if (v == null || v.isBlank()) {
            if (required) {
                throw new ConfigException(key, "missing (required)");
            }
            return null;
        }
        Matcher m = UNRESOLVED_SECRET.matcher(v);
        if (m.find()) {
            throw new ConfigException(key, m.group() + " was not replaced: the secret file " + m.group(1)
                    + " is missing or unreadable in the secrets directory");
        }
        return v;
    }

    private static String printable(String v) {
        StringBuilder b = new StringBuilder();
        v.codePoints().forEach(c -> {
            if (Character.isISOControl(c)) {
                b.append(String.format("\\u%04x", c));
            } else {
                b.appendCodePoint(c);
            }
        });
        return b.toString();
    }
}
