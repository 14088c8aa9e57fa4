package org.jstgt.scsi.core;

import java.net.InetAddress;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.jstgt.api.mgmt.IoMeter;
import org.jstgt.api.scsi.SenseReason;
import org.jstgt.api.target.Nexus;
import org.jstgt.api.target.ScsiTarget;
import org.jstgt.scsi.config.InitiatorAcl;
import org.jstgt.scsi.config.TargetConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A configured target as fabrics see it. The object lives as long as its configuration; a changed
 * configuration swaps {@link #config} and {@link #map} in place so open nexuses continue.
 *
 * <p>Access fails closed: the {@code initiators} rule ({@link InitiatorAcl}) admits only whom
 * its first matching entry admits. While the file is invalid ({@link #refuse}) the target takes no
 * login, and open sessions stay only when both the last good rule and the one read from the invalid
 * file admit them (no rule could be read: none stays); once removed it admits no one. Each change
 * of these rules is told to every open nexus ({@link Nexus#onAccessChange}), and the fabric ends
 * the sessions no longer admitted.
 */
final class TargetRuntime implements ScsiTarget {
    private static final Logger LOG = LoggerFactory.getLogger(TargetRuntime.class);

    /** The rules in force besides the last good configuration's. */
    private record Access(String problem, InitiatorAcl fromInvalidFile, boolean removed) {
        static final Access GOOD = new Access(null, null, false);
    }

    private static final int[] NONE = new int[0];
    volatile TargetConfig config;
    private volatile Access access = Access.GOOD;
    volatile LunMap map = LunMap.EMPTY;
    final Set<NexusImpl> nexuses = ConcurrentHashMap.newKeySet();
    /** I/O counters of the commands that came through the target, to any LUN number. */
    final IoMeter meter = new IoMeter();
    final TargetMaps maps;

    /** LUN name -> the numbers {@link #config} maps it at, to update one LUN without a walk. */
    private volatile Map<String, int[]> numbersByName;

    TargetRuntime(TargetConfig config, TargetMaps maps) {
        this.config = config;
        this.numbersByName = index(config);
        this.maps = maps;
    }

    private static Map<String, int[]> index(TargetConfig c) {
        Map<String, int[]> m = new HashMap<>();
        c.luns().forEach((n, name) -> {
            int[] old = m.get(name);
            int[] next = old == null ? new int[1] : Arrays.copyOf(old, old.length + 1);
            next[next.length - 1] = n;
            m.put(name, next);
        });
        return m;
    }

    /** @return the LUN numbers the configuration maps the LUN name at; empty when none */
    int[] numbersOf(String lunName) {
        int[] n = numbersByName.get(lunName);
        return n == null ? NONE : n;
    }

    @Override
    public String name() {
        return config.name();
    }

    @Override
    public String iqn() {
        return config.iqn();
    }

    @Override
    public String alias() {
        return config.alias();
    }

    @Override
    public List<String> portals() {
        return config.portals();
    }

    @Override
    public Map<String, String> properties() {
        return config.properties();
    }

    @Override
    public String origin() {
        return config.origin();
    }

    @Override
    public boolean allows(String initiatorName, InetAddress address) {
        Access a = access;
        if (a.removed() || !config.initiators().admits(initiatorName, address)) {
            return false;
        }
        return a.problem() == null
                || a.fromInvalidFile() != null && a.fromInvalidFile().admits(initiatorName, address);
    }

    @Override
    public boolean available() {
        Access a = access;
        return a.problem() == null && !a.removed();
    }

    /** @return why logins are refused (the file's problem, naming file and key), or null */
    String problem() {
        return access.problem();
    }

    /** A good configuration is in force (it may be the first): the rules are its own. */
    void configure(TargetConfig next) {
        config = next;
        numbersByName = index(next);
        access = Access.GOOD;
        accessChanged();
    }

    /**
     * The file became invalid: no new login until a good one arrives.
     *
     * @param problem what is wrong, naming file and key
     * @param fromInvalidFile the {@code initiators} rule of the invalid file, or null when it has
     *     none that can be read (then no session stays)
     */
    void refuse(String problem, InitiatorAcl fromInvalidFile) {
        access = new Access(problem, fromInvalidFile, false);
        accessChanged();
    }

    /** The configuration was deleted: nobody is admitted any more. */
    void removed() {
        access = new Access(null, null, true);
        accessChanged();
    }

    /** Tells every open nexus that the rules changed (the fabric checks its sessions again). */
    private void accessChanged() {
        for (NexusImpl n : nexuses) {
            try {
                n.accessChanged();
            } catch (RuntimeException e) {
                LOG.warn("target {}: a fabric's access listener failed", config.iqn(), e);
            }
        }
    }

    @Override
    public Nexus openNexus(String initiatorName, String initiatorPortName, String targetPortName,
            int relativeTargetPortId) {
        NexusImpl n = new NexusImpl(this, initiatorName, initiatorPortName, targetPortName, relativeTargetPortId);
        // SAM-5 §5.14: a new I_T nexus starts with POWER ON, RESET, OR BUS DEVICE RESET OCCURRED
        for (int lun : map.numbers()) {
            n.unitAttention(lun, SenseReason.POWER_ON_RESET_OR_BUS_DEVICE_RESET.sense());
        }
        nexuses.add(n);
        return n;
    }

    /**
     * Installs a new LUN map; when it differs, every nexus gets REPORTED LUNS DATA HAS CHANGED on
     * each mapped LUN and on LUN 0 (SPC-4 §6.33, SAM-5 §5.14).
     */
    void setMap(LunMap next) {
        LunMap previous = map;
        map = next;
        if (previous.sameAs(next)) {
            return;
        }
        for (NexusImpl n : nexuses) {
            n.mapChanged(next);
        }
    }

    void remove(NexusImpl n) {
        nexuses.remove(n);
    }

    @Override
    public String toString() {
        return config.iqn();
    }
}
