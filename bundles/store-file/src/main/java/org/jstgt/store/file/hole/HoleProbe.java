package org.jstgt.store.file.hole;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import com.sun.jna.LastErrorException;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a store's file can do for thin provisioning and zeroing, asked once when the store opens.
 * Apart from {@link Holes} so that the door names no JNA type (a catch clause makes the verifier
 * load it).
 */
final class HoleProbe {
    private static final Logger LOG = LoggerFactory.getLogger(HoleProbe.class);
    /** Bytes the probes punch past the end of the file and zero in a file of their own. */
    private static final long PROBE_LENGTH = 4096;
    /** {@code S_IFMT} and {@code S_IFBLK} of {@code st_mode} (inode(7)). */
    private static final int S_IFMT = 0170000;
    private static final int S_IFBLK = 0060000;

    private HoleProbe() {
    }

    /**
     * Opens a second descriptor of the store's file and finds out, without touching its data, what
     * it can do. A regular file opened for writing is asked to punch a hole past its end (with
     * KEEP_SIZE nothing there is data, and the file stays as long as it is): EOPNOTSUPP, or any
     * other refusal, means no punching. Whether a range can be zeroed is asked of an unnamed file
     * next to it ({@link #zeroes}). A block device can punch when its queue can write zeroes ({@link
     * BlockQueue}), since a probe on the device itself would destroy data, and zero under the same
     * condition. Holes are looked up only in regular files (on a block device lseek calls everything
     * data). Call on a thread that may block.
     *
     * @param real the path with links resolved
     * @param fileKey device and inode of the file the store opened; the new descriptor must be the same
     * @param readOnly open it read-only (no punching then)
     * @param device a block device (or another non-regular file)
     * @param fileSize the file's length now, where the probe punches
     * @return the file's hole side (perhaps able to do nothing), or null when the descriptor cannot
     *     be opened
     */
    static HoleFile open(Path real, Object fileKey, boolean readOnly, boolean device, long fileSize) {
        int fd;
        try {
            fd = Libc.open(Holes.nulTerminated(real), (readOnly ? Libc.O_RDONLY : Libc.O_RDWR) | Libc.O_CLOEXEC);
        } catch (LastErrorException e) {
            LOG.info("{}: cannot open a descriptor for hole punching ({}); the store is thick", real, e.getMessage());
            return null;
        }
        Boolean same = Holes.sameFile(fd, fileKey);
        if (same == null) {
            // cannot be closed early (it may be the locked file): kept, unused, until the file closes
            LOG.info("{}: cannot check that the descriptor for hole punching is the LUN's file; the store is thick",
                    real);
            return new HoleFile(real, fd, false, false, HoleFile.Lookup.NONE, 1);
        }
        if (!same) {
            // another file: closing it leaves the locks on the LUN's file alone
            close(fd);
            LOG.info("{} now names another file than the one the LUN opened; the store is thick", real);
            return null;
        }
        if (device) {
            BlockQueue q = readOnly ? null : blockQueue(real);
            // without a write-zeroes command the kernel would write the zeros itself, in one long
            // synchronous call on a file I/O thread: the device then takes ordinary writes instead
            boolean writeZeroes = q != null && q.writeZeroesMaxBytes() > 0 && q.logicalBlockSize() > 0;
            return new HoleFile(real, fd, writeZeroes, writeZeroes, HoleFile.Lookup.NONE,
                    writeZeroes ? q.logicalBlockSize() : 1);
        }
        boolean punch = !readOnly && punchesPastTheEnd(real, fd, fileSize);
        boolean zero = !readOnly && zeroes(real);
        return new HoleFile(real, fd, punch, zero, lookup(real, fd), 1);
    }

    static void close(int fd) {
        try {
            Libc.close(fd);
        } catch (LastErrorException e) {
            LOG.debug("closing descriptor {}: {}", fd, e.getMessage());
        }
    }

    private static boolean punchesPastTheEnd(Path real, int fd, long fileSize) {
        try {
            Libc.fallocate(fd, Libc.FALLOC_FL_PUNCH_HOLE | Libc.FALLOC_FL_KEEP_SIZE, fileSize, PROBE_LENGTH);
            return true;
        } catch (LastErrorException e) {
            LOG.info("{}: the file system cannot punch holes ({}); the store is thick", real, e.getMessage());
            return false;
        }
    }

    /**
     * Whether the file system zeroes a range without writing it, asked of an unnamed file of its own
     * in the same directory ({@code O_TMPFILE}), never of the LUN's file: zeroing past the end of a
     * file allocates blocks that ext4 and XFS do not punch out again. Where no such file can be made
     * (no write access to the directory, a file system without {@code O_TMPFILE}), the answer is no,
     * and WRITE SAME writes its zeros.
     */
    private static boolean zeroes(Path real) {
        Path parent = real.getParent();
        if (parent == null || Libc.O_TMPFILE == 0) {
            return false;
        }
        int probe;
        try {
            probe = Libc.open(Holes.nulTerminated(parent), Libc.O_TMPFILE | Libc.O_RDWR | Libc.O_CLOEXEC, 0600);
        } catch (LastErrorException e) {
            LOG.debug("{}: no unnamed file to ask whether {} zeroes ranges ({}); WRITE SAME writes its zeros", real,
                    parent, e.getMessage());
            return false;
        }
        try {
            Libc.fallocate(probe, Libc.FALLOC_FL_ZERO_RANGE | Libc.FALLOC_FL_KEEP_SIZE, 0, PROBE_LENGTH);
            return true;
        } catch (LastErrorException e) {
            LOG.debug("{}: the file system cannot zero a range ({}); WRITE SAME writes its zeros", real,
                    e.getMessage());
            return false;
        } finally {
            close(probe);
        }
    }

    /**
     * How the holes of a regular file are found: lseek(2) must work (it is the fallback), and
     * FIEMAP is preferred where it works too, since it also counts unwritten extents as allocated.
     */
    private static HoleFile.Lookup lookup(Path real, int fd) {
        try {
            Libc.lseek(fd, 0, Libc.SEEK_HOLE);
        } catch (LastErrorException e) {
            LOG.info("{}: the file system cannot report holes ({})", real, e.getMessage());
            return HoleFile.Lookup.NONE;
        }
        if (ExtentMap.works(fd)) {
            return HoleFile.Lookup.MAP;
        }
        LOG.debug("{}: no FIEMAP; holes are found with lseek(2)", real);
        return HoleFile.Lookup.SEEK;
    }

    /** @return the queue limits of a block device, or null for anything else or when unknown */
    private static BlockQueue blockQueue(Path real) {
        try {
            Object mode = Files.getAttribute(real, "unix:mode");
            Object rdev = Files.getAttribute(real, "unix:rdev");
            // a character device has a number too, which may name an unrelated block device
            boolean block = mode instanceof Number m && (m.intValue() & S_IFMT) == S_IFBLK;
            return block && rdev instanceof Number n ? BlockQueue.of(n.longValue()) : null;
        } catch (IOException | RuntimeException e) {
            LOG.debug("{}: no device number: {}", real, e.toString());
            return null;
        }
    }

}
