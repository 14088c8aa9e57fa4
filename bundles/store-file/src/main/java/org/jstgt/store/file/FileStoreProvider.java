package org.jstgt.store.file;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Locale;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.jstgt.api.ConfigException;
import org.jstgt.api.Sizes;
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
 */
@Component(service = BackingStoreProvider.class, property = BackingStoreProvider.TYPE + "=file")
public final class FileStoreProvider implements BackingStoreProvider, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(FileStoreProvider.class);

    static final String PREALLOCATE = "store.preallocate";
    /** Submit the LUN's I/O to the asking event loop's io_uring when it has one (default true). */
    static final String IO_URING = "store.io_uring";
    /**
     * Tasks waiting for an I/O thread. Sized for many LUNs times a deep queue (each iSCSI session is
     * bounded by its command window), since a full queue fails I/O and running on the caller is no
     * option: callers are event loops.
     */
    static final int QUEUE = 65_536;
    private static final long CLOSE_WAIT_MILLIS = 30_000;

    private final ThreadPoolExecutor executor;
    private final OpenFiles openFiles = new OpenFiles();

    @Activate
    public FileStoreProvider() {
        this(2 * Runtime.getRuntime().availableProcessors(), QUEUE);
    }

    FileStoreProvider(int threads, int queue) {
        AtomicInteger n = new AtomicInteger();
        ThreadFactory factory = r -> {
            Thread t = new Thread(r, "jstgt-file-io-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
        executor = new ThreadPoolExecutor(threads, threads, 60, TimeUnit.SECONDS, new ArrayBlockingQueue<>(queue),
                factory, new ThreadPoolExecutor.AbortPolicy());
        executor.allowCoreThreadTimeOut(true);
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
        boolean ring = parseBoolean(spec, IO_URING, true);
        if (Files.isDirectory(path)) {
            throw new ConfigException("store.path", path + " is a directory");
        }
        boolean exists = Files.exists(path);
        // what exists is judged by its type (a file on /dev/shm is a file); what does not exist under
        // /dev is a missing device, never a file to create
        boolean device = exists ? !Files.isRegularFile(path) : path.startsWith("/dev/") && !path.startsWith("/dev/shm/");
        if (exists) {
            OpenFiles.Entry shared = openFiles.join(path.toRealPath(), spec.readOnly());
            if (shared != null) {
                return share(spec, path, shared, device, ring);
            }
        }
        return device ? openDevice(spec, path, ring) : openFile(spec, path, preallocate, ring);
    }

    /** A further read-only LUN on a path another read-only LUN has open: same channel and lock. */
    private BackingStore share(StoreSpec spec, Path path, OpenFiles.Entry shared, boolean device, boolean ring)
            throws ConfigException, IOException {
        boolean ok = false;
        try {
            long current = device ? deviceSize(shared.channel, shared.realPath) : shared.channel.size();
            long size = spec.size() == 0 ? current : spec.size();
            if (size > current) {
                throw new ConfigException("size", Sizes.format(size) + " is larger than the read-only "
                        + (device ? "device " : "file ") + path + " (" + current + " bytes)");
            }
            if (size < current && !device) {
                throw new ConfigException("size", Sizes.format(size) + " is smaller than the existing file " + path
                        + " (" + current + " bytes); shrinking would lose data");
            }
            FileStore store = new FileStore(spec.lunName(), path, shared, size, true, device, executor, openFiles,
                    CLOSE_WAIT_MILLIS, ring);
            ok = true;
            return store;
        } finally {
            if (!ok) {
                openFiles.release(shared);
            }
        }
    }

    private BackingStore openFile(StoreSpec spec, Path path, boolean preallocate, boolean ring) throws ConfigException, IOException {
        boolean readOnly = spec.readOnly();
        if (!Files.exists(path)) {
            if (readOnly) {
                throw new ConfigException("store.path", path + " does not exist (a read-only LUN never creates its file)");
            }
            if (spec.size() == 0) {
                throw new ConfigException("size", "missing: " + path + " does not exist yet, so its size must be given");
            }
            Path parent = path.getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
        }
        FileChannel channel = readOnly ? FileChannel.open(path, StandardOpenOption.READ)
                : FileChannel.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE, StandardOpenOption.CREATE);
        boolean ok = false;
        try {
            FileLock lock;
            try {
                lock = channel.tryLock(0, Long.MAX_VALUE, readOnly);
            } catch (OverlappingFileLockException e) {
                throw new IOException(path + " is locked by another component of this JVM", e);
            }
            if (lock == null) {
                throw new IOException(path + " is locked by another process (another jstgt, or a tool has it open)");
            }
            long current = channel.size();
            long size = spec.size();
            if (size == 0) {
                if (current == 0) {
                    throw new ConfigException("size", "missing: " + path + " is empty, so its size must be given");
                }
                size = current;
            } else if (size < current) {
                throw new ConfigException("size", Sizes.format(size) + " is smaller than the existing file " + path
                        + " (" + current + " bytes); shrinking would lose data");
            } else if (size > current) {
                if (readOnly) {
                    throw new ConfigException("size", Sizes.format(size) + " is larger than the read-only file "
                            + path + " (" + current + " bytes)");
                }
                if (current > 0) {
                    LOG.info("LUN {}: growing {} from {} to {} bytes", spec.lunName(), path, current, size);
                }
                if (preallocate) {
                    fillZeros(channel, current, size);
                } else {
                    // one zero byte at the new end extends the file sparsely: the gap is a hole
                    channel.write(ByteBuffer.allocate(1), size - 1);
                }
                channel.force(true);
            }
            Path real = path.toRealPath();
            OpenFiles.Entry entry = new OpenFiles.Entry(real, channel, lock, !readOnly, spec.lunName(), fileKey(real));
            FileStore store = new FileStore(spec.lunName(), path, entry, size, readOnly, false, executor, openFiles,
                    CLOSE_WAIT_MILLIS, ring);
            openFiles.add(entry);
            ok = true;
            return store;
        } finally {
            if (!ok) {
                closeQuietly(channel);
            }
        }
    }

    private BackingStore openDevice(StoreSpec spec, Path path, boolean ring) throws ConfigException, IOException {
        boolean readOnly = spec.readOnly();
        FileChannel channel;
        try {
            channel = readOnly ? FileChannel.open(path, StandardOpenOption.READ)
                    : FileChannel.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE);
        } catch (NoSuchFileException e) {
            throw new ConfigException("store.path", path + " does not exist (devices are never created)");
        }
        boolean ok = false;
        try {
            Path real = path.toRealPath();
            long deviceSize = deviceSize(channel, real);
            long size = spec.size();
            if (size == 0) {
                size = deviceSize;
            } else if (size > deviceSize) {
                throw new ConfigException("size", Sizes.format(size) + " is larger than the device " + path + " ("
                        + deviceSize + " bytes); a device is never extended");
            } else if (size < deviceSize) {
                LOG.info("LUN {}: exporting the first {} of the {} bytes of {}", spec.lunName(), size, deviceSize, path);
            }
            OpenFiles.Entry entry = new OpenFiles.Entry(real, channel, null, !readOnly, spec.lunName(), fileKey(real));
            FileStore store = new FileStore(spec.lunName(), path, entry, size, readOnly, true, executor, openFiles,
                    CLOSE_WAIT_MILLIS, ring);
            openFiles.add(entry);
            ok = true;
            return store;
        } finally {
            if (!ok) {
                closeQuietly(channel);
            }
        }
    }

    /** @return the device and inode the path names now (taken right after opening and locking it) */
    private static Object fileKey(Path real) throws IOException {
        return Files.readAttributes(real, BasicFileAttributes.class).fileKey();
    }

    /** FileChannel.size() is 0 for block devices on some JDKs; sysfs gives 512-byte sectors. */
    private static long deviceSize(FileChannel channel, Path real) throws IOException {
        long size = channel.size();
        if (size > 0) {
            return size;
        }
        Path sys = Path.of("/sys/class/block", real.getFileName().toString(), "size");
        if (Files.isReadable(sys)) {
            String sectors = Files.readString(sys).trim();
            try {
                size = Long.parseLong(sectors) * 512;
            } catch (NumberFormatException e) {
                throw new IOException(sys + ": unexpected content '" + sectors + "'");
            }
        }
        if (size <= 0) {
            throw new IOException(real + ": cannot determine the device size (not a block device, or empty)");
        }
        return size;
    }

    private static void fillZeros(FileChannel channel, long from, long to) throws IOException {
        long start = System.nanoTime();
        ByteBuffer zeros = ByteBuffer.allocateDirect(1 << 20);
        long pos = from;
        while (pos < to) {
            zeros.clear();
            zeros.limit((int) Math.min(zeros.capacity(), to - pos));
            while (zeros.hasRemaining()) {
                pos += channel.write(zeros, pos);
            }
        }
        LOG.info("preallocated {} bytes in {} ms", to - from, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
    }

    private static boolean parseBoolean(StoreSpec spec, String key, boolean dflt) throws ConfigException {
        String v = spec.property(key, Boolean.toString(dflt)).trim().toLowerCase(Locale.ROOT);
        return switch (v) {
            case "true", "yes", "on" -> true;
            case "false", "no", "off" -> false;
            default -> throw new ConfigException(key, "'" + v + "' is not a boolean (true or false)");
        };
    }

    private static void closeQuietly(FileChannel channel) {
        try {
            channel.close();
        } catch (IOException e) {
            LOG.debug("closing after a failed open", e);
        }
    }
}
