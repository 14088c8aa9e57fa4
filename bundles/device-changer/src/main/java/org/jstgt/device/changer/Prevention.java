package org.jstgt.device.changer;

import java.util.LinkedHashSet;
import java.util.Set;

/**
 * PREVENT ALLOW MEDIUM REMOVAL of a media changer (SMC-3 §6.8; SPC-4 §6.13): while any I_T
 * nexus prevents removal, no cartridge passes through the import/export elements. Kept per
 * I_T nexus; a nexus's prevention ends with ALLOW, with the nexus, or with the administrator's
 * override. Thread-safe.
 */
final class Prevention {
    private final Set<String> holders = new LinkedHashSet<>();

    static String nexus(String initiatorPort, String targetPort) {
        return initiatorPort + " " + targetPort;
    }

    /** @return true when the set of holders changed */
    synchronized boolean prevent(String nexus, boolean prevent) {
        return prevent ? holders.add(nexus) : holders.remove(nexus);
    }

    synchronized boolean prevented() {
        return !holders.isEmpty();
    }

    synchronized Set<String> holders() {
        return Set.copyOf(holders);
    }

    synchronized void restore(Set<String> saved) {
        holders.addAll(saved);
    }
}
