package org.jstgt.scsi.core;

import java.io.IOException;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.LongSupplier;

import org.jstgt.api.ConfigException;
import org.jstgt.api.media.MediumOpener;
import org.jstgt.api.scsi.DeviceProvider;
import org.jstgt.api.scsi.LogicalUnit;
import org.jstgt.api.scsi.LunDirectory;
import org.jstgt.api.scsi.SenseReason;
import org.jstgt.api.store.BackingStore;
import org.jstgt.api.store.BackingStoreProvider;
import org.jstgt.scsi.config.LunConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A LUN's unit from open to close: opening the store and building the unit when both providers
 * are present, WAITING and FAILED states, draining and closing. Every method runs with the LUN's
 * own lifecycle lock held ({@link LunRuntime#lifecycle}), never the manager's, so draining one
 * LUN (up to the drain bound) holds up neither listings nor other LUNs.
 */
final class UnitLifecycle {
    private static final Logger LOG = LoggerFactory.getLogger(UnitLifecycle.class);

    private final ProviderIndex providers;
    private final TargetMaps maps;
    private final MediumOpener media;
    private final LunDirectory directory;
    private final LongSupplier drainMillis;

    UnitLifecycle(ProviderIndex providers, TargetMaps maps, MediumOpener media, LunDirectory directory,
            LongSupplier drainMillis) {
        this.providers = providers;
        this.maps = maps;
        this.media = media;
        this.directory = directory;
        this.drainMillis = drainMillis;
    }

    /** Starts the LUN unless it runs or was removed; a configuration that did not parse fails it. */
    void ensureStarted(LunRuntime lun) {
        if (!(lun.state() instanceof LunState.Active)) {
            start(lun, -1);
        }
    }

    /** Replaces the unit (a changed configuration, a provider leaving), keeping commands held meanwhile. */
    void restart(LunRuntime lun, String why) {
        UnitHandle old = lun.handle();
        long oldCapacity = old == null ? -1 : old.capacity();
        if (old != null) {
            stop(lun, new LunState.Waiting(why));
        }
        start(lun, oldCapacity);
    }

    /** The LUN's configuration is gone: REMOVED, then its unit drains and closes. */
    void remove(LunRuntime lun) {
        stop(lun, new LunState.Removed());
    }

    /**
     * Opens the store and builds the unit when both providers are present.
     *
     * @param previousCapacity the capacity of the unit this one replaces, or -1
     */
    private void start(LunRuntime lun, long previousCapacity) {
        if (lun.removed) {
            return;
        }
        LunConfig c = lun.config;
        if (c == null) {
            fail(lun, lun.configProblem, null);
            return;
        }
        if (c.offline()) {
            offline(lun);
            return;
        }
        BackingStoreProvider sp = null;
        if (c.hasStore()) {
            sp = providers.store(c.storeType());
            if (sp == null) {
                waiting(lun, LunConfig.STORE_TYPE + "=" + c.storeType());
                return;
            }
        }
        DeviceProvider dp = providers.device(c.deviceType());
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
                    new LunEvents(maps, lun), directory));
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
            maps.raise(lun, SenseReason.CAPACITY_DATA_HAS_CHANGED.sense());
        }
        lun.setState(new LunState.Active(h));
        LOG.info("LUN {} active: {} on {} ({} bytes)", lun.name, c.deviceType(),
                store == null ? "no store" : store.describe(), h.capacity());
    }

    /**
     * Applies the {@code offline} key in place: {@code true} takes the LUN offline (it stays mapped,
     * its commands drain, then its unit and store close), {@code false} on an offline LUN opens
     * them again. Other changes of an offline LUN's definition take effect when it comes back.
     *
     * @param lun the LUN whose configuration changed
     * @return true when this was the change, false when the LUN is online and stays so
     */
    boolean applyOffline(LunRuntime lun) {
        LunConfig c = lun.config;
        if (c != null && c.offline()) {
            offline(lun);
            return true;
        }
        if (lun.state() instanceof LunState.Offline o) {
            LOG.info("LUN {} ({}): back online; reopening its store", lun.name, lun.origin);
            start(lun, o.unit().capacity());
            return true;
        }
        return false;
    }

    /** Takes the LUN offline, or keeps it so with its definition now (INQUIRY data). */
    private void offline(LunRuntime lun) {
        LunState s = lun.state();
        OfflineUnit previous = s instanceof LunState.Offline o ? o.unit() : null;
        UnitHandle h = lun.handle();
        OfflineUnit unit = OfflineUnit.of(lun.config, h, previous);
        if (previous == null) {
            LOG.info("LUN {} ({}): offline; {}", lun.name, lun.origin, h == null ? "commands get NOT READY"
                    : "its commands drain, then its store closes and new commands get NOT READY");
        }
        lun.lastFailure = null;
        stop(lun, new LunState.Offline(unit));
        if (h != null) {
            LOG.info("LUN {}: offline, store closed", lun.name);
        }
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
    void stop(LunRuntime lun, LunState next) {
        UnitHandle h = lun.handle();
        lun.setState(next);
        if (h != null) {
            close(lun, h);
        }
    }

    private void close(LunRuntime lun, UnitHandle h) {
        long bound = drainMillis.getAsLong();
        try {
            h.beginClose().get(bound, TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            LOG.warn("LUN {}: {} commands still running after {} ms; closing anyway", lun.name, h.inFlight(), bound);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException e) {
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

    /** Offers the unit the new definition (DESIGN: apply in place where it can). */
    static boolean reconfigured(LunRuntime lun, UnitHandle h, LunConfig next) {
        try {
            return h.unit.reconfigure(next.lunSpec());
        } catch (RuntimeException e) {
            LOG.warn("LUN {}: the {} unit failed to apply a change; reopening it", lun.name, next.deviceType(), e);
            return false;
        }
    }
}
