package org.jstgt.store.file.hole;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

import com.sun.jna.LastErrorException;

import org.jstgt.api.store.StoreExtent;

/**
 * The extents of a regular file as its file system allocated them, by the {@code FS_IOC_FIEMAP}
 * ioctl (the kernel's Documentation/filesystems/fiemap.rst). Unlike lseek(2) {@code SEEK_DATA},
 * which ext4 and XFS answer with unwritten extents counted as holes, FIEMAP lists every allocated
 * extent, written or not, and the data still waiting in the page cache for its blocks (delayed
 * allocation): a range set to zeros by fallocate {@code FALLOC_FL_ZERO_RANGE}, or preallocated
 * before the LUN used the file, holds blocks, so the holes report calls it mapped. tmpfs has no
 * FIEMAP ({@link #works} says no) and no unwritten extents either, so SEEK_DATA tells its holes
 * exactly; on other file systems without FIEMAP (most network ones) SEEK_DATA is all there is.
 *
 * <p>Threads: see {@link HoleFile}. Each call uses a buffer of its own.
 */
final class ExtentMap {
    /** {@code _IOWR('f', 11, struct fiemap)}: the same number on x86_64 and aarch64. */
    static final long FS_IOC_FIEMAP = 0xC020660BL;
    /**
     * {@code sizeof(struct fiemap)}: u64 fm_start, fm_length; u32 fm_flags, fm_mapped_extents,
     * fm_extent_count, fm_reserved; then the extents.
     */
    static final int HEADER = 32;
    /**
     * {@code sizeof(struct fiemap_extent)}: u64 fe_logical, fe_physical, fe_length, two reserved;
     * u32 fe_flags, three reserved.
     */
    static final int EXTENT = 56;
    /** Extents asked for per call: a run of more contiguous extents is reported in pieces. */
    static final int EXTENTS = 64;
    static final int FM_MAPPED_EXTENTS = 20;
    private static final int FM_EXTENT_COUNT = 24;
    static final int FE_LENGTH = 16;

    private ExtentMap() {
    }

    /**
     * Whether the file system of {@code fd} answers FIEMAP: asked for the number of extents of the
     * file's first byte (no extent is copied, nothing changes).
     */
    static boolean works(int fd) {
        ByteBuffer b = request(0, 1, 0);
        try {
            Libc.ioctl(fd, FS_IOC_FIEMAP, b.array());
            return true;
        } catch (LastErrorException e) {
            return false;
        }
    }

    /**
     * The run of allocated extents, or of hole, that starts at {@code offset}. Extents that follow
     * each other without a gap form one run whatever their flags (written, unwritten, delayed);
     * a run of more than {@link #EXTENTS} extents ends early, and the next query goes on from there.
     *
     * @param size the store's size: runs end there; {@code offset < size}
     * @return the run, or null when the answer cannot be used (an extent that ends at or before
     *     {@code offset}): the caller asks lseek(2) then
     */
    static StoreExtent run(int fd, long offset, long size) throws LastErrorException {
        ByteBuffer b = request(offset, size - offset, EXTENTS);
        Libc.ioctl(fd, FS_IOC_FIEMAP, b.array());
        return answer(b, offset, size);
    }

    /**
     * {@link #run} from the kernel's answer {@code b}, a {@code struct fiemap} in native order with
     * its extents.
     */
    static StoreExtent answer(ByteBuffer b, long offset, long size) {
        int mapped = Math.min(b.getInt(FM_MAPPED_EXTENTS), EXTENTS);
        if (mapped <= 0) {
            return new StoreExtent(offset, size - offset, false);
        }
        long start = b.getLong(HEADER);
        if (start > offset) {
            return new StoreExtent(offset, Math.min(start, size) - offset, false);
        }
        long end = start + b.getLong(HEADER + FE_LENGTH);
        for (int i = 1; i < mapped; i++) {
            int at = HEADER + i * EXTENT;
            if (b.getLong(at) != end) {
                break;
            }
            end += b.getLong(at + FE_LENGTH);
        }
        if (end <= offset) {
            return null;
        }
        return new StoreExtent(offset, Math.min(end, size) - offset, true);
    }

    /** A {@code struct fiemap} asking for {@code count} extents of {@code [start, start + length)}, no flags. */
    static ByteBuffer request(long start, long length, int count) {
        ByteBuffer b = ByteBuffer.wrap(new byte[HEADER + count * EXTENT]).order(ByteOrder.nativeOrder());
        b.putLong(0, start);
        b.putLong(8, length);
        b.putInt(FM_EXTENT_COUNT, count);
        return b;
    }
}
