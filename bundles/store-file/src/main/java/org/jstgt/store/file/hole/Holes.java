package org.jstgt.store.file.hole;

import java.io.IOException;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Arrays;
import java.util.List;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The only door to {@link HoleFile}: JNA is an optional import, so its classes are touched only
 * after this check. Without it (or where its native part cannot load) one INFO line says so and
 * every file store is thick: no UNMAP, no holes report.
 */
public final class Holes {
    private static final Logger LOG = LoggerFactory.getLogger(Holes.class);
    private static final boolean AVAILABLE = probe();

    private Holes() {
    }

    /**
     * Opens the store's file a second time for fallocate(2) and lseek(2) and finds out, without
     * touching its data, what it can do ({@link HoleProbe}). Call on a thread that may block.
     *
     * @param real the path with links resolved
     * @param fileKey device and inode of the file the store opened; the new descriptor must be the same
     * @param readOnly open it read-only (no punching then)
     * @param device a block device (or another non-regular file)
     * @param fileSize the file's length now
     * @return the file's hole side (perhaps able to do nothing), or null when JNA is not here or
     *     the descriptor cannot be opened
     */
    public static HoleFile open(Path real, Object fileKey, boolean readOnly, boolean device, long fileSize) {
        return AVAILABLE ? HoleProbe.open(real, fileKey, readOnly, device, fileSize) : null;
    }

    /**
     * The texts the C library gives ENOSPC and EDQUOT in this process's locale, which is how the
     * JDK words an {@link IOException} of a failed write; none without JNA.
     */
    public static List<String> noSpaceTexts() {
        if (!AVAILABLE) {
            return List.of();
        }
        try {
            return List.of(Libc.strerror(Libc.ENOSPC), Libc.strerror(Libc.EDQUOT));
        } catch (RuntimeException | LinkageError e) {
            LOG.debug("strerror: {}", e.toString());
            return List.of();
        }
    }

    /** @return true when JNA and its native part are here ({@link Residency} needs them) */
    public static boolean available() {
        return AVAILABLE;
    }

    /**
     * @return whether descriptor {@code fd} refers to the device and inode {@code fileKey} names, or
     *     null when that cannot be told
     */
    public static Boolean sameFile(int fd, Object fileKey) {
        Object key;
        try {
            // /proc/self/fd/N leads to the open file itself, not to whatever its path names now
            key = Files.readAttributes(Path.of("/proc/self/fd/" + fd), BasicFileAttributes.class).fileKey();
        } catch (IOException | RuntimeException e) {
            LOG.debug("cannot check descriptor {}: {}", fd, e.toString());
            return null;
        }
        return fileKey == null || key == null ? null : fileKey.equals(key);
    }

    /** @return the path as the kernel gets it: in the JVM's file name encoding, NUL-terminated */
    public static byte[] nulTerminated(Path path) {
        byte[] name = path.toString().getBytes(fileNameCharset());
        return Arrays.copyOf(name, name.length + 1);
    }

    /** The charset the JVM uses for file names (what the kernel gets for a path). */
    private static Charset fileNameCharset() {
        try {
            return Charset.forName(System.getProperty("sun.jnu.encoding", "UTF-8"));
        } catch (RuntimeException e) {
            return StandardCharsets.UTF_8;
        }
    }

    private static boolean probe() {
        try {
            Class.forName(Libc.class.getName(), true, Holes.class.getClassLoader());
            return true;
        } catch (LinkageError | ClassNotFoundException e) {
            LOG.info("JNA not installed or not loadable ({}): file stores are thick (no UNMAP, no holes report)",
                    e.toString());
            return false;
        }
    }
}
