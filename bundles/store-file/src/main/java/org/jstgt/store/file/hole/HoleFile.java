package org.jstgt.store.file.hole;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;

import com.sun.jna.LastErrorException;

import org.jstgt.api.store.NoSpaceException;
import org.jstgt.api.store.StoreExtent;

/**
 * A second descriptor of a store's file, for the calls that thin provisioning and zeroing need and
 * {@link FileChannel} does not offer: fallocate(2) with {@code FALLOC_FL_PUNCH_HOLE |
 * FALLOC_FL_KEEP_SIZE} to deallocate, fallocate(2) with {@code FALLOC_FL_ZERO_RANGE |
 * FALLOC_FL_KEEP_SIZE} to zero a range that stays allocated, and the FIEMAP ioctl ({@link
 * ExtentMap}), or where the file system has none lseek(2) with {@code SEEK_DATA}/{@code SEEK_HOLE},
 * to find the holes. They act on the file, not on the descriptor, so
 * they see what the channel wrote. The descriptor is closed only with the open file, after its
 * lock is released: closing any descriptor of a file drops the process's POSIX locks on it.
 *
 * <p><b>Thread rule:</b> native calls are made only by threads allowed to block: the provider's
 * file I/O threads, and the thread opening the store (the probes, and the hole a new file's tail
 * gets). An event loop never makes one: an unmap or zeroing asked on an io_uring loop goes to its
 * ring as {@code IORING_OP_FALLOCATE} instead, and every extent query takes the file I/O threads (lseek
 * may wait for the file system's locks).
 *
 * <p>On a regular file the kernel zeroes the partial blocks at either end of a punched range and
 * frees the whole ones (fallocate(2), "Deallocating file space"). On a block device the same call
 * becomes a write-zeroes request that may deallocate ({@code blkdev_fallocate}, Linux 4.9 and
 * later): reads return zeros afterwards, which the UNMAP contract needs and BLKDISCARD does
 * not promise (a discard may leave old data readable), and the call fails with EOPNOTSUPP instead of
 * falling back to writing zeros. A zeroing of a regular file turns the range into zeros that stay
 * allocated (unwritten extents on ext4 and XFS; tmpfs cannot); on a block device whose queue writes
 * zeroes it is a write-zeroes request that must not deallocate. On a device both ranges must be aligned to the
 * logical block size, so the unaligned ends of a range are written with zeros here.
 */
public final class HoleFile {
    /** How {@link #extent} finds the holes of a file. */
    enum Lookup {
        /** It cannot: a block device, or a file system that cannot say. */
        NONE,
        /** lseek(2) SEEK_DATA and SEEK_HOLE: exact where the file system has no unwritten extents (tmpfs). */
        SEEK,
        /** FIEMAP, which counts unwritten and delayed extents as allocated; lseek(2) when its answer is odd. */
        MAP
    }

    private static final int ZERO_CHUNK = 64 * 1024;

    private final Path path;
    /**
     * Held (shared) across each native call on {@link #fd}, and exclusively to close it: a
     * descriptor closed during a call could be reused by another open and the call would punch the
     * wrong file.
     */
    private final ReadWriteLock use = new ReentrantReadWriteLock();
    private int fd;
    private final boolean punch;
    private final boolean zeroRange;
    private final Lookup lookup;
    private final int alignment;

    /**
     * @param fd the descriptor, closed by {@link #close}
     * @param punch fallocate(PUNCH_HOLE) works on it
     * @param zeroRange fallocate(ZERO_RANGE) works on it
     * @param lookup how its holes are found
     * @param alignment the unit a punched or zeroed range must be aligned to (1: any)
     */
    HoleFile(Path path, int fd, boolean punch, boolean zeroRange, Lookup lookup, int alignment) {
        this.path = path;
        this.fd = fd;
        this.punch = punch;
        this.zeroRange = zeroRange;
        this.lookup = lookup;
        this.alignment = alignment;
    }

    /** @return true when {@link #punch} deallocates here */
    public boolean canPunch() {
        return punch;
    }

    /** @return true when {@link #zero} sets a range to zeros here without writing them */
    public boolean canZero() {
        return zeroRange;
    }

    /** @return true when {@link #extent} tells holes from data here */
    public boolean canSeek() {
        return lookup != Lookup.NONE;
    }

    /**
     * Deallocates {@code length} bytes at {@code offset}; later reads return zeros. File I/O threads
     * only (see the class comment).
     *
     * @param channel the store's channel, for the unaligned ends on a device
     */
    public void punch(FileChannel channel, long offset, long length) throws IOException {
        fallocate(Libc.FALLOC_FL_PUNCH_HOLE | Libc.FALLOC_FL_KEEP_SIZE, "unmap", channel, offset, length);
    }

