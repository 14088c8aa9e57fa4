package org.jstgt.device.disk;

import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.jstgt.api.ConfigException;
import org.jstgt.api.scsi.DeviceProvider;
import org.jstgt.api.scsi.LogicalUnit;
import org.jstgt.api.scsi.UnitContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;

/**
 * Provides SBC direct-access disks ({@code device.type = disk}). Device keys of
 * {@code etc/jstgt.lun-<name>.cfg}: {@code max.transfer} (largest transfer of one command, default
 * 8 MiB, a multiple of {@code block.size}, at most 64 MiB) and {@code sense.format}.
 */
@Component(service = DeviceProvider.class, property = DeviceProvider.TYPE + "=" + DiskProvider.TYPE)
public final class DiskProvider implements DeviceProvider {
    /** The {@code device.type} this provider serves. */
    public static final String TYPE = "disk";
    /** Threads for stores that block (none run unless such a store is in use). */
    private static final int WORKERS = 8;

    private final ThreadPoolExecutor workers;

    @Activate
    public DiskProvider() {
        AtomicInteger n = new AtomicInteger();
        ThreadFactory f = r -> {
            Thread t = new Thread(r, "jstgt-disk-io-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
        workers = new ThreadPoolExecutor(WORKERS, WORKERS, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), f);
        workers.allowCoreThreadTimeOut(true);
    }

    @Override
    public LogicalUnit create(UnitContext context) throws ConfigException {
        return DiskUnit.create(context.spec(), context.requireStore(), workers, context.luns());
    }

    /** Stops the worker threads; calls still queued for blocking stores run to completion first. */
    @Deactivate
    void close() {
        workers.shutdown();
    }
}
