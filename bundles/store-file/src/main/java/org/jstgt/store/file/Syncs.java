package org.jstgt.store.file;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The calls that make a store's data durable: fdatasync(2) of its data on the pool path, the
 * outcome of a data sync through io_uring, and fsync(2) of a directory after an entry was added to
 * it. In one place so that a test can make them fail (the kernel's own failures cannot be
 * provoked without root); {@link #KERNEL} is what the provider uses.
 */
class Syncs {
    /** The kernel's answers, unchanged. */
    static final Syncs KERNEL = new Syncs();

    /**
     * fdatasync(2) of the channel's file ({@code force(false)}: data and the metadata needed to
     * read it back).
     *
     * @param channel the store's channel
     */
    void data(FileChannel channel) throws IOException {
        channel.force(false);
    }

    /**
     * @return 0 to keep the kernel's answer to an io_uring data sync that succeeded, or a positive
     *     errno to report in its place
     */
    int ringSyncErrno() {
        return 0;
    }

    /**
     * fsync(2) of a directory, so that an entry created in it survives a crash (POSIX leaves the
     * entry volatile until the directory itself is synced). Linux allows it on a descriptor opened
     * read-only; some file systems refuse it (the caller tolerates that).
     *
     * @param dir the directory
     */
    void directory(Path dir) throws IOException {
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true);
        }
    }
}
