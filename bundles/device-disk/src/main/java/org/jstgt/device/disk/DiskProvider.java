package org.jstgt.device.disk;

import java.io.File;
import java.nio.file.Path;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.jstgt.api.ConfigException;
import org.jstgt.api.scsi.DeviceProvider;
import org.jstgt.api.scsi.LogicalUnit;
import org.jstgt.api.scsi.UnitContext;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;

/**
 * Provides SBC direct-access disks ({@code device.type = disk}). Device keys of
 * {@code etc/jstgt.lun-<name>.cfg}: {@code max.transfer} (largest transfer of one command, default
 * 8 MiB, a multiple of {@code block.size}, at most 64 MiB) and {@code sense.format} (the default
 * D_SENSE of the Control mode page). Mode pages saved by MODE SELECT are kept per LUN in the
 * bundle's data area, {@code modes/<lun name>.properties}, and survive restarts and updates of
 * the bundle.
 */
@Component(service = DeviceProvider.class, property = DeviceProvider.TYPE + "=" + DiskProvider.TYPE)
public final class DiskProvider implements DeviceProvider {
    /** The {@code device.type} this provider serves. */
    public static final String TYPE = "disk";
    /** Threads for stores that block (none run unless such a store is in use). */
    private static final int WORKERS = 8;

    /** Directory of the units' saved mode pages in the bundle's data area. */
    static final String MODES_DIRECTORY = "modes";

    private final ThreadPoolExecutor workers;
    /** Null when the framework gives the bundle no data area. */
    private final Path savedModes;

    /** @param context the bundle's context: its data area keeps the saved mode pages across restarts and updates */
    @Activate
    public DiskProvider(BundleContext context) {
        this(dataDirectory(context));
    }

    /** A provider outside a framework (tests, benchmarks): its units keep saved mode pages in memory only. */
    public DiskProvider() {
        this((Path) null);
    }

    /** @param savedModes directory of the saved mode pages, or null to keep them in memory */
    DiskProvider(Path savedModes) {
        this.savedModes = savedModes;
        AtomicInteger n = new AtomicInteger();
        ThreadFactory f = r -> {
            Thread t = new Thread(r, "jstgt-disk-io-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
        workers = new ThreadPoolExecutor(WORKERS, WORKERS, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), f);
        workers.allowCoreThreadTimeOut(true);
    }

    private static Path dataDirectory(BundleContext context) {
        File dir = context.getDataFile(MODES_DIRECTORY);
        return dir == null ? null : dir.toPath();
    }

    @Override
    public LogicalUnit create(UnitContext context) throws ConfigException {
        return DiskUnit.create(context.spec(), context.requireStore(), workers, context.events(),
                SavedModes.fileOf(savedModes, context.spec().name()), context.luns());
    }

    /** Stops the worker threads; calls still queued for blocking stores run to completion first. */
    @Deactivate
    void close() {
        workers.shutdown();
    }
}
