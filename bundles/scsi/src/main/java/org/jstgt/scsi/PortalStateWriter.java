package org.jstgt.scsi;

import java.io.IOException;
import java.util.Dictionary;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;

import org.jstgt.api.Pids;
import org.jstgt.api.target.AccessState;
import org.jstgt.scsi.alua.StateStore;
import org.jstgt.scsi.config.Props;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Persists a state set by SET TARGET PORT GROUPS as the {@code alua.state} key of each portal
 * configuration of the group, through Config Admin: FileInstall writes it back to
 * {@code etc/jstgt.portal-<name>.cfg}, the fabric applies it in place (sessions stay) and publishes
 * it back, and it survives a restart. Config Admin is not called on the command's thread but on
 * one of this writer's own. When writing fails the state still holds, until the portal
 * configuration changes or the core restarts.
 */
final class PortalStateWriter implements StateStore, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(PortalStateWriter.class);

    private final ConfigurationAdmin configAdmin;
    private final ExecutorService thread = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "jstgt-alua-state-writer");
        t.setDaemon(true);
        return t;
    });

    PortalStateWriter(ConfigurationAdmin configAdmin) {
        this.configAdmin = configAdmin;
    }

    @Override
    public void save(int tag, AccessState state, List<String> portals) {
        try {
            thread.execute(() -> write(tag, state, portals));
        } catch (RejectedExecutionException e) {
            LOG.warn("target port group {}: {} not written to the portal configurations (the core is stopping)", tag,
                    state.configName());
        }
    }

    private void write(int tag, AccessState state, List<String> portals) {
        Configuration[] found;
        try {
            found = configAdmin.listConfigurations("(" + ConfigurationAdmin.SERVICE_FACTORYPID + "=" + Pids.PORTAL
                    + ")");
        } catch (IOException | InvalidSyntaxException | IllegalStateException e) {
            LOG.warn("target port group {}: {} not written to the portal configurations: {}", tag, state.configName(),
                    e.toString());
            return;
        }
        for (Configuration c : found == null ? new Configuration[0] : found) {
            Dictionary<String, Object> p = c.getProperties();
            if (p == null || !portals.contains(Pids.instanceName(Pids.PORTAL, Props.map(p)))) {
                continue;
            }
            Object now = p.get(AccessState.PORTAL_KEY);
            if (AccessState.parse(now == null ? null : now.toString()).orElse(null) == state) {
                continue;
            }
            String origin = Pids.origin(Props.map(p));
            p.put(AccessState.PORTAL_KEY, state.configName());
            try {
                c.update(p);
                LOG.info("{}: {} = {} (SET TARGET PORT GROUPS)", origin, AccessState.PORTAL_KEY, state.configName());
            } catch (IOException | IllegalStateException e) {
                LOG.warn("{}: {} = {} not written: {}; the state holds until the portal configuration changes",
                        origin, AccessState.PORTAL_KEY, state.configName(), e.toString());
            }
        }
    }

    /** @return true when this writer writes to that Config Admin */
    boolean writesTo(ConfigurationAdmin admin) {
        return configAdmin == admin;
    }

    @Override
    public void close() {
        thread.shutdown();
    }
}
