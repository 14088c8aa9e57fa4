package org.jstgt.scsi.config;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;

import org.jstgt.api.ConfigException;

/**
 * A target's {@code initiators} rule: entries in the order written, each an {@link InitiatorPattern}
 * that admits what it matches, or denies it when written with a leading {@code !} (spaces may
 * follow the {@code !}). The first entry that matches an initiator decides; an initiator no entry
 * matches is not admitted. A name entry is matched against the InitiatorName, an address entry
 * against the peer's IP address, {@code ALL} against everyone.
 *
 * <pre>
 * initiators = !iqn.2026-11.org.example:bad, iqn.2026-11.org.example:*, 10.0.0.0/8, !::/0
 * </pre>
 * admits every initiator named {@code iqn.2026-11.org.example:*} but {@code :bad}, from anywhere,
 * and any other initiator connecting from 10.0.0.0/8; everyone else is refused.
 *
 * <p>{@link #all()}, the rule of a file without the key, has no entries and admits everyone. Immutable.
 */
public final class InitiatorAcl {
    private static final InitiatorAcl ALL = new InitiatorAcl(List.of());

    /** One entry: what it matches and whether a match admits or denies. */
    private record Entry(boolean deny, InitiatorPattern pattern) {
        @Override
        public String toString() {
            return deny ? "!" + pattern : pattern.toString();
        }
    }

    private final List<Entry> entries;

    private InitiatorAcl(List<Entry> entries) {
        this.entries = List.copyOf(entries);
    }

    /** @return the rule of an absent {@code initiators} key: every initiator is admitted */
    public static InitiatorAcl all() {
        return ALL;
    }

    /**
     * @param key the configuration key, for errors
     * @param texts the entries in order, at least one
     * @return the rule
     * @throws ConfigException naming {@code key} when an entry is not valid or there is none
     */
    public static InitiatorAcl parse(String key, List<String> texts) throws ConfigException {
        if (texts.isEmpty()) {
            throw new ConfigException(key, "no entry, which admits no initiator");
        }
        List<Entry> out = new ArrayList<>();
        for (String text : texts) {
            String t = text.trim();
            boolean deny = t.startsWith("!");
            if (deny) {
                t = t.substring(1).trim();
                if (t.isEmpty()) {
                    throw new ConfigException(key, "'!' alone denies nothing: write !<initiator name>, "
                            + "!<address or network> or !ALL");
                }
                if (t.startsWith("!")) {
                    throw new ConfigException(key, "'" + text.trim() + "': one '!' at most (it denies what follows)");
                }
            }
            out.add(new Entry(deny, InitiatorPattern.parse(key, t)));
        }
        return new InitiatorAcl(out);
    }

    /**
     * @param initiatorName the InitiatorName, may be null (then no name entry matches)
     * @param address the peer's IP address, may be null (then no address entry matches)
     * @return true when the first entry that matches admits; false when it denies or none matches
     */
    public boolean admits(String initiatorName, InetAddress address) {
        if (entries.isEmpty()) {
            return true;
        }
        for (Entry e : entries) {
            if (e.pattern().matches(initiatorName, address)) {
                return !e.deny();
            }
        }
        return false;
    }

    /** @return the entries in order, denials with their {@code !}; empty for {@link #all()} */
    public List<String> entries() {
        return entries.stream().map(Entry::toString).toList();
    }

    /** @return the entries joined with {@code ", "}, or {@code ALL} for {@link #all()} */
    @Override
    public String toString() {
        return entries.isEmpty() ? "ALL" : String.join(", ", entries());
    }
}