    /**
     * Sets {@code length} bytes at {@code offset} to zeros that stay allocated, without writing them
     * (see the class comment). File I/O threads only.
     *
     * @param channel the store's channel, for the unaligned ends on a device
     * @throws UnsupportedOperationException when this file cannot after all (EOPNOTSUPP: on ext4, a
     *     file without extents, made before the file system had them, where the probe's new file has
     *     them)
     */
    public void zero(FileChannel channel, long offset, long length) throws IOException {
        fallocate(Libc.FALLOC_FL_ZERO_RANGE | Libc.FALLOC_FL_KEEP_SIZE, "zeroing", channel, offset, length);
    }

    private void fallocate(int mode, String what, FileChannel channel, long offset, long length)
            throws IOException {
        long end = offset + length;
        long first = offset;
        long last = end;
        if (alignment > 1) {
            first = Math.min(end, (offset + alignment - 1) / alignment * alignment);
            last = Math.max(first, end / alignment * alignment);
            writeZeros(channel, offset, first);
            writeZeros(channel, last, end);
        }
        if (last <= first) {
            return;
        }
        use.readLock().lock();
        try {
            Libc.fallocate(descriptor(), mode, first, last - first);
        } catch (LastErrorException e) {
            String message = path + ": " + what + " of " + (last - first) + " bytes at offset " + first + " failed: "
                    + e.getMessage();
            if ((mode & Libc.FALLOC_FL_ZERO_RANGE) != 0 && e.getErrorCode() == Libc.EOPNOTSUPP) {
                // this file cannot, though the probe's could (an ext3 file without extents on ext4)
                throw new UnsupportedOperationException(message, e);
            }
            if (e.getErrorCode() == Libc.ENOSPC || e.getErrorCode() == Libc.EDQUOT) {
                // zeroing reallocates on XFS, and splitting an extent may need a block on a full file system
                throw new NoSpaceException(message, e);
            }
            throw new IOException(message, e);
        } finally {
            use.readLock().unlock();
        }
    }

    /**
     * The run of allocated blocks or of hole that starts at {@code offset}: from FIEMAP where the
     * file system answers it ({@link ExtentMap}), else from lseek(2) ("Seeking file data and
     * holes"): SEEK_DATA finds the next data, SEEK_HOLE the end of the data there; the end of the
     * file counts as a hole, and ENXIO means no data follows. The file system reports at its own
     * granularity (a partly punched block is data, full of zeros). File I/O threads only.
     *
     * @param size the store's size: runs end there
     */
    public StoreExtent extent(long offset, long size) throws IOException {
        use.readLock().lock();
        try {
            int f = descriptor();
            if (lookup == Lookup.MAP) {
                StoreExtent run;
                try {
                    run = ExtentMap.run(f, offset, size);
                } catch (LastErrorException e) {
                    throw failed(offset, e);
                }
                if (run != null) {
                    return run;
                }
            }
            return seek(f, offset, size);
        } finally {
            use.readLock().unlock();
        }
    }

    private StoreExtent seek(int f, long offset, long size) throws IOException {
        // a hole punched or filled between the two seeks shows as an empty run: look again
        for (int attempt = 0; attempt < 4; attempt++) {
            long data;
            try {
                data = Libc.lseek(f, offset, Libc.SEEK_DATA);
            } catch (LastErrorException e) {
                if (e.getErrorCode() == Libc.ENXIO) {
                    return new StoreExtent(offset, size - offset, false);
                }
                throw failed(offset, e);
            }
            if (data > offset) {
                return new StoreExtent(offset, Math.min(data, size) - offset, false);
            }
            long hole;
            try {
                hole = Libc.lseek(f, offset, Libc.SEEK_HOLE);
            } catch (LastErrorException e) {
                if (e.getErrorCode() == Libc.ENXIO) {
                    continue;
                }
                throw failed(offset, e);
            }
            if (hole > offset) {
                return new StoreExtent(offset, Math.min(hole, size) - offset, true);
            }
        }
        throw new IOException(path + ": the holes at offset " + offset + " kept changing while being looked up");
    }

    /**
     * Closes the descriptor, after the native calls under way; call only when the file itself is
     * closed (see the class comment).
     */
    public void close() {
        use.writeLock().lock();
        try {
            if (fd >= 0) {
                HoleProbe.close(fd);
                fd = -1;
            }
        } finally {
            use.writeLock().unlock();
        }
    }

    /** @return the descriptor; call with {@link #use} held */
    private int descriptor() throws IOException {
        int f = fd;
        if (f < 0) {
            throw new IOException(path + ": store closed");
        }
        return f;
    }

    private IOException failed(long offset, LastErrorException e) {
        return new IOException(path + ": looking for holes at offset " + offset + " failed: " + e.getMessage(), e);
    }

    /** Writes zeros over {@code [from, to)}, the part of a device range too small to deallocate or zero. */
    private static void writeZeros(FileChannel channel, long from, long to) throws IOException {
        if (to <= from) {
            return;
        }
        ByteBuffer zeros = ByteBuffer.allocate((int) Math.min(ZERO_CHUNK, to - from));
        long pos = from;
        while (pos < to) {
            zeros.clear().limit((int) Math.min(zeros.capacity(), to - pos));
            while (zeros.hasRemaining()) {
                pos += channel.write(zeros, pos);
            }
        }
    }
}
