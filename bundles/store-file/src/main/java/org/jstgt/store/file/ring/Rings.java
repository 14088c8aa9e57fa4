package org.jstgt.store.file.ring;

import java.nio.file.Path;
import java.util.function.IntSupplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The only door to {@link RingFile}: Netty's io_uring classes are an optional import, so they are
 * touched only after this check, and a machine without them (or without io_uring) runs every file
 * I/O on the I/O threads.
 */
public final class Rings {
    private static final Logger LOG = LoggerFactory.getLogger(Rings.class);
    private static final boolean AVAILABLE = probe();

    private Rings() {
    }

    /**
     * @param path the file, links resolved
     * @param fileKey device and inode of the file the store opened; the ring's descriptor must be the same
     * @param readOnly open it read-only
     * @param syncErrno asked after each data sync that succeeded: 0 keeps the success, a positive
     *     errno is reported in its place (the store's seam for tests)
     * @return a ring file for {@code path}, or null when io_uring cannot be used here
     */
    public static RingFile create(Path path, Object fileKey, boolean readOnly, IntSupplier syncErrno) {
        return AVAILABLE ? new RingFile(path, fileKey, readOnly, syncErrno) : null;
    }

    private static boolean probe() {
        try {
            boolean ok = RingFile.available();
            if (!ok) {
                LOG.info("io_uring not available: file I/O runs on the file I/O threads");
            }
            return ok;
        } catch (LinkageError e) {
            LOG.info("Netty io_uring classes not installed ({}): file I/O runs on the file I/O threads", e.toString());
            return false;
        }
    }
}
