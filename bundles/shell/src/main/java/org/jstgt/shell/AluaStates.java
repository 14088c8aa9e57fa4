package org.jstgt.shell;

import java.io.IOException;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.jstgt.api.Pids;
import org.jstgt.api.target.AccessState;

/**
 * The ALUA state of a portal group: the {@code alua.state} key of every portal file of the group's
 * tag (files of one tag must agree). What {@code iscsi:alua-set} does, without the console.
 */
final class AluaStates {
    static final String TAG = "tag";

    private final ConfigStore store;
    private final PrintStream out;

    AluaStates(ConfigStore store, PrintStream out) {
        this.store = store;
        this.out = out;
    }

    /**
     * Sets the state of a portal's group: writes {@code alua.state} to each portal file with the
     * portal's tag whose value differs. The portals apply it in place.
     *
     * @param portal the portal's name
     * @param state the state's name (see {@link AccessState#parse})
     */
    void set(String portal, String state) throws IOException {
        AccessState s = AccessState.parse(state).orElseThrow(() -> new IllegalArgumentException("'" + state
                + "' is not an ALUA state; one of: " + AccessState.spellings()));
        List<ConfigStore.Instance> all = store.list(Pids.PORTAL);
        ConfigStore.Instance named = all.stream().filter(i -> i.name().equals(portal)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no portal '" + portal + "' (etc/" + Pids.PORTAL + "-"
                        + portal + ".cfg); known: " + CredentialSets.known(names(all))));
        String tag = tagOf(named);
        List<String> group = new ArrayList<>();
        for (ConfigStore.Instance i : all) {
            if (!tagOf(i).equals(tag)) {
                continue;
            }
            group.add(i.name());
            if (AccessState.parse(i.get(AccessState.PORTAL_KEY)).orElse(null) == s) {
                out.println(i.origin() + ": " + AccessState.PORTAL_KEY + " is " + s.configName() + " already");
                continue;
            }
            Map<String, Object> p = new LinkedHashMap<>(i.properties());
            p.put(AccessState.PORTAL_KEY, s.configName());
            store.update(i, p);
            out.println(i.origin() + ": " + AccessState.PORTAL_KEY + " = " + s.configName());
        }
        out.println("Target port group " + tag + " (portals " + String.join(", ", group) + ") is " + s.configName()
                + "; sessions stay, and initiators are told with unit attention ASYMMETRIC ACCESS STATE CHANGED.");
    }

    /** @return the names of all portals */
    List<String> names() throws IOException {
        return names(store.list(Pids.PORTAL));
    }

    private static List<String> names(List<ConfigStore.Instance> all) {
        return all.stream().map(ConfigStore.Instance::name).toList();
    }

    /** @return the portal's tag as the portal reads it (absent: 1) */
    private static String tagOf(ConfigStore.Instance i) {
        String t = i.get(TAG);
        return t == null || t.isBlank() ? "1" : t.trim();
    }
}
