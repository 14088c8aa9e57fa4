package org.jstgt.device.changer;

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
import org.osgi.framework.Constants;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;

/**
 * Provides SMC-3 media changers ({@code device.type = changer}), configured by the keys of
 * {@link ChangerConfig}. Each library's contents are kept in {@code <lun>.state} files in
 * {@code ${karaf.data}/jstgt/changer} under Karaf (they outlive an uninstall of this bundle), else
 * in the bundle's data area, which an update keeps.
 */
@Component(service = DeviceProvider.class, property = DeviceProvider.TYPE + "=" + ChangerProvider.TYPE)
public final class ChangerProvider implements DeviceProvider {
    /** The {@code device.type} this provider serves. */
    public static final String TYPE = "changer";
    /** Threads for the mechanism's file I/O (directory scans, state files). */
    private static final int WORKERS = 2;
    static final String STATE_DIRECTORY = "changer";

    private final ThreadPoolExecutor workers;
    /** Null: no state is kept. */
    private final Path stateDir;
    private final String launch;

    /** @param context the bundle's context: {@code karaf.data}, the data area and the framework launch */
    @Activate
    public ChangerProvider(BundleContext context) {
        this(stateDirectory(context), context.getProperty(Constants.FRAMEWORK_UUID));
    }

    /** A provider outside a framework (tests): its libraries keep no state and start from their directories. */
    public ChangerProvider() {
        this(null, null);
    }

    /**
     * @param stateDir directory of the state files, or null to keep none
     * @param launch the framework launch, or null
     */
    ChangerProvider(Path stateDir, String launch) {
        this.stateDir = stateDir;
        this.launch = launch;
        AtomicInteger n = new AtomicInteger();
        ThreadFactory f = r -> {
            Thread t = new Thread(r, "jstgt-changer-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
        workers = new ThreadPoolExecutor(WORKERS, WORKERS, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), f);
        workers.allowCoreThreadTimeOut(true);
    }

    static Path stateDirectory(BundleContext context) {
        String karafData = context.getProperty("karaf.data");
        if (karafData != null && !karafData.isBlank()) {
            return Path.of(karafData, "jstgt", STATE_DIRECTORY);
        }
        File area = context.getDataFile(STATE_DIRECTORY);
        return area == null ? null : area.toPath();
    }

    @Override
    public LogicalUnit create(UnitContext context) throws ConfigException {
        return ChangerUnit.create(context, stateDir, launch, workers);
    }

    /** Stops the workers once the operations queued have run. */
    @Deactivate
    void close() {
        workers.shutdown();
    }
}
