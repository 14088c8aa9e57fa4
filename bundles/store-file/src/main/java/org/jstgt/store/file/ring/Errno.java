package org.jstgt.store.file.ring;

import java.io.IOException;
import java.io.SyncFailedException;

import org.jstgt.api.store.NoSpaceException;

/**
 * Names of the Linux error numbers a file operation can return (asm-generic/errno-base.h,
 * errno.h); a completion's negative {@code io_uring_cqe.res} is one of them.
 */
final class Errno {
    /** The file system or device does not do what was asked. */
    static final int EOPNOTSUPP = 95;
    /** No space left on the device. */
    static final int ENOSPC = 28;
    /** The owner's disk quota is used up. */
    static final int EDQUOT = 122;
    private static final String[] NAMES = new String[126];

    static {
        NAMES[1] = "EPERM (operation not permitted)";
        NAMES[2] = "ENOENT (no such file or directory)";
        NAMES[4] = "EINTR (interrupted)";
        NAMES[5] = "EIO (input/output error)";
        NAMES[6] = "ENXIO (no such device or address)";
        NAMES[9] = "EBADF (bad file descriptor)";
        NAMES[11] = "EAGAIN (try again)";
        NAMES[12] = "ENOMEM (out of memory)";
        NAMES[13] = "EACCES (permission denied)";
        NAMES[14] = "EFAULT (bad address)";
        NAMES[16] = "EBUSY (device or resource busy)";
        NAMES[19] = "ENODEV (no such device)";
        NAMES[21] = "EISDIR (is a directory)";
        NAMES[22] = "EINVAL (invalid argument)";
        NAMES[23] = "ENFILE (file table overflow)";
        NAMES[24] = "EMFILE (too many open files)";
        NAMES[27] = "EFBIG (file too large)";
        NAMES[ENOSPC] = "ENOSPC (no space left on device)";
        NAMES[30] = "EROFS (read-only file system)";
        NAMES[EOPNOTSUPP] = "EOPNOTSUPP (operation not supported)";
        NAMES[EDQUOT] = "EDQUOT (disk quota exceeded)";
        NAMES[125] = "ECANCELED (operation canceled)";
    }

    private Errno() {
    }

    /** @return e.g. {@code "EIO (input/output error)"}, or {@code "errno 117"} for one not listed */
    static String describe(int errno) {
        String n = errno > 0 && errno < NAMES.length ? NAMES[errno] : null;
        return n != null ? n : "errno " + errno;
    }

    /**
     * @return {@code "<what> failed: EIO (input/output error)"} as an exception: a {@link
     *     NoSpaceException} for ENOSPC and EDQUOT
     */
    static IOException failed(String what, int errno) {
        String message = what + " failed: " + describe(errno);
        return errno == ENOSPC || errno == EDQUOT ? new NoSpaceException(message) : new IOException(message);
    }

    /** @return {@code "<what> failed: EIO (input/output error)"} as a {@link SyncFailedException} */
    static SyncFailedException syncFailed(String what, int errno) {
        return new SyncFailedException(what + " failed: " + describe(errno));
    }
}
