package org.jstgt.scsi.core;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.function.Consumer;

import org.jstgt.api.ConfigException;
import org.jstgt.api.Pids;
import org.jstgt.api.mgmt.IoStats;
import org.jstgt.api.mgmt.LunInfo;
import org.jstgt.api.mgmt.ManagementView;
import org.jstgt.api.mgmt.TargetInfo;
import org.jstgt.api.scsi.DeviceProvider;
import org.jstgt.api.store.BackingStoreProvider;
import org.jstgt.api.target.PortalGroup;
import org.jstgt.api.target.ScsiTarget;
import org.jstgt.api.target.TargetRegistry;
import org.jstgt.scsi.config.InitiatorAcl;
import org.jstgt.scsi.config.LunConfig;
import org.jstgt.scsi.config.Props;
import org.jstgt.scsi.config.TargetConfig;
import org.jstgt.scsi.events.CoreEvents;
import org.jstgt.scsi.pr.PrEngine;
import org.jstgt.scsi.pr.PrStore;
import org.jstgt.scsi.pr.StateFiles;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The LUN manager: the tables of {@code jstgt.lun} and {@code jstgt.target} configurations and the
 * entry points that change them. Plain Java; the OSGi component feeds it configurations and
 * providers. The work is shared out: {@link ProviderIndex} (providers by type), {@link TargetMaps}
 * (LUN maps, the published target snapshot, unit attention fan-out), {@link UnitLifecycle} (open,
 * replace, drain and close a unit) and {@link Listings}.
 *
 * <p>Each change updates the tables under this object's monitor and decides what must happen to
 * which LUN's unit; that work then runs after the monitor is released, under each LUN's own
 * lifecycle lock, on the caller's thread (Config Admin's or SCR's, never an event loop). So a unit
 * draining for up to the drain bound holds up neither listings nor changes to other LUNs. The
 * command path takes neither lock.
 */
