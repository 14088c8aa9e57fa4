package org.jstgt.iscsi;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import org.jstgt.api.target.Nexus;
import org.jstgt.api.target.ScsiTarget;
import org.jstgt.api.target.TargetRegistry;

/** A configured target for tests, with an initiator allow-list. */
final class FakeTarget implements ScsiTarget {
    final String iqn;
    String alias = "";
    List<String> portals = List.of();
    final Map<String, String> properties = new HashMap<>();
    Set<String> allowed;
    final List<FakeDisk> nexuses = new ArrayList<>();
    int blocks = 64;

    FakeTarget(String iqn) {
        this.iqn = iqn;
    }

    @Override
    public String name() {
        return iqn.substring(iqn.lastIndexOf(':') + 1);
    }

    @Override
    public String iqn() {
        return iqn;
    }

    @Override
    public String alias() {
        return alias;
    }

    @Override
    public List<String> portals() {
        return portals;
    }

    @Override
    public Map<String, String> properties() {
        return properties;
    }

    @Override
    public String origin() {
        return "etc/jstgt.target-" + name() + ".cfg";
    }

    @Override
    public boolean allows(String initiatorName, InetAddress address) {
        return allowed == null || allowed.contains(initiatorName);
    }

    @Override
    public Nexus openNexus(String initiatorName, String initiatorPortName, String targetPortName,
            int relativeTargetPortId) {
        FakeDisk d = new FakeDisk(blocks);
        nexuses.add(d);
        return d;
    }

    /** A registry over fixed targets. */
    static TargetRegistry registry(FakeTarget... targets) {
        return new TargetRegistry() {
            @Override
            public List<ScsiTarget> targets() {
                return List.of(targets);
            }

            @Override
            public Optional<ScsiTarget> target(String iqn) {
                for (FakeTarget t : targets) {
                    if (t.iqn.equalsIgnoreCase(iqn)) {
                        return Optional.of(t);
                    }
                }
                return Optional.empty();
            }
        };
    }
}
