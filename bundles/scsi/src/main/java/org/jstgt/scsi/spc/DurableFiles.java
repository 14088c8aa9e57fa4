package org.jstgt.scsi.spc;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * Small state files that survive a crash whole or not at all: what a unit keeps across restarts
 * (saved mode pages, a drive's medium and position, a library's cartridges, reservations).
 */
public final class DurableFiles {
    private DurableFiles() {
    }

    /**
     * Replaces a file atomically and durably: writes {@code <file>.tmp}, forces it, renames it over
     * the file (atomically where the file system can) and forces the directory, so that after a
     * crash the file holds either its old or its new text. Blocks: call from a thread allowed to.
     *
     * @param file the file; its directory is created when missing
     * @param text the new content, written as UTF-8
     * @throws IOException when a step fails (the old file is then left as it was)
     */
    public static void replace(Path file, String text) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            ByteBuffer b = ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8));
            while (b.hasRemaining()) {
                ch.write(b);
            }
            ch.force(true);
        }
        try {
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
        }
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true);
        } catch (IOException e) {
            // not every platform opens a directory: the rename is then as durable as it gets there
        }
    }
}
