package org.jstgt.scsi.core;

import java.net.InetAddress;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.jstgt.api.scsi.SenseReason;
import org.jstgt.api.target.Nexus;
import org.jstgt.api.target.ScsiTarget;
import org.jstgt.scsi.config.InitiatorPattern;
import org.jstgt.scsi.config.TargetConfig;

/**
 * A configured target as fabrics see it. The object lives as long as its configuration; a changed
 * configuration swaps {@link #config} and {@link #map} in place so open nexuses continue.
 */
final class TargetRuntime implements ScsiTarget {
    volatile TargetConfig config;
    volatile LunMap map = LunMap.EMPTY;
    final Set<NexusImpl> nexuses = ConcurrentHashMap.newKeySet();
    final TargetMaps maps;

    TargetRuntime(TargetConfig config, TargetMaps maps) {
        this.config = config;
        this.maps = maps;
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
        List<InitiatorPattern> acl = config.initiators();
        if (acl.isEmpty()) {
            return true;
        }
        for (InitiatorPattern p : acl) {
            if (p.matches(initiatorName, address)) {
                return true;
            }
        }
        return false;
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
