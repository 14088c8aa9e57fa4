package org.jstgt.shell.importer;

import java.io.PrintStream;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * What an import would write: the configurations, what could not be mapped (notes) and what
 * forbids writing anything (errors).
 *
 * @param configs the configurations, in the order they are written (credential sets first, the
 *     discovery policy last)
 * @param notes what was not mapped and why, and what needs the admin's attention
 * @param errors problems that forbid writing anything
 */
public record ImportPlan(List<Planned> configs, List<Note> notes, List<String> errors) {
    /** What a secret is shown as. */
    public static final String MASK = "********";

    public ImportPlan {
        configs = List.copyOf(configs);
        notes = List.copyOf(notes);
        errors = List.copyOf(errors);
    }

    /**
     * One configuration to create.
     *
     * @param factoryPid its factory PID, or the PID of a singleton ({@code jstgt.discovery})
     * @param name its instance name, or null for a singleton
     * @param properties its keys in order
     * @param secrets the keys whose values are secrets: never printed
     * @param source where it comes from ({@code file:line} of the istgt section)
     */
    public record Planned(String factoryPid, String name, Map<String, String> properties, Set<String> secrets,
            String source) {
        public Planned {
            properties = Collections.unmodifiableMap(new LinkedHashMap<>(properties));
            secrets = Set.copyOf(secrets);
        }

        /** @return true for a singleton PID */
        public boolean singleton() {
            return name == null;
        }

        /** @return the value as shown: secrets masked */
        public String shown(String key) {
            return secrets.contains(key) ? MASK : properties.get(key);
        }
    }

    /**
     * Something not imported, or imported differently, and why.
     *
     * @param where {@code file:line}
     * @param section the istgt section
     * @param key the istgt key, or empty for the whole section
     * @param why why
     */
    public record Note(String where, String section, String key, String why) {
        @Override
        public String toString() {
            return where + ": [" + section + "]" + (key.isEmpty() ? "" : " " + key) + ": " + why;
        }
    }

    /**
     * Prints the configurations with their keys, secrets masked.
     *
     * @param out where
     * @param fileOf the file a configuration goes to
     */
    public void printConfigs(PrintStream out, Function<Planned, String> fileOf) {
        for (Planned p : configs) {
            out.println(fileOf.apply(p) + "   (from " + p.source() + ")");
            p.properties().keySet().forEach(k -> out.println("  " + k + " = " + p.shown(k)));
        }
    }

    /** Prints the notes, then the errors. */
    public void printNotes(PrintStream out) {
        if (!notes.isEmpty()) {
            out.println("Not imported or changed (" + notes.size() + "):");
            notes.forEach(n -> out.println("  " + n));
        }
        if (!errors.isEmpty()) {
            out.println("Errors (" + errors.size() + "), nothing written:");
            errors.forEach(e -> out.println("  " + e));
        }
    }
}
