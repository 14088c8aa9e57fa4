package org.jstgt.device.tape;

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
 * Provides SSC-3 DLT tape drives ({@code device.type = tape}; keys in {@link TapeConfig}). Each
 * drive keeps its state (cartridge, position, settings, PREVENT holders) in
 * {@code ${karaf.data}/jstgt/media/<lun>.state} under Karaf, else in the bundle's data area
 * ({@code media/}), so that a {@code bundle:update} of this bundle in the middle of a backup
 * continues at the same tape position. Cartridges open through {@link ImageCartridges}.
 */
@Component(service = DeviceProvider.class, property = DeviceProvider.TYPE + "=" + TapeProvider.TYPE)
public final class TapeProvider implements DeviceProvider {
    /** The {@code device.type} this provider serves. */
    public static final String TYPE = "tape";
    /** Directory of the state files, under {@code ${karaf.data}/jstgt} or the bundle's data area. */
    static final String STATE_DIRECTORY = "media";
    /** Threads for the drives' image I/O; each drive uses one at a time. */
    private static final int WORKERS = 32;

    private final ThreadPoolExecutor workers;
    private final Cartridges cartridges;
    /** Null: no state files. */
    private final StateFiles states;

    /** @param context the bundle's context: its data area and the framework launch identifier */
    @Activate
    public TapeProvider(BundleContext context) {
        this(new ImageCartridges(), stateDirectory(context), context.getProperty("org.osgi.framework.uuid"));
    }

    /** A provider outside a framework: no state files. */
    public TapeProvider() {
        this(new ImageCartridges(), null, null);
    }

    /**
     * @param cartridges opens cartridge images
     * @param stateDirectory directory of the state files, or null for none
     * @param launch this framework launch's identifier
     */
    TapeProvider(Cartridges cartridges, Path stateDirectory, String launch) {
        this.cartridges = cartridges;
        this.states = stateDirectory == null ? null : new StateFiles(stateDirectory, launch);
        AtomicInteger n = new AtomicInteger();
        ThreadFactory f = r -> {
            Thread t = new Thread(r, "jstgt-tape-io-" + n.incrementAndGet());
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
        return TapeUnit.create(context.spec(), cartridges, workers, context.events(), states);
    }

    /** Stops the worker threads once the jobs queued have run. */
    @Deactivate
    void close() {
        workers.shutdown();
    }
}
