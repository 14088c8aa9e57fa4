package org.jstgt.store.file;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.function.IntSupplier;

import org.jstgt.store.file.hole.HoleFile;
import org.jstgt.store.file.ring.RingFile;
import org.jstgt.store.file.ring.Rings;

/**
 * The files and devices this provider has open, one channel per real path. OS file locks are held
 * per JVM and (POSIX fcntl) all of them are dropped when any descriptor of the file is closed, so a
 * second LUN on a path must never open and close a channel of its own: read-only LUNs share the
 * first one's channel; a read-write LUN excludes every other. The file's further descriptors (its
 * io_uring side, its hole side) are closed last, after the lock.
 */
final class OpenFiles {

    /** One open path. Guarded by the enclosing {@link OpenFiles}. */
    static final class Entry {
        final Path realPath;
        final FileChannel channel;
        final FileLock lock;
        final boolean readWrite;
        final String firstLun;
        /** Device and inode of what the channel opened ({@code BasicFileAttributes.fileKey()}). */
        final Object fileKey;
        /** fallocate(2) and lseek(2) on the file, or null without them (JNA missing). */
        final HoleFile holes;
        int users = 1;
        private RingFile ring;
        private boolean ringTried;

        /** @param holes the file's hole side, closed with the file ({@link HoleFile}), or null */
        Entry(Path realPath, FileChannel channel, FileLock lock, boolean readWrite, String firstLun, Object fileKey,
                HoleFile holes) {
            this.realPath = realPath;
            this.channel = channel;
            this.lock = lock;
            this.readWrite = readWrite;
            this.firstLun = firstLun;
            this.fileKey = fileKey;
            this.holes = holes;
        }

        /**
         * The io_uring side of this open file, shared by its LUNs and closed with the channel: its
         * descriptor must not be closed while the lock is held (closing any descriptor of the file
         * drops the process's locks on it).
         *
         * @param syncErrno the errno to report in place of a data sync that succeeded (0: none; tests)
         * @return the ring file, or null when io_uring cannot be used here
         */
        synchronized RingFile ring(IntSupplier syncErrno) {
            if (!ringTried) {
                ringTried = true;
                ring = Rings.create(realPath, fileKey, !readWrite, syncErrno);
            }
            return ring;
        }

        private synchronized RingFile ringToClose() {
            ringTried = true;
            return ring;
        }
    }

    private final Map<Path, Entry> open = new HashMap<>();

    /**
     * @param realPath the path with links resolved
     * @param readOnly whether the new user opens read-only
     * @return the entry to share, or null when nobody has the path open
     * @throws IOException when the modes conflict
     */
    synchronized Entry join(Path realPath, boolean readOnly) throws IOException {
        Entry e = open.get(realPath);
        if (e == null) {
            return null;
        }
        if (e.readWrite) {
            throw new IOException(realPath + " is already open read-write by LUN " + e.firstLun);
        }
        if (!readOnly) {
            throw new IOException(realPath + " is already open read-only by LUN " + e.firstLun
                    + "; it cannot also be opened read-write");
        }
        e.users++;
        return e;
    }

    synchronized void add(Entry e) {
        open.put(e.realPath, e);
    }

    /**
     * Drops one user; the last one releases the lock and closes the channel.
     *
     * @param e the entry
     * @throws IOException when closing fails
     */
    void release(Entry e) throws IOException {
        synchronized (this) {
            if (--e.users > 0) {
                return;
            }
            open.remove(e.realPath, e);
        }
        try {
            if (e.lock != null && e.lock.isValid()) {
                e.lock.release();
            }
        } finally {
            try {
                e.channel.close();
            } finally {
                RingFile ring = e.ringToClose();
                if (ring != null) {
                    ring.close();
                }
                if (e.holes != null) {
                    e.holes.close();
                }
            }
        }
    }

    /** @return true when some LUN of this provider has the path open */
    synchronized boolean isOpen(Path realPath) {
        return open.containsKey(realPath);
    }
}
