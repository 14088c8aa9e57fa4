package org.jstgt.auth.chap;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import org.jstgt.api.auth.AuthContext;

/**
 * What one login's CHAP exchange may accept, read from the target's configuration (for discovery,
 * the discovery policy's) when the exchange starts, against the credential sets of that moment.
 *
 * <p>Keys of {@link AuthContext#properties()}: {@value #GROUPS} (required: the names of the
 * credential sets the target accepts, separated by commas or spaces) and {@value #ALGORITHMS}
 * (optional: the algorithms allowed, by name or IANA number; default all four). The policy value
 * {@code chap} accepts one-way CHAP and answers a mutual challenge when the matched set has mutual
 * credentials; {@code mutual} requires the initiator to challenge the target too.
 *
 * @param origin the file the keys come from, for messages
 * @param mutualRequired true for policy {@code mutual}
 * @param algorithms the algorithms allowed
 * @param usable the named sets logins can match (for {@code mutual}: only sets with mutual
 *     credentials)
 * @param unusable the named sets that are missing or broken, with why (a login whose
 *     {@code CHAP_N} is theirs fails as a target error)
 */
public record ChapPolicy(String origin, boolean mutualRequired, Set<ChapAlgorithm> algorithms,
        List<CredentialSet> usable, List<CredentialSets.Unusable> unusable) {

    /** The target key listing the credential sets it accepts. */
    public static final String GROUPS = "auth.groups";
    /** The target key listing the algorithms it allows. */
    public static final String ALGORITHMS = "chap.algorithms";

    public ChapPolicy {
        algorithms = Collections.unmodifiableSet(EnumSet.copyOf(algorithms));
        usable = List.copyOf(usable);
        unusable = List.copyOf(unusable);
    }

    /** The target's configuration does not allow any CHAP login: the message is the target error. */
    public static final class Invalid extends Exception {
        private static final long serialVersionUID = 1L;

        Invalid(String message) {
            super(message, null, false, false);
        }
    }

    /**
     * @param context the login
     * @param sets the credential sets now
     * @return the policy
     * @throws Invalid when the policy value, {@value #GROUPS} or {@value #ALGORITHMS} cannot be
     *     used; the message names {@link AuthContext#origin()} and the key
     */
    public static ChapPolicy of(AuthContext context, CredentialSets.Snapshot sets) throws Invalid {
        String origin = context.origin();
        boolean mutual = switch (String.valueOf(context.policy())) {
            case "chap" -> false;
            case "mutual" -> true;
            default -> throw new Invalid(origin + ": key auth: '" + context.policy()
                    + "' is not a CHAP policy (chap or mutual)");
        };
        Set<ChapAlgorithm> algorithms = algorithms(origin, context.properties().get(ALGORITHMS));
        List<String> names = list(context.properties().get(GROUPS));
        if (names.isEmpty()) {
            throw new Invalid(origin + ": key " + GROUPS + " is " + (context.properties().containsKey(GROUPS) ? "empty"
                    : "missing") + ": with auth = " + context.policy() + " it names the credential sets "
                    + "(etc/jstgt.auth-<name>.cfg) whose users may log in");
        }
        List<CredentialSet> usable = new ArrayList<>();
        List<CredentialSets.Unusable> unusable = new ArrayList<>();
        for (String name : names) {
            CredentialSet set = sets.usable().get(name);
            CredentialSets.Unusable broken = sets.unusable().get(name);
            if (set != null && mutual && !set.mutual()) {
                unusable.add(new CredentialSets.Unusable(name, set.origin(), set.user(), set.origin()
                        + ": credential set '" + name + "' has no " + CredentialSets.MUTUAL_USER + "/"
                        + CredentialSets.MUTUAL_SECRET + ", which auth = mutual in " + origin + " requires"));
            } else if (set != null) {
                usable.add(set);
            } else if (broken != null) {
                unusable.add(broken);
            } else {
                unusable.add(new CredentialSets.Unusable(name, origin, null, "credential set '" + name
                        + "' is not loaded (no file etc/jstgt.auth-" + name + ".cfg)"));
            }
        }
        if (usable.isEmpty()) {
            throw new Invalid(origin + ": key " + GROUPS + ": no usable credential set: "
                    + unusable.stream().map(CredentialSets.Unusable::why).collect(Collectors.joining("; ")));
        }
        return new ChapPolicy(origin, mutual, algorithms, usable, unusable);
    }

    private static Set<ChapAlgorithm> algorithms(String origin, String value) throws Invalid {
        List<String> entries = list(value);
        if (entries.isEmpty()) {
            return EnumSet.allOf(ChapAlgorithm.class);
        }
        Set<ChapAlgorithm> out = EnumSet.noneOf(ChapAlgorithm.class);
        for (String e : entries) {
            out.add(ChapAlgorithm.parse(e).orElseThrow(() -> new Invalid(origin + ": key " + ALGORITHMS + ": '" + e
                    + "' is not one of " + Arrays.stream(ChapAlgorithm.values())
                            .map(a -> a.digestName() + " (" + a.number() + ")").collect(Collectors.joining(", ")))));
        }
        return out;
    }

    private static List<String> list(String value) {
        if (value == null) {
            return List.of();
        }
        Set<String> out = new LinkedHashSet<>();
        for (String s : value.split("[,\\s]+")) {
            if (!s.isEmpty()) {
                out.add(s);
            }
        }
        return List.copyOf(out);
    }

    /**
     * @param user a {@code CHAP_N}
     * @return the usable sets whose {@code chap.user} it is
     */
    public List<CredentialSet> candidates(String user) {
        return usable.stream().filter(s -> s.user().equals(user)).toList();
    }

    /**
     * @param user a {@code CHAP_N}
     * @return why a named set with that user cannot be used, or null when none has it
     */
    public String unusableFor(String user) {
        return unusable.stream().filter(u -> user.equals(u.user())).map(CredentialSets.Unusable::why).findFirst()
                .orElse(null);
    }
}
