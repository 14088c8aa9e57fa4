package org.jstgt.scsi.core;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.jstgt.api.ConfigException;
import org.jstgt.api.Pids;
import org.jstgt.api.mgmt.LunInfo;
import org.jstgt.api.mgmt.ManagementView;
import org.jstgt.api.mgmt.TargetInfo;
import org.jstgt.api.scsi.DeviceProvider;
import org.jstgt.api.scsi.LogicalUnit;
import org.jstgt.api.scsi.LunDirectory;
import org.jstgt.api.scsi.Sense;
import org.jstgt.api.scsi.SenseReason;
import org.jstgt.api.store.BackingStore;
import org.jstgt.api.store.BackingStoreProvider;
import org.jstgt.api.target.ScsiTarget;
import org.jstgt.api.target.TargetRegistry;
import org.jstgt.scsi.config.InitiatorPattern;
import org.jstgt.scsi.config.LunConfig;
import org.jstgt.scsi.config.Props;
import org.jstgt.scsi.config.TargetConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The LUN manager: pairs {@code jstgt.lun} definitions with device and store providers, keeps
 * {@code jstgt.target} LUN maps, and publishes an immutable snapshot of targets for lock-free
 * lookups. Plain Java; the OSGi component feeds it configurations and providers.
 *
 * <p>Every change (configuration, provider arrival or departure) runs serialized under this
 * object's monitor on the caller's thread (Config Admin's or SCR's, never an event loop); the
 * command path never takes it.
 */
