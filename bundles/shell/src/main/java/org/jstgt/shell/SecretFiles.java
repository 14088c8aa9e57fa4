package org.jstgt.shell;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;

/**
 * The secrets directory of Config Admin's interpolation plugin (framework property
 * {@value #SECRETS_DIR}, {@code etc/secrets} in jstgt's {@code etc/custom.properties}): the shell
 * writes each secret there, owner-only, and puts {@code $[secret:<file>]} into the cfg file, so
 * that neither the file nor Karaf's {@code config:list} shows it.
 */
final class SecretFiles {
    /** The framework property naming the directory. */
    static final String SECRETS_DIR = "org.apache.felix.configadmin.plugin.interpolation.secretsdir";

    private final Path dir;

    private SecretFiles(Path dir) {
        this.dir = dir;
    }

    /**
     * @param dir the configured directory, or null when the property is not set
     * @return the directory to use, or empty when secrets have to stand in the cfg files
     */
    static Optional<SecretFiles> of(String dir) {
        if (dir == null || dir.isBlank() || dir.contains("${")) {
            return Optional.empty();
        }
        return Optional.of(new SecretFiles(Path.of(dir.trim())));
    }

    /** @return the directory */
    Path dir() {
        return dir;
    }

    /**
     * Writes a secret to {@code <dir>/<name>} readable by its owner only (the directory is created
     * owner-only when missing), replacing an older one atomically.
     *
     * @param name the file name
     * @param secret the secret
     * @return the reference to put into the cfg file
     */
    String store(String name, String secret) throws IOException {
        if (!Files.isDirectory(dir)) {
            Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        }
        Path tmp = dir.resolve("." + name + ".tmp");
        Files.deleteIfExists(tmp);
        try {
            Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } catch (FileAlreadyExistsException e) {
            throw new IOException("cannot create " + tmp + ": it appeared while being written", e);
        }
        Files.writeString(tmp, secret, StandardCharsets.UTF_8, StandardOpenOption.TRUNCATE_EXISTING);
        Files.move(tmp, dir.resolve(name), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        return reference(name);
    }

    /**
     * @param name a file name
     * @return {@code $[secret:<name>]}
     */
    static String reference(String name) {
        return "$[secret:" + name + "]";
    }

    /**
     * Deletes a secret the shell wrote.
     *
     * @param name the file name
     * @return true when it existed
     */
    boolean delete(String name) throws IOException {
        return Files.deleteIfExists(dir.resolve(name));
    }
}
