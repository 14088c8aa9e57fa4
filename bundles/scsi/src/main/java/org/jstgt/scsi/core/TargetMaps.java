package org.jstgt.scsi.core;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Predicate;

import org.jstgt.api.scsi.Sense;
import org.jstgt.api.scsi.SenseReason;
import org.jstgt.api.target.ScsiTarget;
import org.jstgt.scsi.config.TargetConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Target LUN maps and the published snapshot of targets: resolving a target's {@code lun.N} names
 * to LUNs, and fanning unit attentions out to the nexuses that see a LUN (SAM-5 §5.14). Reads and
 * fan-out are lock-free on the snapshot; resolving and publishing are serialized by the manager.
 */
final class TargetMaps {
    private static final Logger LOG = LoggerFactory.getLogger(TargetMaps.class);

    private record Snapshot(List<ScsiTarget> sorted, Map<String, TargetRuntime> byIqn) {
    }

    private volatile Snapshot snapshot = new Snapshot(List.of(), Map.of());
    /** The ALUA port groups and their states, for every target. */
    final AccessStates alua = new AccessStates(this);
    private final Set<String> warnedUnknownLuns = new HashSet<>();

    /** @return the targets, sorted by IQN */
    List<ScsiTarget> targets() {
        return snapshot.sorted();
    }

    /** @return the target of an IQN, compared case-insensitively (RFC 3722) */
    Optional<ScsiTarget> target(String iqn) {
        return iqn == null ? Optional.empty() : Optional.ofNullable(snapshot.byIqn().get(iqn.toLowerCase(Locale.ROOT)));
    }

    /** Forgets the warnings about unknown LUN names of a target file, so a new version warns again. */
    void forgetWarnings(String origin) {
        warnedUnknownLuns.removeIf(k -> k.startsWith(origin + "|"));
    }

    /** @return the target's LUN map over the LUNs defined now; unknown names are warned about once */
    LunMap resolve(TargetConfig cfg, Map<String, LunRuntime> luns) {
        TreeMap<Integer, LunRuntime> m = new TreeMap<>();
        cfg.luns().forEach((n, name) -> {
            LunRuntime lun = luns.get(name);
            if (lun == null) {
                String key = TargetConfig.LUN_PREFIX + n;
                if (warnedUnknownLuns.add(cfg.origin() + "|" + key + "|" + name)) {
                    LOG.warn("{}: {}: no LUN named '{}' (etc/jstgt.lun-{}.cfg); LUN {} reports as not present until "
                            + "it appears", cfg.origin(), key, name, name, n);
                }
            } else {
                m.put(n, lun);
            }
        });
        return LunMap.of(m);
    }

    /**
     * A LUN appeared or went: the targets that name it get it mapped or unmapped, one change each
     * (no target re-resolves its other LUNs), and the snapshot is published.
     *
     * @param lun the LUN's name
     * @param now the LUN, or null when it went
     */
    void remap(Collection<TargetRuntime> targets, String lun, LunRuntime now) {
        for (TargetRuntime t : targets) {
            int[] numbers = t.numbersOf(lun);
            if (numbers.length == 0) {
                continue;
            }
            LunMap m = t.map;
            for (int n : numbers) {
                m = m.with(n, now);
            }
            t.setMap(m);
        }
        publish(targets);
    }

    void publish(Collection<TargetRuntime> targets) {
        List<TargetRuntime> all = new ArrayList<>(targets);
        all.sort(Comparator.comparing(TargetRuntime::iqn));
        Map<String, TargetRuntime> byIqn = new HashMap<>();
        for (TargetRuntime t : all) {
            byIqn.put(t.iqn(), t);
        }
        snapshot = new Snapshot(List.copyOf(all), Map.copyOf(byIqn));
    }

    /** Queues a unit attention for the LUN on every nexus that maps it; any thread. */
    void raise(LunRuntime lun, Sense sense) {
        forEachNexus(lun, nexus -> true, sense);
    }

    /**
     * Queues a unit attention for the LUN on every nexus that maps it but the one named (the
     * nexus of a MODE SELECT, SPC-4 §6.9); any thread.
     */
    void raiseToOthers(LunRuntime lun, Sense sense, String initiatorPortName, String targetPortName) {
        forEachNexus(lun, nexus -> !(Objects.equals(nexus.initiatorPortName, initiatorPortName)
                && Objects.equals(nexus.targetPortName, targetPortName)), sense);
    }

    /**
     * LOGICAL UNIT RESET (SAM-5 §7.8, §6.3.4): BUS DEVICE RESET FUNCTION OCCURRED on every nexus
     * of the LU, the one that asked for the reset included (the reset is an event of the LU, not of
     * a nexus: libiscsi's MultipathIO.Reset looks for it on every path, as LIO raises it).
     */
    void resetAll(LunRuntime lun) {
        forEachNexus(lun, nexus -> true, SenseReason.BUS_DEVICE_RESET_FUNCTION_OCCURRED.sense());
    }

    /**
     * Queues a unit attention for the LUN on the nexuses that map it and pass {@code which} (the
     * registered nexuses a change of reservations tells, SPC-4 §5.13.11); any thread.
     */
    void raiseWhere(LunRuntime lun, Predicate<NexusImpl> which, Sense sense) {
        forEachNexus(lun, which, sense);
    }

    /**
     * A hard reset of a target (SAM-5 §6.3.2) once its units' tasks are gone: every nexus of the
     * target gets POWER ON, RESET, OR BUS DEVICE RESET OCCURRED on each LUN that was reset; a
     * nexus of another target that maps one of those units sees a logical unit reset of it (BUS
     * DEVICE RESET FUNCTION OCCURRED, SAM-5 §7.8).
     */
    void targetReset(TargetRuntime reset, Set<LunRuntime> units) {
        for (ScsiTarget st : snapshot.sorted()) {
            TargetRuntime t = (TargetRuntime) st;
            Sense sense = t == reset ? SenseReason.POWER_ON_RESET_OR_BUS_DEVICE_RESET.sense()
                    : SenseReason.BUS_DEVICE_RESET_FUNCTION_OCCURRED.sense();
            t.map.forEach((n, l) -> {
                if (units.contains(l)) {
                    for (NexusImpl nexus : t.nexuses) {
                        nexus.unitAttention(n, sense);
                    }
                }
            });
        }
    }

    private void forEachNexus(LunRuntime lun, Predicate<NexusImpl> which, Sense sense) {
        for (ScsiTarget st : snapshot.sorted()) {
            TargetRuntime t = (TargetRuntime) st;
            // only the numbers the target's file gives this LUN's name: no walk over its other LUNs
            LunMap m = t.map;
            for (int n : t.numbersOf(lun.name)) {
                if (m.get(n) != lun) {
                    continue;
                }
                for (NexusImpl nexus : t.nexuses) {
                    if (which.test(nexus)) {
                        nexus.unitAttention(n, sense);
                    }
                }
            }
        }
    }
}
