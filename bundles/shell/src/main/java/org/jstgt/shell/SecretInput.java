package org.jstgt.shell;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * Where a secret comes from: the console with echo off, asked twice, or a file only its owner can
 * read. Never a command-line argument, which would stay in the shell history. Messages name the
 * source, never the secret.
 */
final class SecretInput {
    /** Longest secret file read: a secret is at most 255 bytes. */
    static final int MAX_FILE = 4096;

    /** Reads one line without echoing it ({@code Session.readLine(prompt, '*')}). */
    @FunctionalInterface
    interface Console {
        /**
         * @param prompt what to print first
         * @return the line, or null at end of input
         */
        String readHidden(String prompt) throws IOException;
    }

    private SecretInput() {
    }

    /**
     * Asks for a secret twice.
     *
     * @param console the console
     * @param key the key the secret is for, for messages
     * @param prompt the first prompt
     * @return the secret
     * @throws IllegalArgumentException when nothing was entered or the two entries differ
     */
    static String ask(Console console, String key, String prompt) throws IOException {
        String first = console.readHidden(prompt + ": ");
        if (first == null || first.isEmpty()) {
            throw new IllegalArgumentException(key + ": no secret entered; nothing written");
        }
        String again = console.readHidden("Again: ");
        if (!first.equals(again)) {
            throw new IllegalArgumentException(key + ": the two entries differ; nothing written");
        }
        return first;
    }

    /**
     * Reads a secret from a file: UTF-8, one trailing line end stripped, and on POSIX systems
     * readable by its owner only (like {@code chmod 600}).
     *
     * @param option the option that named the file, for messages
     * @param file the file
     * @return the secret
     * @throws IllegalArgumentException when the file is missing, too large, readable by others or
     *     not UTF-8
     */
    static String fromFile(String option, Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException(option + ": " + file + " is not a file");
        }
        try {
            Set<PosixFilePermission> p = Files.getPosixFilePermissions(file);
            if (p.contains(PosixFilePermission.GROUP_READ) || p.contains(PosixFilePermission.OTHERS_READ)) {
                throw new IllegalArgumentException(option + ": " + file + " may be read by others ("
                        + PosixFilePermissions.toString(p) + "); chmod 600 it");
            }
        } catch (UnsupportedOperationException e) {
            // not a POSIX file system
        }
        if (Files.size(file) > MAX_FILE) {
            throw new IllegalArgumentException(option + ": " + file + " is larger than " + MAX_FILE
                    + " bytes; a secret is at most " + Checks.SECRET_MAX);
        }
        String s;
        try {
            s = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(Files.readAllBytes(file)))
                    .toString();
        } catch (CharacterCodingException e) {
            throw new IllegalArgumentException(option + ": " + file + " is not UTF-8 text");
        }
        if (s.endsWith("\n")) {
            s = s.substring(0, s.length() - (s.endsWith("\r\n") ? 2 : 1));
        }
        return s;
    }
}
