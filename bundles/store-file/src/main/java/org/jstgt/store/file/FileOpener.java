package org.jstgt.store.file;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;

import org.jstgt.api.ConfigException;
import org.jstgt.api.Sizes;
import org.jstgt.api.store.BackingStore;
import org.jstgt.api.store.StoreSpec;
import org.jstgt.store.file.hole.HoleFile;
import org.jstgt.store.file.hole.Holes;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Opens the file or device of a store: creates, locks, grows (sparse or preallocated) and sizes
 * it, and enters it in the open-file table that LUNs on the same path share. Called by the
 * provider under its lock, so two LUNs on one path never interleave.
 */
final class FileOpener {
    private static final Logger LOG = LoggerFactory.getLogger(FileOpener.class);

    private final Executor executor;
    private final OpenFiles openFiles;
    private final long closeWaitMillis;
    private final Syncs syncs;

    /**
     * @param executor the file I/O threads
     * @param closeWaitMillis how long a closing store waits for its I/O in flight
     * @param syncs how data and directories are synced
     */
    FileOpener(Executor executor, OpenFiles openFiles, long closeWaitMillis, Syncs syncs) {
        this.executor = executor;
        this.openFiles = openFiles;
        this.closeWaitMillis = closeWaitMillis;
        this.syncs = syncs;
    }

    /**
     * @param exists whether the path exists (judged once, by the provider)
     * @param device a block device (or any non-regular file), never created or extended
     * @param preallocate write zeros over the whole of a new or grown file instead of leaving a hole
     * @param paths the paths the store may take besides the I/O threads
     */
    BackingStore open(StoreSpec spec, Path path, boolean exists, boolean device, boolean preallocate, IoPaths paths)
            throws ConfigException, IOException {
        if (exists) {
            OpenFiles.Entry shared = openFiles.join(path.toRealPath(), spec.readOnly());
            if (shared != null) {
                return share(spec, path, shared, device, preallocate, paths);
            }
        }
        return device ? openDevice(spec, path, paths) : openFile(spec, path, preallocate, paths);
    }

    /** A further read-only LUN on a path another read-only LUN has open: same channel and lock. */
    private BackingStore share(StoreSpec spec, Path path, OpenFiles.Entry shared, boolean device, boolean preallocate,
            IoPaths paths) throws ConfigException, IOException {
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
            FileStore store = new FileStore(spec.lunName(), path, shared, size, true, device, preallocate, executor,
                    openFiles, closeWaitMillis, paths, syncs);
            ok = true;
            return store;
        } finally {
            if (!ok) {
                openFiles.release(shared);
            }
        }
    }

    private BackingStore openFile(StoreSpec spec, Path path, boolean preallocate, IoPaths paths) throws ConfigException, IOException {
        boolean readOnly = spec.readOnly();
        // the deepest directory that exists before the file is created: entries below it are new
        Path existing = null;
        if (!Files.exists(path)) {
            if (readOnly) {
                throw new ConfigException("store.path", path + " does not exist (a read-only LUN never creates its file)");
            }
            if (spec.size() == 0) {
                throw new ConfigException("size", "missing: " + path + " does not exist yet, so its size must be given");
            }
            Path parent = path.getParent();
            if (parent != null) {
                existing = deepestExisting(parent);
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
            if (existing != null) {
                syncNewEntries(spec.lunName(), path.getParent(), existing);
            }
            FileStore store = first(spec, path, path.toRealPath(), channel, lock, size, false, preallocate, paths);
            if (size > current && !preallocate) {
                // the byte that set the length allocated the last block; everything added is zeros
                store.deallocateAddedTail(current);
            }
            ok = true;
            return store;
        } finally {
            if (!ok) {
                closeQuietly(channel);
            }
        }
    }

    private BackingStore openDevice(StoreSpec spec, Path path, IoPaths paths) throws ConfigException, IOException {
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
            FileStore store = first(spec, path, real, channel, null, size, true, false, paths);
            ok = true;
            return store;
        } finally {
            if (!ok) {
                closeQuietly(channel);
            }
        }
    }

    /**
     * Enters a file just opened (and locked) in the open-file table, with the first store on it,
     * and opens its hole side ({@link Holes}), which probes what the file system can do.
     */
    private FileStore first(StoreSpec spec, Path path, Path real, FileChannel channel, FileLock lock, long size,
            boolean device, boolean preallocate, IoPaths paths) throws IOException {
        boolean readOnly = spec.readOnly();
        Object key = fileKey(real);
        HoleFile holes = Holes.open(real, key, readOnly, device, device ? 0 : channel.size());
        boolean ok = false;
        try {
            OpenFiles.Entry entry = new OpenFiles.Entry(real, channel, lock, !readOnly, spec.lunName(), key, holes);
            FileStore store = new FileStore(spec.lunName(), path, entry, size, readOnly, device, preallocate, executor,
                    openFiles, closeWaitMillis, paths, syncs);
            openFiles.add(entry);
            ok = true;
            return store;
        } finally {
            if (!ok && holes != null) {
                // the channel (and its lock) goes too: the caller closes it
                holes.close();
            }
        }
    }

    /** @return {@code dir} or its nearest ancestor that exists (the root at worst) */
    private static Path deepestExisting(Path dir) {
        Path d = dir.toAbsolutePath();
        while (d.getParent() != null && !Files.isDirectory(d)) {
            d = d.getParent();
        }
        return d;
    }

    /**
     * Syncs the directories that gained an entry when a new file was created: its own directory
     * and each parent up to {@code existing}, which held the first new directory. Until then a
     * crash could lose the file although its data was synced. A file system that refuses to sync a
     * directory is logged at debug and left as it is.
     *
     * @param dir the new file's directory
     * @param existing the deepest directory that existed before
     */
    private void syncNewEntries(String lunName, Path dir, Path existing) {
        for (Path d = dir.toAbsolutePath(); d != null; d = d.getParent()) {
            try {
                syncs.directory(d);
            } catch (IOException | RuntimeException e) {
                LOG.debug("LUN {}: cannot sync directory {} after creating a file in it: {}", lunName, d, e.toString());
            }
            if (d.equals(existing)) {
                break;
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

    private static void closeQuietly(FileChannel channel) {
        try {
            channel.close();
        } catch (IOException e) {
            LOG.debug("closing after a failed open", e);
        }
    }
}
