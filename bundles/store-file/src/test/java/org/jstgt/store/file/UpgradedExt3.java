package org.jstgt.store.file;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * An ext4 file system made without extents, with one file written, then given extents ({@code
 * tune2fs -O extent}) and mounted again, as an ext3 file system upgraded to ext4 is: its old file
 * has no extents (fallocate ZERO_RANGE on it fails with EOPNOTSUPP), while a new file has them.
 * Needs root (mount) and e2fsprogs: the test is skipped without them. {@link #close} unmounts.
 */
final class UpgradedExt3 implements AutoCloseable {
    private final Path mountPoint;
    private final Path file;
    private boolean mounted;

    /**
     * @param dir where the image and the mount point go
     * @param data what the old file holds
     */
    UpgradedExt3(Path dir, byte[] data) throws IOException, InterruptedException {
        assumeTrue("root".equals(System.getProperty("user.name")), "needs root to mount");
        Path image = dir.resolve("ext3.img");
        mountPoint = Files.createDirectories(dir.resolve("mnt"));
        try (RandomAccessFile f = new RandomAccessFile(image.toFile(), "rw")) {
            f.setLength(64 << 20);
        }
        assumeTrue(run("mkfs.ext4", "-q", "-F", "-O", "^extent,^64bit,^flex_bg", image.toString()), "mkfs.ext4");
        mount(image);
        file = mountPoint.resolve("old.img");
        Files.write(file, data);
        unmount();
        if (!run("tune2fs", "-O", "extent", image.toString())) {
            throw new IOException("tune2fs -O extent " + image + " failed");
        }
        mount(image);
    }

    /** @return the file written before the file system had extents */
    Path file() {
        return file;
    }

    private void mount(Path image) throws IOException, InterruptedException {
        assumeTrue(run("mount", "-o", "loop", image.toString(), mountPoint.toString()), "mount -o loop");
        mounted = true;
    }

    private void unmount() throws IOException, InterruptedException {
        if (mounted && !run("umount", mountPoint.toString())) {
            throw new IOException("umount " + mountPoint + " failed");
        }
        mounted = false;
    }

    @Override
    public void close() throws IOException, InterruptedException {
        unmount();
    }

    /** @return whether the command ran and succeeded within 30 s */
    private static boolean run(String... command) throws IOException, InterruptedException {
        Process p;
        try {
            p = new ProcessBuilder(command).redirectErrorStream(true).start();
        } catch (IOException e) {
            return false; // not installed
        }
        p.getInputStream().readAllBytes();
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            return false;
        }
        return p.exitValue() == 0;
    }
}