public final class LunManager implements TargetRegistry, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(LunManager.class);

    /** Unit work decided under the monitor, run after it under the LUN's lifecycle lock. */
    private record Work(LunRuntime lun, Consumer<LunRuntime> action) {
    }

    private final ScheduledExecutorService timer;
    /** Opens media and writes reservation files: the core's work that may block. */
    private final ExecutorService mediaOpener;
    /** Where the LUNs' reservations are kept ({@link StateFiles}), or {@link PrStore#NONE}. */
    private final PrStore reservations;
    private volatile long holdMillis;
    private volatile long drainMillis;

    private final Map<String, LunRuntime> lunsByPid = new HashMap<>();
    private final Map<String, LunRuntime> luns = new TreeMap<>();
    /** LUN configurations refused because another file already uses the name. */
    private final Map<String, Pending> lunConflicts = new LinkedHashMap<>();
    private final Map<String, TargetRuntime> targetsByPid = new HashMap<>();
    /**
     * Target configurations that did not parse or clash. A target that ran before takes no login
     * until its file is good again (see {@link TargetRuntime}); the older rule never stays in force.
     */
    private final Map<String, Pending> targetFailures = new LinkedHashMap<>();
    /** LUNs by name and identifier for units at runtime (the LUN directory), lock-free. */
    private final Directory directory;

    private final ProviderIndex providers = new ProviderIndex();
    private final TargetMaps maps = new TargetMaps();
    private final UnitLifecycle lifecycle;

    /**
     * A manager that keeps no reservations across its own life (tests).
     *
     * @param holdMillis how long commands wait for a LUN with no unit before BUSY
     * @param drainMillis how long closing a unit waits for its running commands
     */
    public LunManager(long holdMillis, long drainMillis) {
        this(holdMillis, drainMillis, null, null);
    }

    /**
     * @param holdMillis how long commands wait for a LUN with no unit before BUSY
     * @param drainMillis how long closing a unit waits for its running commands
     * @param reservationsDir where each LUN's reservations are kept ({@link StateFiles}), or null for
     *     nowhere
     * @param launch this framework launch ({@code org.osgi.framework.uuid}), recorded with them
     */
    public LunManager(long holdMillis, long drainMillis, Path reservationsDir, String launch) {
        this.holdMillis = holdMillis;
        this.drainMillis = drainMillis;
        ScheduledThreadPoolExecutor t = new ScheduledThreadPoolExecutor(1, r -> {
            Thread th = new Thread(r, "jstgt-scsi-timer");
            th.setDaemon(true);
            return th;
        });
        t.setRemoveOnCancelPolicy(true);
        this.timer = Executors.unconfigurableScheduledExecutorService(t);
        this.mediaOpener = Executors.newCachedThreadPool(r -> {
            Thread th = new Thread(r, "jstgt-scsi-worker");
            th.setDaemon(true);
            return th;
        });
        this.reservations = reservationsDir == null ? PrStore.NONE
                : new StateFiles(reservationsDir, launch, mediaOpener);
        this.directory = new Directory(maps);
        this.lifecycle = new UnitLifecycle(providers, maps, new StoreMedia(providers::store, mediaOpener), directory,
                () -> this.drainMillis);
    }

    /** Changes the bounds at runtime. */
    public void setTimeouts(long holdMillis, long drainMillis) {
        this.holdMillis = holdMillis;
        this.drainMillis = drainMillis;
    }

    // ---------------------------------------------------------------- TargetRegistry (lock-free)

    @Override
    public List<ScsiTarget> targets() {
        return maps.targets();
    }

    @Override
    public Optional<ScsiTarget> target(String iqn) {
        return maps.target(iqn);
    }

    @Override
    public void portalGroups(List<PortalGroup> portals) {
        maps.alua.published(portals);
    }

    /** @return asymmetric logical unit access of every target (port group states) */
    public AccessStates accessStates() {
        return maps.alua;
    }

    // ---------------------------------------------------------------- LUN configurations

    /**
     * A {@code jstgt.lun} configuration was created or changed.
     *
     * @param pid the configuration PID
     * @param props its properties
     */
    public void lunUpdated(String pid, Map<String, ?> props) {
        List<Work> work = new ArrayList<>();
        synchronized (this) {
            lunUpdated(pid, props, work);
        }
        run(work);
    }

    private void lunUpdated(String pid, Map<String, ?> props, List<Work> work) {
        String name = Pids.instanceName(Pids.LUN, props);
        String origin = Pids.origin(props);
        LunRuntime mine = lunsByPid.get(pid);
        if (mine != null && !mine.name.equals(name)) {
            lunDeleted(pid, work);
            mine = null;
        }
        LunRuntime owner = luns.get(name);
        if (owner != null && owner != mine) {
            String problem = origin + ": name: LUN name '" + name + "' is already defined by " + owner.origin;
            LOG.error(problem);
            CoreEvents.configError(Pids.LUN, name, origin, "name", problem);
            lunConflicts.put(pid, new Pending(origin, name, problem, Map.copyOf(props)));
            return;
        }
        lunConflicts.remove(pid);
        LunConfig cfg = null;
        String failure = null;
        try {
            cfg = LunConfig.parse(props);
        } catch (ConfigException e) {
            failure = origin + ": " + e.getMessage();
            CoreEvents.configError(Pids.LUN, name, origin, e.key(), failure);
        }
        boolean created = mine == null;
        LunRuntime lun = mine;
        if (created) {
            lun = new LunRuntime(name, origin, Props.strings(props), timer, () -> holdMillis,
                    new PrEngine(name, reservations));
            luns.put(name, lun);
            directory.added(lun);
            lunsByPid.put(pid, lun);
        } else if (cfg != null && cfg.equals(lun.config) && lun.state() instanceof LunState.Active) {
            return;
        }
        lun.origin = origin;
        lun.raw = Props.strings(props);
        LunConfig previous = lun.config;
        LunConfig next = cfg;
        lun.config = cfg;
        directory.configured(lun, previous, next);
        lun.configProblem = failure;
        work.add(new Work(lun, l -> {
            if (lifecycle.applyOffline(l)) {
                return;
            }
            UnitHandle old = l.handle();
            if (old != null && next != null && previous != null && previous.sameStore(next)
                    && UnitLifecycle.reconfigured(l, old, next)) {
                LOG.info("LUN {}: configuration applied in place", l.name);
                return;
            }
            lifecycle.restart(l, "reconfiguring");
        }));
        if (created) {
            maps.remap(targetsByPid.values(), name, lun);
        }
    }

    /**
     * A {@code jstgt.lun} configuration was deleted: the LUN is unmapped everywhere, then its unit
     * drains and closes.
     *
     * @param pid the configuration PID
     */
    public void lunDeleted(String pid) {
        List<Work> work = new ArrayList<>();
        synchronized (this) {
            lunDeleted(pid, work);
        }
        run(work);
    }

    private void lunDeleted(String pid, List<Work> work) {
        if (lunConflicts.remove(pid) != null) {
            return;
        }
        LunRuntime lun = lunsByPid.remove(pid);
        if (lun == null) {
            return;
        }
        luns.remove(lun.name);
        directory.removed(lun);
        lun.removed = true;
        maps.remap(targetsByPid.values(), lun.name, null);
        work.add(new Work(lun, lifecycle::remove));
        // a LUN defined again under this name starts without the old one's reservations
        reservations.delete(lun.name);
        LOG.info("LUN {} removed ({})", lun.name, lun.origin);
        // a configuration refused for using this name may take it now
        for (Map.Entry<String, Pending> e : new ArrayList<>(lunConflicts.entrySet())) {
            if (e.getValue().name().equals(lun.name)) {
                lunConflicts.remove(e.getKey());
                lunUpdated(e.getKey(), e.getValue().props(), work);
                break;
            }
        }
    }

    // ---------------------------------------------------------------- target configurations

    /**
     * A {@code jstgt.target} configuration was created or changed. A bad one is reported at ERROR
     * with its file and key; when the target ran before, it refuses logins until a good one arrives
     * and its open sessions are checked against the rules (fail closed, see {@link TargetRuntime}).
     *
     * @param pid the configuration PID
     * @param props its properties
     */
    public synchronized void targetUpdated(String pid, Map<String, ?> props) {
        String origin = Pids.origin(props);
        String name = Pids.instanceName(Pids.TARGET, props);
        TargetConfig cfg;
        try {
            cfg = TargetConfig.parse(props);
        } catch (ConfigException e) {
            targetFailed(pid, name, origin, origin + ": " + e.getMessage(), props);
            return;
        }
        for (Map.Entry<String, TargetRuntime> e : targetsByPid.entrySet()) {
            if (!e.getKey().equals(pid) && e.getValue().config.iqn().equals(cfg.iqn())) {
                targetFailed(pid, name, origin, origin + ": iqn: '" + cfg.iqn() + "' is already used by "
                        + e.getValue().origin(), props);
                return;
            }
        }
        targetFailures.remove(pid);
        maps.forgetWarnings(origin);
        TargetRuntime t = targetsByPid.get(pid);
        if (t == null) {
            t = new TargetRuntime(cfg, maps);
            targetsByPid.put(pid, t);
            LOG.info("target {} ({}) added", cfg.iqn(), origin);
        } else {
            if (t.problem() != null) {
                LOG.info("target {} ({}): configuration valid again; logins accepted", cfg.iqn(), origin);
            }
            t.configure(cfg);
        }
        t.setMap(maps.resolve(cfg, luns));
        maps.publish(targetsByPid.values());
    }

    /**
     * A {@code jstgt.target} configuration was deleted. Its LUN map empties (open nexuses see no
     * LUN) and it admits no one: the fabric, told through each nexus, ends its sessions.
     *
     * @param pid the configuration PID
     */
    public synchronized void targetDeleted(String pid) {
        targetFailures.remove(pid);
        TargetRuntime t = targetsByPid.remove(pid);
        if (t != null) {
            t.setMap(LunMap.EMPTY);
            maps.publish(targetsByPid.values());
            t.removed();
            LOG.info("target {} removed", t.iqn());
            // a configuration refused for a clashing IQN may take it now
            for (Map.Entry<String, Pending> e : new ArrayList<>(targetFailures.entrySet())) {
                if (!targetsByPid.containsKey(e.getKey())) {
                    targetUpdated(e.getKey(), e.getValue().props());
                }
            }
        }
    }

    private void targetFailed(String pid, String name, String origin, String problem, Map<String, ?> props) {
        TargetRuntime running = targetsByPid.get(pid);
        targetFailures.put(pid, new Pending(origin, name, problem, Map.copyOf(props)));
        CoreEvents.configError(Pids.TARGET, name, origin, null, problem);
        if (running == null) {
            LOG.error(problem);
            return;
        }
        InitiatorAcl rule;
        try {
            rule = TargetConfig.parseInitiators(Props.strings(props));
        } catch (ConfigException e) {
            rule = null;
        }
        LOG.error("{} (target {} refuses logins until the file is fixed; {})", problem, running.iqn(), rule == null
                ? "its sessions end" : "sessions stay only where both the old and the new initiators admit");
        running.refuse(problem, rule);
    }

    // ---------------------------------------------------------------- providers

    /**
     * @param provider a device provider
     * @param props its service properties ({@link DeviceProvider#TYPE})
     */
    public void addDeviceProvider(DeviceProvider provider, Map<String, ?> props) {
        List<Work> work = new ArrayList<>();
        synchronized (this) {
            String type = providers.addDevice(provider, props);
            for (LunRuntime lun : luns.values()) {
                LunConfig c = lun.config;
                if (type != null && c != null && c.deviceType().equals(type)) {
                    work.add(new Work(lun, lifecycle::ensureStarted));
                }
            }
        }
        run(work);
    }

    /**
     * The provider leaves: LUNs on it wait (commands held), their units drain and close, and they
     * move to another provider of the type when there is one.
     *
     * @param provider the provider
     * @param props its service properties
     */
    public void removeDeviceProvider(DeviceProvider provider, Map<String, ?> props) {
        List<Work> work = new ArrayList<>();
        synchronized (this) {
            providers.removeDevice(provider);
            for (LunRuntime lun : luns.values()) {
                work.add(new Work(lun, l -> {
                    UnitHandle h = l.handle();
                    if (h != null && h.deviceProvider == provider) {
                        lifecycle.restart(l, LunConfig.DEVICE_TYPE + "=" + h.config.deviceType());
                    }
                }));
            }
        }
        run(work);
    }

    /**
     * @param provider a store provider
     * @param props its service properties ({@link BackingStoreProvider#TYPE})
     */
    public void addStoreProvider(BackingStoreProvider provider, Map<String, ?> props) {
        List<Work> work = new ArrayList<>();
        synchronized (this) {
            String type = providers.addStore(provider, props);
            for (LunRuntime lun : luns.values()) {
                LunConfig c = lun.config;
                if (type != null && c != null && c.storeType().equals(type)) {
                    work.add(new Work(lun, lifecycle::ensureStarted));
                }
            }
        }
        run(work);
    }

    /**
     * @param provider the provider
     * @param props its service properties
     */
    public void removeStoreProvider(BackingStoreProvider provider, Map<String, ?> props) {
        List<Work> work = new ArrayList<>();
        synchronized (this) {
            providers.removeStore(provider);
            for (LunRuntime lun : luns.values()) {
                work.add(new Work(lun, l -> {
                    UnitHandle h = l.handle();
                    if (h != null && h.storeProvider == provider) {
                        lifecycle.restart(l, LunConfig.STORE_TYPE + "=" + h.config.storeType());
                    }
                }));
            }
        }
        run(work);
    }

    /** Runs unit work in the order decided, each under its LUN's lifecycle lock, outside the monitor. */
    private static void run(List<Work> work) {
        for (Work w : work) {
            synchronized (w.lun().lifecycle) {
                w.action().accept(w.lun());
            }
        }
    }

    // ---------------------------------------------------------------- management

    /**
     * @return the management view of LUNs and targets (a separate object: its {@code targets()}
     *     differs from {@link TargetRegistry#targets()})
     */
    public ManagementView managementView() {
        return new CoreView(this, maps);
    }

    /** @return the LUNs for listings */
    public synchronized List<LunInfo> lunInfos() {
        return Listings.luns(luns.values(), lunConflicts.values(), targetsByPid.values());
    }

    /** @return every LUN's I/O counters by name */
    public Map<String, IoStats> lunStats() {
        List<LunRuntime> all;
        synchronized (this) {
            all = List.copyOf(luns.values());
        }
        return IoCounters.luns(all);
    }

    /** @return every target's I/O counters by configuration name */
    public Map<String, IoStats> targetStats() {
        List<TargetRuntime> all;
        synchronized (this) {
            all = List.copyOf(targetsByPid.values());
        }
        return IoCounters.targets(all);
    }

    /** @return the targets for listings, including configurations that failed */
    public synchronized List<TargetInfo> targetInfos() {
        return Listings.targets(targetsByPid, targetFailures);
    }

    /** For tests and listings: the state text of a LUN. */
    synchronized String lunState(String name) {
        LunRuntime l = luns.get(name);
        return l == null ? null : l.state().toString();
    }

    synchronized LunRuntime lun(String name) {
        return luns.get(name);
    }

    /** @return the directory units get (tests) */
    Directory directory() {
        return directory;
    }

    /** Closes every unit (draining first) and stops the timer and the media threads. */
    @Override
    public void close() {
        List<Work> work = new ArrayList<>();
        synchronized (this) {
            for (TargetRuntime t : targetsByPid.values()) {
                t.setMap(LunMap.EMPTY);
            }
            targetsByPid.clear();
            maps.publish(List.of());
            for (LunRuntime lun : luns.values()) {
                lun.removed = true;
                work.add(new Work(lun, lifecycle::remove));
            }
            luns.clear();
            lunsByPid.clear();
            directory.clear();
        }
        run(work);
        if (reservations instanceof StateFiles files) {
            // an update of this bundle restores what is on disk: let the last writes finish
            files.flush(5_000);
        }
        timer.shutdownNow();
        mediaOpener.shutdownNow();
    }
}
