package org.jstgt.scsi;

import java.io.File;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

import org.jstgt.api.Pids;
import org.jstgt.api.mgmt.ManagementView;
import org.jstgt.api.scsi.DeviceProvider;
import org.jstgt.api.store.BackingStoreProvider;
import org.jstgt.api.target.PortalGroup;
import org.jstgt.api.target.ScsiTarget;
import org.jstgt.api.target.TargetRegistry;
import org.jstgt.scsi.config.Props;
import org.jstgt.scsi.core.LunManager;
import org.osgi.annotation.bundle.Capability;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.cm.ManagedServiceFactory;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/**
 * The SCSI core as an OSGi component: registers the {@link TargetRegistry}, a
 * {@link ManagementView} and one {@link ManagedServiceFactory} per factory PID
 * ({@code jstgt.lun}, {@code jstgt.target}); tracks device and store providers. All logic lives in
 * {@link LunManager}.
 *
 * <p>Factory configurations go to ManagedServiceFactory services rather than DS factory
 * components: the manager must see every LUN and target together to pair and map them.
 */
@Capability(namespace = "osgi.service", attribute = "objectClass:List<String>=\"org.jstgt.api.mgmt.ManagementView\"",
        uses = ManagementView.class)
@Component(service = TargetRegistry.class, immediate = true, configurationPid = ScsiCoreComponent.PID)
@Designate(ocd = ScsiCoreComponent.Config.class)
public final class ScsiCoreComponent implements TargetRegistry {
    /** Optional configuration of the core itself: {@code etc/jstgt.scsi.cfg}. */
    public static final String PID = "jstgt.scsi";

    @ObjectClassDefinition(name = "jstgt SCSI core", description = "Bounds of the LUN manager")
    public @interface Config {
        @AttributeDefinition(name = "Hold timeout (ms)", min = "0", max = "600000",
                description = "How long commands for a LUN whose device or store provider is away wait for it "
                        + "before they complete with BUSY")
        long hold_timeout_ms() default 15_000;

        @AttributeDefinition(name = "Drain timeout (ms)", min = "0", max = "600000",
                description = "How long closing a LUN waits for its running commands before closing anyway")
        long drain_timeout_ms() default 30_000;
    }

    private final LunManager manager;
    private final ServiceRegistration<ManagedServiceFactory> lunFactory;
    private final ServiceRegistration<ManagedServiceFactory> targetFactory;
    private final ServiceRegistration<ManagementView> view;
    /** Persists states set by SET TARGET PORT GROUPS while Config Admin is there. */
    private PortalStateWriter stateWriter;

    @Activate
    public ScsiCoreComponent(BundleContext context, Config config) {
        manager = new LunManager(bounded(config.hold_timeout_ms()), bounded(config.drain_timeout_ms()),
                reservationsDirectory(context), context.getProperty(Constants.FRAMEWORK_UUID));
        view = context.registerService(ManagementView.class, manager.managementView(), null);
        lunFactory = context.registerService(ManagedServiceFactory.class,
                new Factory("jstgt LUNs", manager::lunUpdated, manager::lunDeleted), pid(Pids.LUN));
        targetFactory = context.registerService(ManagedServiceFactory.class,
                new Factory("jstgt targets", manager::targetUpdated, manager::targetDeleted), pid(Pids.TARGET));
    }

    /**
     * Where each LUN's reservations are saved: {@code ${karaf.data}/jstgt/pr} under Karaf, beside the
     * LUN images the shipped configuration keeps in {@code ${karaf.data}/luns}, so that they outlive
     * an uninstall and reinstall of the core bundle (its data area would not); elsewhere the bundle's
     * data area, which an update keeps.
     */
    static java.nio.file.Path reservationsDirectory(BundleContext context) {
        String karafData = context.getProperty("karaf.data");
        if (karafData != null && !karafData.isBlank()) {
            return java.nio.file.Path.of(karafData, "jstgt", "pr");
        }
        File area = context.getDataFile("pr");
        return area == null ? null : area.toPath();
    }

    @Modified
    void modified(Config config) {
        manager.setTimeouts(bounded(config.hold_timeout_ms()), bounded(config.drain_timeout_ms()));
    }

    @Deactivate
    void deactivate() {
        setStateWriter(null);
        unregister(lunFactory);
        unregister(targetFactory);
        unregister(view);
        manager.close();
    }

    @Reference(service = DeviceProvider.class, cardinality = ReferenceCardinality.MULTIPLE,
            policy = ReferencePolicy.DYNAMIC)
    void addDeviceProvider(DeviceProvider provider, Map<String, Object> props) {
        manager.addDeviceProvider(provider, props);
    }

    void removeDeviceProvider(DeviceProvider provider, Map<String, Object> props) {
        manager.removeDeviceProvider(provider, props);
    }

    @Reference(service = BackingStoreProvider.class, cardinality = ReferenceCardinality.MULTIPLE,
            policy = ReferencePolicy.DYNAMIC)
    void addStoreProvider(BackingStoreProvider provider, Map<String, Object> props) {
        manager.addStoreProvider(provider, props);
    }

    void removeStoreProvider(BackingStoreProvider provider, Map<String, Object> props) {
        manager.removeStoreProvider(provider, props);
    }

    /** Config Admin, where states set by SET TARGET PORT GROUPS are written (portal {@code alua.state}). */
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    void setConfigurationAdmin(ConfigurationAdmin configAdmin) {
        setStateWriter(new PortalStateWriter(configAdmin));
    }

    void unsetConfigurationAdmin(ConfigurationAdmin configAdmin) {
        synchronized (this) {
            if (stateWriter == null || !stateWriter.writesTo(configAdmin)) {
                return; // a replacement is bound already
            }
        }
        setStateWriter(null);
    }

    private synchronized void setStateWriter(PortalStateWriter next) {
        if (stateWriter != null) {
            stateWriter.close();
        }
        stateWriter = next;
        manager.accessStates().persistWith(next);
    }

    @Override
    public List<ScsiTarget> targets() {
        return manager.targets();
    }

    @Override
    public void portalGroups(List<PortalGroup> portals) {
        manager.portalGroups(portals);
    }

    @Override
    public Optional<ScsiTarget> target(String iqn) {
        return manager.target(iqn);
    }

    private static long bounded(long millis) {
        return Math.max(0, Math.min(millis, 600_000));
    }

    private static Dictionary<String, Object> pid(String pid) {
        Hashtable<String, Object> d = new Hashtable<>();
        d.put(Constants.SERVICE_PID, pid);
        return d;
    }

    private static void unregister(ServiceRegistration<?> r) {
        try {
            r.unregister();
        } catch (IllegalStateException e) {
            // already gone with the bundle
        }
    }

    /** Hands one factory PID's configurations to the manager, on Config Admin's thread. */
    private static final class Factory implements ManagedServiceFactory {
        private final String name;
        private final BiConsumer<String, Map<String, ?>> updated;
        private final Consumer<String> deleted;

        Factory(String name, BiConsumer<String, Map<String, ?>> updated, Consumer<String> deleted) {
            this.name = name;
            this.updated = updated;
            this.deleted = deleted;
        }

        @Override
        public String getName() {
            return name;
        }

        @Override
        public void updated(String pid, Dictionary<String, ?> properties) {
            updated.accept(pid, Props.map(properties));
        }

        @Override
        public void deleted(String pid) {
            deleted.accept(pid);
        }
    }
}
