package org.jstgt.shell;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.InterruptedIOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

import org.apache.felix.utils.properties.TypedProperties;

/**
 * Writes an {@code etc/*.cfg} file all at once: a new one, or an existing one with a
 * configuration's new keys.
 *
 * <p>An existing file keeps its comments, the order of its keys and the text of every value that did not
 * change, placeholders such as {@code ${karaf.data}} included: it is read as FileInstall reads it,
 * with placeholders resolved, so a value the commands pass back unchanged matches and keeps its
 * line. The new text goes to a temporary file beside it (not named {@code *.cfg}, so FileInstall
 * ignores it), with the old file's permissions, reaches the disk, then replaces the file in one
 * rename: FileInstall's write-back and its scanner never read half of it, and a crash leaves the old
 * file or the new one. A symbolic link stays a link; the file it points to is replaced.
 */
final class CfgFile {
    private static final int REREADS = 50;
    private static final long REREAD_PAUSE_MS = 10;

    private CfgFile() {
    }

    /**
     * @param file the file, which exists
     * @param held the keys Config Admin holds for it now, which the file holds too
     * @param properties every key it should hold, with its value; keys not named are removed
     * @throws IOException naming the file when it cannot be read or replaced
     */
    static void rewrite(Path file, Set<String> held, Map<String, Object> properties) throws IOException {
        Path target = file.toRealPath();
        if (!Files.isWritable(target)) {
            throw new AccessDeniedException(target.toString(), null, "not writable: the change was not made");
        }
        TypedProperties p = read(target, held);
        for (String key : new ArrayList<>(p.keySet())) {
            if (!properties.containsKey(key)) {
                p.remove(key);
            }
        }
        for (Map.Entry<String, Object> e : properties.entrySet()) {
            if (!e.getValue().equals(p.get(e.getKey()))) {
                p.put(e.getKey(), e.getValue());
            }
        }
        replace(target, p, permissions(target));
    }

    /**
     * Reads the file as FileInstall does, whole. FileInstall writes a file back in place, a moment
     * after each change: it truncates it, then writes it, and the kernel lets a read in between see
     * it empty or cut at a page. A read is taken when the file kept its size and time across it and
     * holds every key Config Admin holds; otherwise it is read again a moment later, for at most half
     * a second, so that no comment of the file's end is lost.
     */
    private static TypedProperties read(Path file, Set<String> held) throws IOException {
        for (int attempt = 0;; attempt++) {
            BasicFileAttributes before = Files.readAttributes(file, BasicFileAttributes.class);
            byte[] text = Files.readAllBytes(file);
            BasicFileAttributes after = Files.readAttributes(file, BasicFileAttributes.class);
            TypedProperties p = new TypedProperties((name, key, value) -> System.getProperty(value));
            p.load(new InputStreamReader(new ByteArrayInputStream(text), StandardCharsets.ISO_8859_1));
            boolean whole = before.size() == text.length && after.size() == text.length
                    && before.lastModifiedTime().equals(after.lastModifiedTime()) && p.keySet().containsAll(held);
            if (whole || attempt == REREADS) {
                return p;
            }
            try {
                Thread.sleep(REREAD_PAUSE_MS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("reading " + file);
            }
        }
    }

    /**
     * Writes a new file, in one rename as {@link #rewrite} does. A file left there (by an earlier
     * failure, say) is replaced and its permissions kept.
     *
     * @param file the file
     * @param properties its keys, in order
     * @param ownerOnly a new file is readable by its owner only (it holds secrets); else it gets
     *     the process's default permissions
     * @throws IOException naming the file when it cannot be written
     */
    static void create(Path file, Map<String, Object> properties, boolean ownerOnly) throws IOException {
        TypedProperties p = new TypedProperties(false);
        properties.forEach(p::put);
        if (Files.exists(file)) {
            replace(file.toRealPath(), p, permissions(file.toRealPath()));
        } else {
            replace(file, p, ownerOnly && posix(file) ? PosixFilePermissions.fromString("rw-------") : null);
        }
    }

    private static boolean posix(Path file) {
        return file.getFileSystem().supportedFileAttributeViews().contains("posix");
    }

    private static Set<PosixFilePermission> permissions(Path file) throws IOException {
        PosixFileAttributeView view = Files.getFileAttributeView(file, PosixFileAttributeView.class);
        return view == null ? null : view.readAttributes().permissions();
    }

    /**
     * Writes the text to a new file beside the target, then renames it over the target.
     *
     * @param permissions the file's permissions, or null for the process's default
     */
    private static void replace(Path target, TypedProperties p, Set<PosixFilePermission> permissions)
            throws IOException {
        Path tmp = target.resolveSibling("." + target.getFileName() + "."
                + Long.toUnsignedString(ThreadLocalRandom.current().nextLong(), 36) + ".tmp");
        if (permissions == null) {
            Files.createFile(tmp);
        } else {
            // restrictive from the start: a secret is never readable by others, not even briefly
            Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        }
        try {
            if (permissions != null) {
                Files.setPosixFilePermissions(tmp, permissions);
            }
            p.save(tmp.toFile());
            try (FileChannel written = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
                written.force(true); // the rename must not reach the disk before the text does
            }
            try {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
    }
}