public final class LunManager implements TargetRegistry, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(LunManager.class);

    private record Snapshot(List<ScsiTarget> sorted, Map<String, TargetRuntime> byIqn) {
    }

    private record Pending(String origin, String name, String problem, Map<String, ?> props) {
    }

    private final ScheduledExecutorService timer;
    private volatile long holdMillis;
    private volatile long drainMillis;

    private final Map<String, LunRuntime> lunsByPid = new HashMap<>();
    private final Map<String, LunRuntime> luns = new TreeMap<>();
    /** LUN configurations refused because another file already uses the name. */
    private final Map<String, Pending> lunConflicts = new LinkedHashMap<>();
    private final Map<String, TargetRuntime> targetsByPid = new HashMap<>();
    /** Target configurations that did not parse or clash; the previous good one (if any) runs on. */
    private final Map<String, Pending> targetFailures = new LinkedHashMap<>();
    private final Map<String, List<DeviceProvider>> devices = new HashMap<>();
    private final Map<String, List<BackingStoreProvider>> stores = new HashMap<>();
    private final Set<String> warnedUnknownLuns = new HashSet<>();

    private volatile Snapshot snapshot = new Snapshot(List.of(), Map.of());
    /** Lock-free views for units at runtime: the first store provider per type, LUNs by name. */
    private volatile Map<String, BackingStoreProvider> storeView = Map.of();
    private volatile Map<String, LunRuntime> lunView = Map.of();
    private final ExecutorService mediaOpener;
    private final StoreMedia media;
    private final LunDirectory directory = name -> {
        LunRuntime l = lunView.get(name);
        UnitHandle h = l == null ? null : l.handle();
        return h == null ? Optional.empty() : Optional.of(h.unit);
    };

    /**
     * @param holdMillis how long commands wait for a LUN with no unit before BUSY
     * @param drainMillis how long closing a unit waits for its running commands
     */
    public LunManager(long holdMillis, long drainMillis) {
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
            Thread th = new Thread(r, "jstgt-scsi-media");
            th.setDaemon(true);
            return th;
        });
        this.media = new StoreMedia(type -> storeView.get(type), mediaOpener);
    }

    /** Changes the bounds at runtime. */
    public void setTimeouts(long holdMillis, long drainMillis) {
        this.holdMillis = holdMillis;
        this.drainMillis = drainMillis;
    }

    // ---------------------------------------------------------------- TargetRegistry (lock-free)

    @Override
    public List<ScsiTarget> targets() {
        return snapshot.sorted();
    }

    @Override
    public Optional<ScsiTarget> target(String iqn) {
        return iqn == null ? Optional.empty() : Optional.ofNullable(snapshot.byIqn().get(iqn.toLowerCase(Locale.ROOT)));
    }

    // ---------------------------------------------------------------- LUN configurations

    /**
     * A {@code jstgt.lun} configuration was created or changed.
     *
     * @param pid the configuration PID
     * @param props its properties
     */
    public synchronized void lunUpdated(String pid, Map<String, ?> props) {
        String name = Pids.instanceName(Pids.LUN, props);
        String origin = Pids.origin(props);
        LunRuntime mine = lunsByPid.get(pid);
        if (mine != null && !mine.name.equals(name)) {
            lunDeleted(pid);
            mine = null;
        }
        LunRuntime owner = luns.get(name);
        if (owner != null && owner != mine) {
            String problem = origin + ": name: LUN name '" + name + "' is already defined by " + owner.origin;
            LOG.error(problem);
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
        }
        boolean created = mine == null;
        LunRuntime lun = mine;
        if (created) {
            lun = new LunRuntime(name, origin, Props.strings(props), timer, () -> holdMillis);
            luns.put(name, lun);
            lunView = Map.copyOf(luns);
            lunsByPid.put(pid, lun);
        } else if (cfg != null && cfg.equals(lun.config) && lun.state() instanceof LunState.Active) {
            return;
        }
        lun.origin = origin;
        lun.raw = Props.strings(props);
        UnitHandle old = lun.handle();
        if (old != null && cfg != null && lun.config != null && lun.config.sameStore(cfg) && reconfigured(lun, old, cfg)) {
            lun.config = cfg;
            LOG.info("LUN {}: configuration applied in place", lun.name);
            return;
        }
        long oldCapacity = old == null ? -1 : old.capacity();
        if (old != null) {
            stop(lun, new LunState.Waiting("reconfiguring"));
        }
        lun.config = cfg;
        if (cfg == null) {
            fail(lun, failure, null);
        } else {
            start(lun, oldCapacity);
        }
        if (created) {
            remap();
        }
    }

    /** Offers the unit the new definition (DESIGN: apply in place where it can). */
    private static boolean reconfigured(LunRuntime lun, UnitHandle h, LunConfig next) {
        try {
            return h.unit.reconfigure(next.lunSpec());
        } catch (RuntimeException e) {
            LOG.warn("LUN {}: the {} unit failed to apply a change; reopening it", lun.name, next.deviceType(), e);
            return false;
        }
    }

    /**
     * A {@code jstgt.lun} configuration was deleted: the LUN is unmapped everywhere, then its unit
     * drains and closes.
     *
     * @param pid the configuration PID
     */
    public synchronized void lunDeleted(String pid) {
        if (lunConflicts.remove(pid) != null) {
            return;
        }
        LunRuntime lun = lunsByPid.remove(pid);
        if (lun == null) {
            return;
        }
        luns.remove(lun.name);
        lunView = Map.copyOf(luns);
        UnitHandle h = lun.handle();
        lun.setState(new LunState.Removed());
        remap();
        if (h != null) {
            closeHandle(lun, h);
        }
        LOG.info("LUN {} removed ({})", lun.name, lun.origin);
        // a configuration refused for using this name may take it now
        for (Map.Entry<String, Pending> e : new ArrayList<>(lunConflicts.entrySet())) {
            if (e.getValue().name().equals(lun.name)) {
                lunConflicts.remove(e.getKey());
                lunUpdated(e.getKey(), e.getValue().props());
                break;
            }
        }
    }

    // ---------------------------------------------------------------- target configurations

    /**
     * A {@code jstgt.target} configuration was created or changed. A bad one is reported and, when
     * a previous good configuration exists, that one keeps serving.
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
        warnedUnknownLuns.removeIf(k -> k.startsWith(origin + "|"));
        TargetRuntime t = targetsByPid.get(pid);
        if (t == null) {
            t = new TargetRuntime(cfg, this);
            targetsByPid.put(pid, t);
            LOG.info("target {} ({}) added", cfg.iqn(), origin);
        } else {
            t.config = cfg;
        }
        t.setMap(resolve(cfg));
        publish();
    }

    /**
     * A {@code jstgt.target} configuration was deleted. Its LUN map empties (open nexuses see no
     * LUN); the fabric ends its sessions.
     *
     * @param pid the configuration PID
     */
    public synchronized void targetDeleted(String pid) {
        targetFailures.remove(pid);
        TargetRuntime t = targetsByPid.remove(pid);
        if (t != null) {
            t.setMap(LunMap.EMPTY);
            publish();
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
        LOG.error(running == null ? problem : problem + " (the previous configuration of this target stays in use)");
        targetFailures.put(pid, new Pending(origin, name, problem, Map.copyOf(props)));
    }

    // ---------------------------------------------------------------- providers

    /**
     * @param provider a device provider
     * @param props its service properties ({@link DeviceProvider#TYPE})
     */
    public synchronized void addDeviceProvider(DeviceProvider provider, Map<String, ?> props) {
        String type = type(props.get(DeviceProvider.TYPE), DeviceProvider.TYPE, provider);
        if (type == null) {
            return;
        }
        devices.computeIfAbsent(type, k -> new ArrayList<>()).add(provider);
        for (LunRuntime lun : luns.values()) {
            LunConfig c = lun.config;
            if (c != null && c.deviceType().equals(type) && !(lun.state() instanceof LunState.Active)) {
                start(lun);
            }
        }
    }

    /**
     * The provider leaves: LUNs on it wait (commands held), their units drain and close, and they
     * move to another provider of the type when there is one.
     *
     * @param provider the provider
     * @param props its service properties
     */
    public synchronized void removeDeviceProvider(DeviceProvider provider, Map<String, ?> props) {
        for (List<DeviceProvider> l : devices.values()) {
            l.remove(provider);
        }
        for (LunRuntime lun : luns.values()) {
            UnitHandle h = lun.handle();
            if (h != null && h.deviceProvider == provider) {
                stop(lun, new LunState.Waiting(LunConfig.DEVICE_TYPE + "=" + h.config.deviceType()));
                start(lun);
            }
        }
    }

    /**
     * @param provider a store provider
     * @param props its service properties ({@link BackingStoreProvider#TYPE})
     */
    public synchronized void addStoreProvider(BackingStoreProvider provider, Map<String, ?> props) {
        String type = type(props.get(BackingStoreProvider.TYPE), BackingStoreProvider.TYPE, provider);
        if (type == null) {
            return;
        }
        stores.computeIfAbsent(type, k -> new ArrayList<>()).add(provider);
        publishStores();
        for (LunRuntime lun : luns.values()) {
            LunConfig c = lun.config;
            if (c != null && c.storeType().equals(type) && !(lun.state() instanceof LunState.Active)) {
                start(lun);
            }
        }
    }

    /**
     * @param provider the provider
     * @param props its service properties
     */
    public synchronized void removeStoreProvider(BackingStoreProvider provider, Map<String, ?> props) {
        for (List<BackingStoreProvider> l : stores.values()) {
            l.remove(provider);
        }
        publishStores();
        for (LunRuntime lun : luns.values()) {
            UnitHandle h = lun.handle();
            if (h != null && h.storeProvider == provider) {
                stop(lun, new LunState.Waiting(LunConfig.STORE_TYPE + "=" + h.config.storeType()));
                start(lun);
            }
        }
    }

    private static String type(Object value, String property, Object provider) {
        if (value == null || value.toString().isBlank()) {
            LOG.warn("{} registered without the {} service property; ignored", provider.getClass().getName(), property);
            return null;
        }
        return value.toString().trim().toLowerCase(Locale.ROOT);
    }

    // ---------------------------------------------------------------- lifecycle

    private void start(LunRuntime lun) {
        start(lun, -1);
    }

    /**
     * Opens the store and builds the unit when both providers are present.
     *
     * @param previousCapacity the capacity of the unit this one replaces after a reconfiguration, or -1
     */
    private void start(LunRuntime lun, long previousCapacity) {
        LunConfig c = lun.config;
        if (c == null) {
            return;
        }
        BackingStoreProvider sp = null;
        if (c.hasStore()) {
            sp = first(stores, c.storeType());
            if (sp == null) {
                waiting(lun, LunConfig.STORE_TYPE + "=" + c.storeType());
                return;
            }
        }
        DeviceProvider dp = first(devices, c.deviceType());
        if (dp == null) {
            waiting(lun, LunConfig.DEVICE_TYPE + "=" + c.deviceType());
            return;
        }
        BackingStore store = null;
        if (sp != null) {
            try {
                store = sp.open(c.storeSpec());
            } catch (ConfigException e) {
                fail(lun, c.origin() + ": " + e.getMessage(), null);
                return;
            } catch (IOException e) {
                fail(lun, c.origin() + ": " + LunConfig.STORE_PATH + ": " + e.getMessage(), null);
                return;
            } catch (RuntimeException e) {
                fail(lun, c.origin() + ": " + LunConfig.STORE_TYPE + ": the " + c.storeType() + " store failed: " + e,
                        e);
                return;
            }
        }
        LogicalUnit unit;
        try {
            unit = dp.create(new CoreUnitContext(c.lunSpec(), Optional.ofNullable(store), media,
                    new LunEvents(this, lun), directory));
            if (unit == null) {
                throw new IllegalStateException("no logical unit returned");
            }
        } catch (ConfigException e) {
            closeQuietly(lun, store);
            fail(lun, c.origin() + ": " + e.getMessage(), null);
            return;
        } catch (RuntimeException e) {
            closeQuietly(lun, store);
            fail(lun, c.origin() + ": " + LunConfig.DEVICE_TYPE + ": the " + c.deviceType() + " device failed: " + e, e);
            return;
        }
        lun.lastFailure = null;
        UnitHandle h = new UnitHandle(c, unit, store, dp, sp);
        if (previousCapacity >= 0 && h.capacity() != previousCapacity) {
            // SBC-4 §4.6: initiators learn of a new capacity from CAPACITY DATA HAS CHANGED, queued
            // before the first command can reach the new unit
            raise(lun, SenseReason.CAPACITY_DATA_HAS_CHANGED.sense());
        }
        lun.setState(new LunState.Active(h));
        LOG.info("LUN {} active: {} on {} ({} bytes)", lun.name, c.deviceType(),
                store == null ? "no store" : store.describe(), h.capacity());
    }

    private void waiting(LunRuntime lun, String why) {
        if (!(lun.state() instanceof LunState.Waiting w && w.why().equals(why))) {
            LOG.info("LUN {} ({}) waiting for a provider: {}", lun.name, lun.origin, why);
        }
        lun.setState(new LunState.Waiting(why));
    }

    /** Enters FAILED, logging each distinct failure once. */
    private void fail(LunRuntime lun, String problem, Throwable cause) {
        if (!problem.equals(lun.lastFailure)) {
            if (cause == null) {
                LOG.error("LUN {}: {}", lun.name, problem);
            } else {
                LOG.error("LUN {}: {}", lun.name, problem, cause);
            }
            lun.lastFailure = problem;
        }
        lun.setState(new LunState.Failed(problem));
    }

    /** Leaves ACTIVE for {@code next}, then drains and closes the unit and its store. */
    private void stop(LunRuntime lun, LunState next) {
        UnitHandle h = lun.handle();
        lun.setState(next);
        if (h != null) {
            closeHandle(lun, h);
        }
    }

    private void closeHandle(LunRuntime lun, UnitHandle h) {
        try {
            h.beginClose().get(drainMillis, TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            LOG.warn("LUN {}: {} commands still running after {} ms; closing anyway", lun.name, h.inFlight(), drainMillis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (java.util.concurrent.ExecutionException e) {
            LOG.debug("drain", e);
        }
        try {
            h.unit.close();
        } catch (RuntimeException e) {
            LOG.warn("LUN {}: closing the {} unit failed", lun.name, h.config.deviceType(), e);
        }
        closeQuietly(lun, h.store);
    }

    private static void closeQuietly(LunRuntime lun, BackingStore store) {
        if (store == null) {
            return;
        }
        try {
            store.close();
        } catch (IOException | RuntimeException e) {
            LOG.warn("LUN {}: closing store {} failed: {}", lun.name, store.describe(), e.toString());
        }
    }

    private void publishStores() {
        Map<String, BackingStoreProvider> m = new HashMap<>();
        stores.forEach((type, l) -> {
            if (!l.isEmpty()) {
                m.put(type, l.get(0));
            }
        });
        storeView = Map.copyOf(m);
    }

    private static <T> T first(Map<String, List<T>> byType, String type) {
        List<T> l = byType.get(type);
        return l == null || l.isEmpty() ? null : l.get(0);
    }

    // ---------------------------------------------------------------- maps and unit attentions

    private LunMap resolve(TargetConfig cfg) {
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

    private void remap() {
        for (TargetRuntime t : targetsByPid.values()) {
            t.setMap(resolve(t.config));
        }
        publish();
    }

    private void publish() {
        List<TargetRuntime> all = new ArrayList<>(targetsByPid.values());
        all.sort(Comparator.comparing(TargetRuntime::iqn));
        Map<String, TargetRuntime> byIqn = new HashMap<>();
        for (TargetRuntime t : all) {
            byIqn.put(t.iqn(), t);
        }
        snapshot = new Snapshot(List.copyOf(all), Map.copyOf(byIqn));
    }

    /** Queues a unit attention for the LUN on every nexus that maps it. */
    void raise(LunRuntime lun, Sense reason) {
        for (ScsiTarget st : snapshot.sorted()) {
            TargetRuntime t = (TargetRuntime) st;
            t.map.byNumber().forEach((n, l) -> {
                if (l == lun) {
                    for (NexusImpl nexus : t.nexuses) {
                        nexus.unitAttention(n, reason);
                    }
                }
            });
        }
    }

    /** LOGICAL UNIT RESET (SAM-5 §7.8): BUS DEVICE RESET FUNCTION OCCURRED on the other nexuses. */
    void resetOthers(NexusImpl origin, LunRuntime lun) {
        for (ScsiTarget st : snapshot.sorted()) {
            TargetRuntime t = (TargetRuntime) st;
            t.map.byNumber().forEach((n, l) -> {
                if (l == lun) {
                    for (NexusImpl nexus : t.nexuses) {
                        if (nexus != origin) {
                            nexus.unitAttention(n, SenseReason.BUS_DEVICE_RESET_FUNCTION_OCCURRED.sense());
                        }
                    }
                }
            });
        }
    }

    // ---------------------------------------------------------------- management

    /**
     * @return the management view of LUNs and targets (a separate object: its {@code targets()}
     *     differs from {@link TargetRegistry#targets()})
     */
    public ManagementView managementView() {
        return view;
    }

    private final ManagementView view = new ManagementView() {
        @Override
        public List<LunInfo> luns() {
            return lunInfos();
        }

        @Override
        public List<TargetInfo> targets() {
            return targetInfos();
        }
    };

    /** @return the LUNs for listings */
    public synchronized List<LunInfo> lunInfos() {
        Map<LunRuntime, List<String>> mappings = new HashMap<>();
        for (TargetRuntime t : targetsByPid.values()) {
            t.map.byNumber().forEach((n, l) -> mappings.computeIfAbsent(l, k -> new ArrayList<>()).add(t.name() + ":" + n));
        }
        List<LunInfo> out = new ArrayList<>();
        for (LunRuntime lun : luns.values()) {
            LunConfig c = lun.config;
            Map<String, String> raw = lun.raw;
            UnitHandle h = lun.handle();
            List<String> maps = new ArrayList<>(mappings.getOrDefault(lun, List.of()));
            maps.sort(null);
            long size = h != null ? h.capacity() : c != null ? c.size() : 0;
            String path = h != null && h.store != null ? h.store.describe()
                    : c != null && c.storePath() != null ? c.storePath() : raw.getOrDefault(LunConfig.STORE_PATH, "");
            out.add(new LunInfo(lun.name, lun.origin,
                    c != null ? c.deviceType() : raw.getOrDefault(LunConfig.DEVICE_TYPE, ""),
                    c != null ? c.storeType() : raw.getOrDefault(LunConfig.STORE_TYPE, ""), size,
                    c != null ? c.blockSize() : 0, path, c != null && c.readOnly(), lun.state().toString(), maps));
        }
        for (Pending p : lunConflicts.values()) {
            Map<String, String> raw = Props.strings(p.props());
            out.add(new LunInfo(p.name(), p.origin(), raw.getOrDefault(LunConfig.DEVICE_TYPE, ""),
                    raw.getOrDefault(LunConfig.STORE_TYPE, ""), 0, 0, raw.getOrDefault(LunConfig.STORE_PATH, ""),
                    false, "FAILED(" + p.problem() + ")", List.of()));
        }
        return out;
    }

    /** @return the targets for listings, including configurations that failed */
    public synchronized List<TargetInfo> targetInfos() {
        List<TargetInfo> out = new ArrayList<>();
        Set<String> pids = new HashSet<>(targetsByPid.keySet());
        pids.addAll(targetFailures.keySet());
        for (String pid : pids) {
            TargetRuntime t = targetsByPid.get(pid);
            Pending failure = targetFailures.get(pid);
            if (t != null) {
                TargetConfig c = t.config;
                List<String> lunList = new ArrayList<>();
                c.luns().forEach((n, name) -> lunList.add(n + "=" + name + (t.map.get(n) == null ? " (missing)" : "")));
                List<String> acl = c.initiators().stream().map(InitiatorPattern::toString).toList();
                String state = failure == null ? "ACTIVE"
                        : "FAILED(" + failure.problem() + "; previous configuration in use)";
                out.add(new TargetInfo(c.name(), c.origin(), c.iqn(), c.alias(), c.portals(), lunList, acl, state));
            } else {
                Map<String, String> raw = Props.strings(failure.props());
                out.add(new TargetInfo(failure.name(), failure.origin(), raw.getOrDefault(TargetConfig.IQN, ""),
                        raw.getOrDefault(TargetConfig.ALIAS, ""), Props.list(raw.get(TargetConfig.PORTALS)), List.of(),
                        Props.list(raw.get(TargetConfig.INITIATORS)), "FAILED(" + failure.problem() + ")"));
            }
        }
        out.sort(Comparator.comparing(TargetInfo::iqn).thenComparing(TargetInfo::name));
        return out;
    }

    /** For tests and listings: the state text of a LUN. */
    synchronized String lunState(String name) {
        LunRuntime l = luns.get(name);
        return l == null ? null : l.state().toString();
    }

    synchronized LunRuntime lun(String name) {
        return luns.get(name);
    }

    /** Closes every unit (draining first) and stops the timer. */
    @Override
    public synchronized void close() {
        for (TargetRuntime t : targetsByPid.values()) {
            t.setMap(LunMap.EMPTY);
        }
        targetsByPid.clear();
        publish();
        for (LunRuntime lun : luns.values()) {
            stop(lun, new LunState.Removed());
        }
        luns.clear();
        lunsByPid.clear();
        lunView = Map.of();
        timer.shutdownNow();
        mediaOpener.shutdownNow();
    }
}
