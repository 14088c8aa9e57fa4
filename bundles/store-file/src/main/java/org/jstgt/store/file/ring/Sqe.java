package org.jstgt.store.file.ring;

import io.netty.channel.uring.IoUringIoOps;

/**
 * The submission queue entries a file needs, in the terms of {@code struct io_uring_sqe}
 * ({@code <linux/io_uring.h>}) and {@code <asm-generic/fcntl.h>}; x86_64 and aarch64 agree on every
 * value here. Netty's {@link IoUringIoOps} carries one entry; its 16-bit {@code data} comes back in
 * the completion ({@code io_uring_cqe.user_data}), which is how a completion finds its operation.
 */
final class Sqe {
    /** {@code IORING_OP_FSYNC}: fsync(2) of {@code fd}, variant chosen by {@code fsync_flags}. */
    static final byte OP_FSYNC = 3;
    /**
     * {@code IORING_OP_FALLOCATE}: fallocate(2) of {@code fd} with the mode in {@code len}, the
     * offset in {@code off} and the length in {@code addr} (io_uring/sync.c {@code io_fallocate_prep};
     * liburing's {@code io_uring_prep_fallocate} fills them the same way).
     */
    static final byte OP_FALLOCATE = 17;
    /** {@code IORING_OP_OPENAT}: openat(2) of the path at {@code addr}, {@code open_flags}. */
    static final byte OP_OPENAT = 18;
    /** {@code IORING_OP_READ}: pread(2) of {@code len} bytes at file offset {@code off} to {@code addr}. */
    static final byte OP_READ = 22;
    /** {@code IORING_OP_WRITE}: pwrite(2), as {@link #OP_READ} in the other direction. */
    static final byte OP_WRITE = 23;

    /** {@code IORING_FSYNC_DATASYNC} in {@code fsync_flags}: fdatasync(2) semantics. */
    private static final int FSYNC_DATASYNC = 1;
    /** {@code AT_FDCWD} as openat's {@code fd}: a relative path would start at the working directory. */
    private static final int AT_FDCWD = -100;
    private static final int O_RDONLY = 0;
    private static final int O_RDWR = 2;
    private static final int O_CLOEXEC = 0x80000;
    /** {@code FALLOC_FL_KEEP_SIZE | FALLOC_FL_PUNCH_HOLE} ({@code <linux/falloc.h>}): deallocate. */
    static final int PUNCH_HOLE_KEEP_SIZE = 0x03;
    /**
     * {@code FALLOC_FL_KEEP_SIZE | FALLOC_FL_ZERO_RANGE} ({@code <linux/falloc.h>}): the range reads
     * as zeros and stays allocated (unwritten extents on ext4 and XFS).
     */
    static final int ZERO_RANGE_KEEP_SIZE = 0x11;

    private Sqe() {
    }

    /**
     * @param path address of a NUL-terminated path that stays valid until the completion
     * @param tag returned in the completion
     */
    static IoUringIoOps openat(long path, boolean readOnly, short tag) {
        int flags = (readOnly ? O_RDONLY : O_RDWR) | O_CLOEXEC;
        return new IoUringIoOps(OP_OPENAT, (byte) 0, (short) 0, AT_FDCWD, 0L, path, 0, flags, tag,
                (short) 0, (short) 0, 0, 0L);
    }

    /** A data sync of {@code fd}: what a FUA write or SYNCHRONIZE CACHE needs, no metadata. */
    static IoUringIoOps fdatasync(int fd, short tag) {
        return new IoUringIoOps(OP_FSYNC, (byte) 0, (short) 0, fd, 0L, 0L, 0, FSYNC_DATASYNC, tag,
                (short) 0, (short) 0, 0, 0L);
    }

    /**
     * @param opcode {@link #OP_READ} or {@link #OP_WRITE}
     * @param offset file offset ({@code off})
     * @param address memory address ({@code addr}) of {@code length} bytes
     */
    static IoUringIoOps transfer(byte opcode, int fd, long offset, long address, int length, short tag) {
        return new IoUringIoOps(opcode, (byte) 0, (short) 0, fd, offset, address, length, 0, tag,
                (short) 0, (short) 0, 0, 0L);
    }

    /**
     * fallocate(2) of {@code length} bytes at {@code offset} with {@code mode}: {@link
     * #PUNCH_HOLE_KEEP_SIZE} or {@link #ZERO_RANGE_KEEP_SIZE}; later reads of the range return zeros.
     */
    static IoUringIoOps fallocate(int fd, long offset, long length, int mode, short tag) {
        return new IoUringIoOps(OP_FALLOCATE, (byte) 0, (short) 0, fd, offset, length, mode, 0, tag,
                (short) 0, (short) 0, 0, 0L);
    }
}
