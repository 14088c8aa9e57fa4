package org.jstgt.shell;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.jstgt.api.Pids;

/**
 * Portal definitions, {@code etc/jstgt.portal-<name>.cfg}: what {@code iscsi:portal-create} and
 * {@code iscsi:portal-delete} do, without the console.
 */
final class PortalDefinitions {
    private final ConfigStore store;
    private final PrintStream out;

    PortalDefinitions(ConfigStore store, PrintStream out) {
        this.store = store;
        this.out = out;
    }

    /**
     * Writes {@code etc/jstgt.portal-<name>.cfg} with {@code listen} and, when given, {@code tag}.
     * Warns loudly when an address is not a loopback address.
     *
     * @param name the portal name
     * @param listen comma-separated {@code host:port} or {@code [v6]:port} entries
     * @param tag the target portal group tag 1..65535, or null for the default 1
     */
    void create(String name, String listen, String tag) throws IOException {
        Checks.instanceName("portal", name);
        Optional<ConfigStore.Instance> existing = store.find(Pids.PORTAL, name);
        if (existing.isPresent()) {
            throw new IllegalArgumentException("portal '" + name + "' exists already (" + existing.get().origin()
                    + ")");
        }
        List<String> entries = new ArrayList<>();
        for (String e : listen.split(",")) {
            if (!e.isBlank()) {
                entries.add(e.trim());
            }
        }
        List<String> exposed = ConfigRules.listen(entries);
        Map<String, Object> p = new LinkedHashMap<>();
        p.put(ConfigRules.LISTEN, String.join(", ", entries));
        if (tag != null) {
            p.put(ConfigRules.TAG, String.valueOf(ConfigRules.tag(tag.trim())));
        }
        Path file = store.create(Pids.PORTAL, name, p, false);
        out.println(file + " written: listen = " + p.get(ConfigRules.LISTEN) + ", tag = "
                + (tag == null ? "1 (default)" : p.get(ConfigRules.TAG)));
        if (!exposed.isEmpty()) {
            out.println("WARNING: portal '" + name + "' listens on " + String.join(", ", exposed) + ", not a loopback "
                    + "address: every host that reaches it can discover targets and try to log in. Admit only "
                    + "your initiators (iscsi:acl-add <target> <pattern>) and require CHAP (iscsi:target-auth "
                    + "<target> chap --groups <set>).");
        }
    }

    /**
     * Removes a portal definition. Refused while a target names it in {@code portals}, unless
     * forced: then the name is removed from those targets too.
     */
    void delete(String name, boolean force) throws Exception {
        List<ConfigStore.Instance> all = store.list(Pids.PORTAL);
        ConfigStore.Instance portal = all.stream().filter(i -> i.name().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no portal '" + name + "' (etc/" + Pids.PORTAL + "-"
                        + name + ".cfg); known: " + CredentialSets.known(all.stream().map(ConfigStore.Instance::name)
                                .toList())));
        List<ConfigStore.Instance> users = new ArrayList<>();
        for (ConfigStore.Instance t : store.list(Pids.TARGET)) {
            if (portals(t).contains(name)) {
                users.add(t);
            }
        }
        if (!users.isEmpty() && !force) {
            throw new IllegalArgumentException("portal '" + name + "' is named in the portals key of target "
                    + String.join(", ", users.stream().map(ConfigStore.Instance::name).toList())
                    + "; change those targets first or give --force to remove the name from them too");
        }
        for (ConfigStore.Instance t : users) {
            List<String> rest = portals(t);
            rest.remove(name);
            Map<String, Object> p = new LinkedHashMap<>(t.properties());
            if (rest.isEmpty()) {
                p.remove(ConfigRules.PORTALS);
                store.update(t, p);
                out.println(t.origin() + ": portals removed. warning: without it the target is offered on EVERY "
                        + "portal");
            } else {
                p.put(ConfigRules.PORTALS, String.join(", ", rest));
                store.update(t, p);
                out.println(t.origin() + ": portals = " + String.join(", ", rest));
            }
        }
        store.delete(portal);
        out.println(portal.origin() + " deleted; the portal stops listening and its sessions end.");
    }

    /** @return the names of all portals */
    List<String> names() throws IOException {
        return store.list(Pids.PORTAL).stream().map(ConfigStore.Instance::name).toList();
    }

    private static List<String> portals(ConfigStore.Instance t) {
        List<String> out = new ArrayList<>();
        String v = t.get(ConfigRules.PORTALS);
        if (v != null) {
            for (String e : v.split(",")) {
                if (!e.isBlank()) {
                    out.add(e.trim());
                }
            }
        }
        return out;
    }
}
