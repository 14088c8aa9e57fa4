package org.jstgt.store.file;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.jstgt.api.ConfigException;
import org.jstgt.api.store.BackingStore;
import org.jstgt.api.store.BackingStoreProvider;
import org.jstgt.api.store.StoreSpec;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code store.type = file}: a regular file (created sparse, or preallocated with
 * {@code store.preallocate = true}) or a raw block device ({@code store.path} under {@code /dev} or
 * any non-regular file). Owns the I/O threads ({@code jstgt-file-io-N}) shared by all its stores.
 * A new file is synced with the directories that gained an entry for it; a failed data sync makes
 * the store refuse every later flush and FUA write until it is reopened ({@link SyncFailure}). A
 * sparse file is thin (UNMAP, holes report) where its file system punches holes, a preallocated one
 * thick; a block device unmaps when it can write zeroes ({@link FileStore}).
 */
@Component(service = BackingStoreProvider.class, property = BackingStoreProvider.TYPE + "=file")
public final class FileStoreProvider implements BackingStoreProvider, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(FileStoreProvider.class);

    static final String PREALLOCATE = "store.preallocate";
    /** Submit the LUN's I/O to the asking event loop's io_uring when it has one (default true). */
    static final String IO_URING = "store.io_uring";
    /** Copy on the calling thread when the file is on tmpfs or ramfs (default true); see {@link InlineIo}. */
    static final String INLINE = "store.inline";
    /**
     * Tasks waiting for an I/O thread. Sized for many LUNs times a deep queue (each iSCSI session is
     * bounded by its command window), since a full queue fails I/O and running on the caller is no
     * option: callers are event loops.
     */
    static final int QUEUE = 65_536;
    private static final long CLOSE_WAIT_MILLIS = 30_000;

    private final ThreadPoolExecutor executor;
    private final FileOpener opener;

    @Activate
    public FileStoreProvider() {
        this(2 * Runtime.getRuntime().availableProcessors(), QUEUE);
    }

    FileStoreProvider(int threads, int queue) {
        this(threads, queue, Syncs.KERNEL);
    }

    /** @param syncs how data and directories are synced (tests make them fail) */
    FileStoreProvider(int threads, int queue, Syncs syncs) {
        AtomicInteger n = new AtomicInteger();
        ThreadFactory factory = r -> {
            Thread t = new Thread(r, "jstgt-file-io-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
        executor = new ThreadPoolExecutor(threads, threads, 60, TimeUnit.SECONDS, new ArrayBlockingQueue<>(queue),
                factory, new ThreadPoolExecutor.AbortPolicy());
        executor.allowCoreThreadTimeOut(true);
        opener = new FileOpener(executor, new OpenFiles(), CLOSE_WAIT_MILLIS, syncs);
    }

    /**
     * Stops the I/O threads after queued I/O ends. Never interrupts them: an interrupt during
     * FileChannel I/O closes the channel for every LUN on it.
     */
    @Deactivate
    @Override
    public void close() {
        executor.shutdown();
        try {
            if (!executor.awaitTermination(CLOSE_WAIT_MILLIS, TimeUnit.MILLISECONDS)) {
                LOG.warn("file I/O threads still busy {} ms after shutdown", CLOSE_WAIT_MILLIS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Opens a store. Serialized: the checks against the open-file table and the opening of the
     * channel must not interleave between two LUNs on the same path.
     */
    @Override
    public synchronized BackingStore open(StoreSpec spec) throws ConfigException, IOException {
        String text = spec.path();
        if (text == null || text.isBlank()) {
            throw new ConfigException("store.path", "missing: a file store needs the path of a file or block device");
        }
        Path path;
        try {
            path = Path.of(text.trim());
        } catch (InvalidPathException e) {
            throw new ConfigException("store.path", "'" + text + "' is not a valid path: " + e.getReason());
        }
        if (!path.isAbsolute()) {
            throw new ConfigException("store.path", "'" + text + "' must be absolute (e.g. ${karaf.data}/luns/disk0.img)");
        }
        boolean preallocate = parseBoolean(spec, PREALLOCATE, false);
        IoPaths paths = new IoPaths(parseBoolean(spec, IO_URING, true), parseBoolean(spec, INLINE, true));
        if (Files.isDirectory(path)) {
            throw new ConfigException("store.path", path + " is a directory");
        }
        boolean exists = Files.exists(path);
        // what exists is judged by its type (a file on /dev/shm is a file); what does not exist under
        // /dev is a missing device, never a file to create
        boolean device = exists ? !Files.isRegularFile(path) : path.startsWith("/dev/") && !path.startsWith("/dev/shm/");
        return opener.open(spec, path, exists, device, preallocate, paths);
    }

    private static boolean parseBoolean(StoreSpec spec, String key, boolean dflt) throws ConfigException {
        String v = spec.property(key, Boolean.toString(dflt)).trim().toLowerCase(Locale.ROOT);
        return switch (v) {
            case "true", "yes", "on" -> true;
            case "false", "no", "off" -> false;
            default -> throw new ConfigException(key, "'" + v + "' is not a boolean (true or false)");
        };
    }
}
