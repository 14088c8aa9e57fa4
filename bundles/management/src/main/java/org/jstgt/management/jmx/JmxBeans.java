package org.jstgt.management.jmx;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.MalformedObjectNameException;
import javax.management.ObjectName;

import org.jstgt.management.Entity;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps one {@link IoStatsMXBean} per LUN, target and session registered in an MBean server,
 * under {@code org.jstgt:type=Lun,name=disk0}, {@code org.jstgt:type=Target,name=demo} and
 * {@code org.jstgt:type=Session,name=<TSIH>}: {@link #sync} registers new entities and
 * unregisters gone ones.
 */
public final class JmxBeans implements AutoCloseable {
    /** The JMX domain of jstgt's MBeans. */
    public static final String DOMAIN = "org.jstgt";
    private static final Logger LOG = LoggerFactory.getLogger(JmxBeans.class);

    private final MBeanServer server;
    private final Map<String, ObjectName> registered = new HashMap<>();
    /** Entities whose name something else holds: warned once, not retried every poll. */
    private final java.util.Set<String> refused = new java.util.HashSet<>();
    private volatile Map<String, Entity> current = Map.of();

    /** @param server where the MBeans go (the platform MBean server, which Karaf's JMX connector serves) */
    public JmxBeans(MBeanServer server) {
        this.server = server;
    }

    /**
     * @param entity an entity
     * @return its ObjectName (the name quoted when it holds characters ObjectName reserves)
     */
    public static ObjectName objectName(Entity entity) {
        String name = entity.name();
        if (!name.matches("[A-Za-z0-9._@#%+~-]+")) {
            name = ObjectName.quote(name);
        }
        try {
            return new ObjectName(DOMAIN + ":type=" + entity.kind().jmxType() + ",name=" + name);
        } catch (MalformedObjectNameException e) {
            throw new IllegalArgumentException("no JMX name for " + entity.id(), e);
        }
    }

    /**
     * Makes the registered MBeans match the entities.
     *
     * @param entities the entities now
     */
    public synchronized void sync(List<Entity> entities) {
        Map<String, Entity> now = new HashMap<>();
        for (Entity e : entities) {
            now.put(e.id(), e);
        }
        current = now;
        refused.retainAll(now.keySet());
        for (var it = registered.entrySet().iterator(); it.hasNext();) {
            var r = it.next();
            if (!now.containsKey(r.getKey())) {
                unregister(r.getValue());
                it.remove();
            }
        }
        for (Entity e : entities) {
            if (!registered.containsKey(e.id()) && !refused.contains(e.id())) {
                String id = e.id();
                ObjectName name = objectName(e);
                try {
                    server.registerMBean(new IoStatsBean(() -> current.getOrDefault(id, e)), name);
                    registered.put(id, name);
                } catch (JMException e1) {
                    refused.add(id);
                    LOG.warn("cannot register MBean {} (its attributes stay unavailable until the {} is"
                            + " recreated)", name, e.kind().metricPrefix(), e1);
                }
            }
        }
    }

    /** Unregisters every MBean this registered. */
    @Override
    public synchronized void close() {
        registered.values().forEach(this::unregister);
        registered.clear();
    }

    private void unregister(ObjectName name) {
        try {
            server.unregisterMBean(name);
        } catch (JMException e) {
            LOG.debug("MBean {} was already gone", name, e);
        }
    }
}
