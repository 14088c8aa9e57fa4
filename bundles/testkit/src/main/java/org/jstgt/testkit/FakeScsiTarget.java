package org.jstgt.testkit;

import java.net.InetAddress;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BiPredicate;

import org.jstgt.api.target.ScsiTarget;
import org.jstgt.api.target.TargetRegistry;

/**
 * A configured target for tests of a fabric: name, alias, portals, properties and an initiator
 * access rule that the test sets, and a {@link FakeNexus} disk for each nexus opened. The one fake
 * {@link ScsiTarget}; {@link #registry(FakeScsiTarget...)} puts a few of them behind a
 * {@link TargetRegistry}.
 *
 * <pre>{@code
 * FakeScsiTarget t = new FakeScsiTarget("iqn.2026-11.org.jstgt:disk").blocks(1024).alias("Disk One");
 * t.properties().put("max.outstanding.r2t", "4");
 * ... log in through the fabric ...
 * assertArrayEquals(expected, Arrays.copyOf(t.lastNexus().bytes(), 512));
 * }</pre>
 *
 * The setters change the target in place and return it; a change applies to later logins, and a
 * change of who is admitted is told to the open nexuses' access listeners, as the core does.
 */
public final class FakeScsiTarget implements ScsiTarget {
    /** Disk size of each nexus unless {@link #blocks(int)} says otherwise. */
    public static final int DEFAULT_BLOCKS = 64;

    private final String iqn;
    private volatile String alias = "";
    private volatile List<String> portals = List.of();
    private final Map<String, String> properties = new ConcurrentHashMap<>();
    private volatile BiPredicate<String, InetAddress> admits;
    private volatile boolean available = true;
    private volatile int blocks = DEFAULT_BLOCKS;
    private final List<FakeNexus> nexuses = new CopyOnWriteArrayList<>();

    /**
     * A target that allows every initiator on every portal.
     *
     * @param iqn the target node name; its part after the last ':' is the configuration name
     */
    public FakeScsiTarget(String iqn) {
        this.iqn = iqn;
    }

    /**
     * Puts targets behind a registry that finds them by node name, case-insensitively.
     *
     * @param targets the targets, in listing order
     * @return the registry
     */
    public static TargetRegistry registry(FakeScsiTarget... targets) {
        List<ScsiTarget> all = List.of(targets);
        return new TargetRegistry() {
            @Override
            public List<ScsiTarget> targets() {
                return all;
            }

            @Override
            public Optional<ScsiTarget> target(String name) {
                return all.stream().filter(t -> t.iqn().equalsIgnoreCase(name)).findFirst();
            }
        };
    }

    /**
     * @param text the alias, or an empty string for none
     * @return this
     */
    public FakeScsiTarget alias(String text) {
        this.alias = text;
        return this;
    }

    /**
     * @param names the portal names the target is offered on; empty for every portal
     * @return this
     */
    public FakeScsiTarget portals(List<String> names) {
        this.portals = List.copyOf(names);
        return this;
    }

    /**
     * @param initiatorNames the only initiators allowed from now on
     * @return this
     */
    public FakeScsiTarget allowOnly(Set<String> initiatorNames) {
        Set<String> names = Set.copyOf(initiatorNames);
        return allowWhen((name, address) -> names.contains(name));
    }

    /**
     * @param rule from now on, who is allowed by InitiatorName and peer address (as the core's
     *     {@code initiators} rule decides)
     * @return this
     */
    public FakeScsiTarget allowWhen(BiPredicate<String, InetAddress> rule) {
        this.admits = rule;
        accessChanged();
        return this;
    }

    /** @return this, allowing every initiator again */
    public FakeScsiTarget allowAll() {
        this.admits = null;
        accessChanged();
        return this;
    }

    /**
     * @param on false to refuse every login as a target with an invalid configuration does
     *     ({@link ScsiTarget#available()}); open sessions stay while the allow-list admits them
     * @return this
     */
    public FakeScsiTarget available(boolean on) {
        this.available = on;
        accessChanged();
        return this;
    }

    /** Tells the open nexuses that the access rules changed, as the core does. */
    private void accessChanged() {
        for (FakeNexus n : nexuses) {
            n.accessChanged();
        }
    }

    /**
     * @param count disk size, in 512-byte blocks, of the nexuses opened from now on
     * @return this
     */
    public FakeScsiTarget blocks(int count) {
        this.blocks = count;
        return this;
    }

    /** @return the nexuses opened so far, in order (live) */
    public List<FakeNexus> nexuses() {
        return nexuses;
    }

    /** @return the nexus opened last */
    public FakeNexus lastNexus() {
        if (nexuses.isEmpty()) {
            throw new AssertionError("no nexus opened on " + iqn);
        }
        return nexuses.get(nexuses.size() - 1);
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

    /** @return the target's properties, which the test may change (live) */
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
        BiPredicate<String, InetAddress> rule = admits;
        return rule == null || rule.test(initiatorName, address);
    }

    @Override
    public boolean available() {
        return available;
    }

    @Override
    public FakeNexus openNexus(String initiatorName, String initiatorPortName, String targetPortName,
            int relativeTargetPortId) {
        FakeNexus n = new FakeNexus(blocks);
        nexuses.add(n);
        return n;
    }
}
