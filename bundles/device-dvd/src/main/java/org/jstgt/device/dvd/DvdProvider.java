package org.jstgt.device.dvd;

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
 * Provides MMC-6 CD/DVD-ROM drives ({@code device.type = dvd}) whose discs are ISO images. Device
 * key of {@code etc/jstgt.lun-<name>.cfg}: {@code medium}, the absolute path of the image loaded
 * at start (absent or empty: an empty tray); no {@code store.type}, the drive opens its images
 * read-only through the {@code file} store provider. What is loaded, the tray, and the initiators'
 * PREVENT ALLOW MEDIUM REMOVAL survive restarts and bundle updates in
 * {@code ${karaf.data}/jstgt/media/<lun>.state} (the bundle's data area outside Karaf).
 */
@Component(service = DeviceProvider.class, property = DeviceProvider.TYPE + "=" + DvdProvider.TYPE)
public final class DvdProvider implements DeviceProvider {
    /** The {@code device.type} this provider serves. */
    public static final String TYPE = "dvd";
    /** Directory of the drives' state files. */
    static final String STATE_DIRECTORY = "media";
    /** Threads for blocking store calls, state files and closing images. */
    private static final int WORKERS = 4;

    private final ThreadPoolExecutor workers;
    /** Null when the drives keep no state. */
    private final Path stateDirectory;
    private final String launch;

    /**
     * @param context the bundle's context: the framework launch, and the data area when Karaf's
     *     {@code karaf.data} is not set
     */
    @Activate
    public DvdProvider(BundleContext context) {
        this(stateDirectory(context), context.getProperty("org.osgi.framework.uuid"));
    }

    /** A provider outside a framework (tests): its drives keep no state. */
    public DvdProvider() {
        this(null, null);
    }

    /**
     * @param stateDirectory the directory of the state files, or null to keep none
     * @param launch this framework launch's identifier, or null
     */
    DvdProvider(Path stateDirectory, String launch) {
        this.stateDirectory = stateDirectory;
        this.launch = launch;
        AtomicInteger n = new AtomicInteger();
        ThreadFactory f = r -> {
            Thread t = new Thread(r, "jstgt-dvd-io-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
        workers = new ThreadPoolExecutor(WORKERS, WORKERS, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), f);
        workers.allowCoreThreadTimeOut(true);
    }

    private static Path stateDirectory(BundleContext context) {
        String karafData = System.getProperty("karaf.data");
        if (karafData != null && !karafData.isBlank()) {
            return Path.of(karafData, "jstgt", STATE_DIRECTORY);
        }
        File dir = context.getDataFile(STATE_DIRECTORY);
        return dir == null ? null : dir.toPath();
    }

    @Override
    public LogicalUnit create(UnitContext context) throws ConfigException {
        String name = context.spec().name();
        return DvdUnit.create(context.spec(), context.media(), context.events(), workers,
                new TrayFile(stateDirectory, name, workers), launch);
    }

    /** Stops the worker threads; state files and closes still queued run first. */
    @Deactivate
    void close() {
        workers.shutdown();
    }
}
