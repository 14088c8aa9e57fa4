package org.jstgt.store.file.hole;

import com.sun.jna.LastErrorException;
import com.sun.jna.Native;
import com.sun.jna.Platform;

/**
 * The C library calls the thin stores need and {@link java.nio.channels.FileChannel} does not offer,
 * bound by JNA direct mapping (no per-call reflection). Constants are the Linux values of
 * {@code <fcntl.h>}, {@code <linux/falloc.h>}, {@code <unistd.h>} and {@code <errno.h>}; x86_64
 * and aarch64 agree on every one but {@link #O_TMPFILE}. Loading this class fails with a {@link
 * LinkageError} when JNA is not installed or its native part cannot load; only {@link Holes} loads
 * it, and catches that.
 *
 * <p>Threads: see {@link HoleFile}.
 */
final class Libc {
    /** {@code FALLOC_FL_KEEP_SIZE}: the file size stays as it is (fallocate(2)). */
    static final int FALLOC_FL_KEEP_SIZE = 0x01;
    /**
     * {@code FALLOC_FL_PUNCH_HOLE}: deallocate the range; partial blocks at either end are zeroed,
     * and later reads of the range return zeros. Must be or-ed with {@link #FALLOC_FL_KEEP_SIZE}.
     */
    static final int FALLOC_FL_PUNCH_HOLE = 0x02;
    /**
     * {@code FALLOC_FL_ZERO_RANGE}: the range reads as zeros afterwards and stays allocated (the
     * file system marks it unwritten rather than writing zeros). Not on tmpfs.
     */
    static final int FALLOC_FL_ZERO_RANGE = 0x10;
    /** {@code SEEK_DATA}: the next offset at or after the one given that holds data (lseek(2)). */
    static final int SEEK_DATA = 3;
    /** {@code SEEK_HOLE}: the next offset at or after the one given in a hole; the end of file counts. */
    static final int SEEK_HOLE = 4;
    static final int O_RDONLY = 0;
    static final int O_RDWR = 2;
    static final int O_CLOEXEC = 0x80000;
    /**
     * {@code O_TMPFILE} ({@code __O_TMPFILE | O_DIRECTORY}): an unnamed regular file in the
     * directory's file system, gone when closed. The one flag whose value differs: {@code
     * O_DIRECTORY} is 0200000 on x86_64 and 040000 on aarch64. 0 on other machines (not asked).
     */
    static final int O_TMPFILE = switch (System.getProperty("os.arch", "")) {
        case "amd64", "x86_64" -> 0x410000;
        case "aarch64" -> 0x404000;
        default -> 0;
    };
    /** fallocate(2): the file system does not do this mode, or not for this file. */
    static final int EOPNOTSUPP = 95;
    /** No space left on the device (write(2), fallocate(2)). */
    static final int ENOSPC = 28;
    /** The owner's disk quota is used up (write(2), fallocate(2)). */
    static final int EDQUOT = 122;
    /** lseek(2) SEEK_DATA: no data at or after the offset (the rest is a hole, or it is past the end). */
    static final int ENXIO = 6;

    static {
        Native.register(Libc.class, Platform.C_LIBRARY_NAME);
    }

    private Libc() {
    }

    /**
     * open(2).
     *
     * @param path NUL-terminated, in the file name encoding
     * @return the new descriptor
     */
    static native int open(byte[] path, int flags) throws LastErrorException;

    /** open(2) with a mode, which {@link #O_TMPFILE} needs. */
    static native int open(byte[] path, int flags, int mode) throws LastErrorException;

    /** close(2). */
    static native int close(int fd) throws LastErrorException;

    /** fallocate(2): {@code mode} applied to {@code len} bytes at {@code offset} (off_t is 64-bit here). */
    static native int fallocate(int fd, int mode, long offset, long len) throws LastErrorException;

    /** lseek(2): the resulting offset. */
    static native long lseek(int fd, long offset, int whence) throws LastErrorException;

    /**
     * mincore(2): one byte per page of {@code [addr, addr + length)}, bit 0 set when the page is in
     * memory (for a file mapping: in the page cache, whether or not this mapping touched it).
     *
     * @param addr page-aligned address
     */
    static native int mincore(long addr, long length, byte[] vec) throws LastErrorException;

    /**
     * ioctl(2) with a pointer argument: {@code arg} is copied to native memory and back.
     *
     * @param request the request number (an unsigned long in C; 64 bits here)
     */
    static native int ioctl(int fd, long request, byte[] arg) throws LastErrorException;

    /** strerror(3): the text of an error number in the process's locale, as the JDK's exceptions carry it. */
    static native String strerror(int errnum);

    /** getpagesize(2). */
    static native int getpagesize();
}
