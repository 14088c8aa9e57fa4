package org.jstgt.store.file.ring;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;

import io.netty.channel.unix.FileDescriptor;
import io.netty.channel.uring.IoUringIoOps;
import io.netty.util.internal.PlatformDependent;

import org.jstgt.store.file.hole.Holes;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The file's second descriptor, the one its rings use: opened through a ring the first time a loop
 * asks, used only when {@code /proc/self/fd} shows it is the device and inode the store opened,
 * closed only with the open file. Closing any descriptor of a file drops the process's POSIX locks
 * on it, so a descriptor of the locked file is never closed early: one that cannot be checked stays
 * open, unused, until the file closes.
 *
 * <p>NEW -> OPENING -> OPEN, or FAILED when it cannot be used; CLOSED from any state. Any thread.
 */
final class RingDescriptor {
    private static final Logger LOG = LoggerFactory.getLogger(RingDescriptor.class);

    private static final int NEW = 0;
    private static final int OPENING = 1;
    private static final int OPEN = 2;
    private static final int FAILED = 3;
    private static final int CLOSED = 4;

    private final Path path;
    private final Object fileKey;
    private final boolean readOnly;
    /** The path, NUL-terminated, where openat reads it ({@code addr}). */
    private final ByteBuffer pathBytes;
    private final AtomicInteger state = new AtomicInteger(NEW);
    /** The descriptor, or -1; whoever swaps a descriptor out of here closes it. */
    private final AtomicInteger fd = new AtomicInteger(-1);

    /**
     * @param fileKey device and inode of the file the store opened ({@code BasicFileAttributes.fileKey()})
     */
    RingDescriptor(Path path, Object fileKey, boolean readOnly) {
        this.path = path;
        this.fileKey = fileKey;
        this.readOnly = readOnly;
        byte[] name = Holes.nulTerminated(path);
        pathBytes = ByteBuffer.allocateDirect(name.length).put(name);
    }

    Path path() {
        return path;
    }

    /** @return the descriptor, or -1 when not open (yet, or any more) */
    int fd() {
        return fd.get();
    }

    /** @return false once it failed or closed: calls take the thread pool for good */
    boolean usable() {
        int s = state.get();
        return s != FAILED && s != CLOSED;
    }

    boolean isOpen() {
        return state.get() == OPEN;
    }

    boolean isClosed() {
        return state.get() == CLOSED;
    }

    /**
     * @param tag the {@code user_data} its completion will carry
     * @return the openat to submit when this caller is the first to ask (it then reports
     *     {@link #opened} or {@link #notSubmitted}), else null: being opened, open, failed or closed
     */
    IoUringIoOps open(short tag) {
        if (!state.compareAndSet(NEW, OPENING)) {
            return null;
        }
        return Sqe.openat(PlatformDependent.directBufferAddress(pathBytes), readOnly, tag);
    }

    /** The ring refused the openat: a later call tries again. */
    void notSubmitted() {
        state.compareAndSet(OPENING, NEW);
    }

    /** @param res the openat's {@code io_uring_cqe.res}: a descriptor, or minus an errno */
    void opened(int res) {
        if (res < 0) {
            state.compareAndSet(OPENING, FAILED);
            LOG.warn("{}: cannot open through io_uring ({}); its I/O stays on the file I/O threads", path,
                    Errno.describe(-res));
            return;
        }
        Boolean same = sameFile(res);
        if (same == null || !same) {
            if (same == null) {
                // kept, unused, until the file closes: see the class comment
                fd.set(res);
                LOG.warn("{}: cannot check that io_uring opened the same file as this LUN; its I/O stays on the "
                        + "file I/O threads", path);
            } else {
                // another file (replaced or renamed since, or a device node renumbered): closing
                // this descriptor leaves the locks on the LUN's file alone
                closeQuietly(res);
                LOG.warn("{} now names another file than the one this LUN opened; its I/O stays on the file I/O "
                        + "threads, on the file it opened", path);
            }
            if (!state.compareAndSet(OPENING, FAILED)) {
                closeIfClosed();
            }
            return;
        }
        fd.set(res);
        if (!state.compareAndSet(OPENING, OPEN)) {
            closeIfClosed();
        }
    }

    /**
     * Closes the descriptor. Call only when the file itself is closed (its lock released). An
     * operation still in flight keeps the file open in the kernel until it ends.
     */
    void close() {
        state.set(CLOSED);
        closeIfClosed();
    }

    /** The file closed while the openat was under way: close ours too (safe now). */
    private void closeIfClosed() {
        int f = fd.getAndSet(-1);
        if (f >= 0) {
            closeQuietly(f);
        }
    }

    /**
     * @return whether descriptor {@code fd} refers to the device and inode the store opened, or null
     *     when that cannot be told
     */
    private Boolean sameFile(int fd) {
        return Holes.sameFile(fd, fileKey);
    }

    private void closeQuietly(int f) {
        try {
            new FileDescriptor(f).close();
        } catch (IOException e) {
            LOG.debug("{}: closing the io_uring descriptor: {}", path, e.getMessage());
        }
    }
}
