package org.jstgt.itests;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;

/**
 * Checks that a file of a Karaf's {@code etc/} holds given bytes. FileInstall writes each
 * configuration it creates or updates back to its file in place (truncate, then write) a moment
 * after it read the file, so a single read made then can find the file empty or cut although it
 * ends whole: the check reads again until the file holds the bytes, and fails with the last
 * difference when it never does within the wait. Plain JDK only, so that a test running in a
 * stock Karaf can load it before jstgt's testkit is there.
 */
final class EtcFileCheck {
    private EtcFileCheck() {
    }

    static void assertHolds(Path file, byte[] expected, Duration wait) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + wait.toNanos();
        while (true) {
            byte[] found;
            try {
                found = Files.readAllBytes(file);
            } catch (NoSuchFileException e) {
                found = null;
            }
            if (found != null && Arrays.equals(expected, found)) {
                return;
            }
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError(file + ": " + difference(expected, found) + " (after " + wait.toSeconds()
                        + " s of reading it again)");
            }
            Thread.sleep(100);
        }
    }

    static void assertHolds(Path file, String expected, Duration wait) throws IOException, InterruptedException {
        assertHolds(file, expected.getBytes(StandardCharsets.UTF_8), wait);
    }

    /** Says where {@code found} first differs from {@code expected}, for a failure message. */
    static String difference(byte[] expected, byte[] found) {
        if (found == null) {
            return "missing, expected " + expected.length + " bytes";
        }
        int at = Arrays.mismatch(expected, found);
        return found.length + " bytes, expected " + expected.length + "; first difference at byte " + at
                + ": expected " + describe(expected, at) + ", found " + describe(found, at);
    }

    private static String describe(byte[] bytes, int at) {
        if (at >= bytes.length) {
            return "the end of the file";
        }
        int end = Math.min(bytes.length, at + 40);
        return "\"" + new String(bytes, at, end - at, StandardCharsets.ISO_8859_1).replace("\n", "\\n") + "\"";
    }
}
