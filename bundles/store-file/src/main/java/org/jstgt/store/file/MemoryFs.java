package org.jstgt.store.file;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;

/**
 * Whether a file lives on a memory file system (tmpfs, ramfs), where a read or write is a copy to or
 * from pages in memory that never waits for a device. There io_uring cannot complete a read or
 * write inline (these file systems offer no non-blocking I/O to it) and hands every one to a kernel
 * worker thread, so the store copies on the calling thread instead ({@link InlineIo}).
 */
final class MemoryFs {
    /** {@link java.nio.file.FileStore#type()} of the memory file systems, as /proc/mounts names them. */
    private static final Set<String> TYPES = Set.of("tmpfs", "ramfs");

    private MemoryFs() {
    }

    /** @return true when {@code path} (an existing file) is on tmpfs or ramfs; false when unknown */
    static boolean holds(Path path) {
        try {
            return TYPES.contains(Files.getFileStore(path).type());
        } catch (IOException | SecurityException e) {
            return false;
        }
    }
}
