package org.jstgt.itests;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * A cpio archive in the "newc" format (SVR4 without CRC), the format the Linux kernel unpacks as an
 * initramfs: regular files and directories, owned by root, parents added before their children.
 */
final class Cpio {
    private static final int DIRECTORY = 0040000;
    private static final int REGULAR = 0100000;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final Set<String> directories = new LinkedHashSet<>();
    private int inode = 1;

    /**
     * Adds a file, and any of its parent directories not added yet (mode 0755).
     *
     * @param path its path in the archive, without a leading '/'
     * @param mode its permission bits, e.g. 0755
     * @param data its contents
     * @return this
     */
    Cpio file(String path, int mode, byte[] data) throws IOException {
        parents(path);
        entry(path, REGULAR | mode, data);
        return this;
    }

    /**
     * @param path a directory's path in the archive, without a leading '/'
     * @return this
     */
    Cpio directory(String path) throws IOException {
        parents(path + "/");
        return this;
    }

    /** @return the archive, ended by its trailer */
    byte[] finish() throws IOException {
        entry("TRAILER!!!", 0, new byte[0]);
        return out.toByteArray();
    }

    private void parents(String path) throws IOException {
        for (int i = path.indexOf('/'); i > 0; i = path.indexOf('/', i + 1)) {
            String dir = path.substring(0, i);
            if (directories.add(dir)) {
                entry(dir, DIRECTORY | 0755, new byte[0]);
            }
        }
    }

    private void entry(String name, int mode, byte[] data) throws IOException {
        byte[] n = (name + "\0").getBytes(StandardCharsets.UTF_8);
        StringBuilder h = new StringBuilder("070701");
        int nlink = (mode & DIRECTORY) != 0 ? 2 : 1;
        long[] fields = {inode++, mode, 0, 0, nlink, 0, data.length, 0, 0, 0, 0, n.length, 0};
        for (long f : fields) {
            h.append(String.format("%08X", f));
        }
        out.write(h.toString().getBytes(StandardCharsets.US_ASCII));
        out.write(n);
        pad(out);
        out.write(data);
        pad(out);
    }

    private static void pad(ByteArrayOutputStream o) {
        while (o.size() % 4 != 0) {
            o.write(0);
        }
    }
}
