package org.jstgt.store.file.hole;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * What the kernel says a block device's request queue can do, from
 * {@code /sys/dev/block/MAJ:MIN/queue} (Documentation/ABI/stable/sysfs-block); a partition has no
 * queue of its own and shares its disk's, one directory up.
 *
 * @param writeZeroesMaxBytes {@code write_zeroes_max_bytes}: 0 when the device cannot zero a range
 *     without being sent the zeros (REQ_OP_WRITE_ZEROES), which is what a punched hole on a block
 *     device needs
 * @param logicalBlockSize {@code logical_block_size}: the unit every such range must be aligned to
 */
record BlockQueue(long writeZeroesMaxBytes, int logicalBlockSize) {

    /**
     * @param rdev the device number ({@code st_rdev}, the {@code unix:rdev} attribute)
     * @return the device's queue limits, or null when sysfs does not show them
     */
    static BlockQueue of(long rdev) {
        Path dev = Path.of("/sys/dev/block", number(rdev));
        Path queue = dev.resolve("queue");
        if (!Files.isDirectory(queue)) {
            queue = dev.resolve("../queue");
        }
        try {
            return new BlockQueue(number(queue.resolve("write_zeroes_max_bytes")),
                    (int) number(queue.resolve("logical_block_size")));
        } catch (IOException | NumberFormatException e) {
            return null;
        }
    }

    /**
     * @param rdev a device number as the kernel hands it to user space
     * @return {@code MAJ:MIN}, the way sysfs names it (glibc's gnu_dev_major and gnu_dev_minor:
     *     12 + 20 bits of major, 8 + 24 bits of minor)
     */
    static String number(long rdev) {
        long major = ((rdev >>> 8) & 0xfff) | ((rdev >>> 32) & ~0xfffL);
        long minor = (rdev & 0xff) | ((rdev >>> 12) & 0xffffff00L);
        return major + ":" + minor;
    }

    private static long number(Path file) throws IOException {
        return Long.parseLong(Files.readString(file).trim());
    }
}
