package org.jstgt.store.file;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The store's syncs as a failing disk makes them: the next data syncs fail with EIO on the pool
 * path or through io_uring (the real sync still runs first, as the kernel's would), and directory
 * syncs are recorded, or refused as some file systems do.
 */
final class FailingSyncs extends Syncs {
    /** How many of the next pool data syncs fail. */
    final AtomicInteger poolFailures = new AtomicInteger();
    /** How many of the next io_uring data syncs report EIO. */
    final AtomicInteger ringFailures = new AtomicInteger();
    /** Data syncs that reached the kernel on the pool path. */
    final AtomicInteger poolSyncs = new AtomicInteger();
    /** The directories synced, in order. */
    final List<Path> directories = new CopyOnWriteArrayList<>();
    volatile boolean refuseDirectories;

    @Override
    void data(FileChannel channel) throws IOException {
        super.data(channel);
        poolSyncs.incrementAndGet();
        if (poolFailures.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
            throw new IOException("Input/output error (injected)");
        }
    }

    @Override
    int ringSyncErrno() {
        return ringFailures.getAndUpdate(n -> Math.max(0, n - 1)) > 0 ? 5 : 0;
    }

    @Override
    void directory(Path dir) throws IOException {
        directories.add(dir);
        if (refuseDirectories) {
            throw new IOException("Invalid argument (injected)");
        }
        super.directory(dir);
    }
}
