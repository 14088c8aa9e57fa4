package org.jstgt.device.dvd;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;

import org.jstgt.scsi.spc.DurableFiles;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The drive's state file, {@code <dir>/<lun>.state} ({@link TrayState}): replaced whole (written to
 * a temporary file, forced, renamed over the old one, directory forced), so that a crash leaves the
 * old state or the new one. Writes run on the drive's workers, the latest state only, one at a
 * time. A file that cannot be read is logged with its path and ignored. A drive without a directory
 * (tests, a provider made with {@code new}) keeps nothing.
 */
final class TrayFile {
    private static final Logger LOG = LoggerFactory.getLogger(TrayFile.class);

    private final Path file;
    private final String lun;
    private final Executor workers;
    /** The state to write next; null when nothing is pending. Under this. */
    private TrayState pending;
    private boolean running;
    private CompletableFuture<Void> idle = CompletableFuture.completedFuture(null);

    /**
     * @param dir the directory of the drives' state files, or null to keep nothing
     * @param lun the LUN name
     * @param workers where files are written
     */
    TrayFile(Path dir, String lun, Executor workers) {
        this.file = dir == null ? null : dir.resolve(fileName(lun));
        this.lun = lun;
        this.workers = workers;
    }

    /** @return the file name of a LUN: characters other than letters, digits, '.', '_' and '-' as {@code %XX} */
    static String fileName(String lun) {
        StringBuilder b = new StringBuilder();
        for (byte c : lun.getBytes(StandardCharsets.UTF_8)) {
            if (c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '.' || c == '_'
                    || c == '-') {
                b.append((char) c);
            } else {
                b.append('%').append(String.format("%02X", c & 0xFF));
            }
        }
        return b.append(".state").toString();
    }

    /** @return the file, or null when the drive keeps nothing */
    Path file() {
        return file;
    }

    /** @return completes when every state handed to {@link #save} so far is written */
    synchronized CompletionStage<Void> idle() {
        return idle;
    }

    /** @return the saved state, empty when there is none or it cannot be read */
    Optional<TrayState> load() {
        if (file == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(TrayState.decode(Files.readString(file, StandardCharsets.UTF_8)));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException | RuntimeException e) {
            LOG.warn("LUN {}: the saved drive state in {} is ignored: {}", lun, file, e.toString());
            return Optional.empty();
        }
    }

    /**
     * Writes a state, replacing any not yet written.
     *
     * @param state the state
     * @return completes when this state or a later one is on disk (never exceptionally: a failure is logged)
     */
    CompletionStage<Void> save(TrayState state) {
        if (file == null) {
            return CompletableFuture.completedFuture(null);
        }
        CompletableFuture<Void> done;
        boolean start;
        synchronized (this) {
            pending = state;
            start = !running;
            if (start) {
                running = true;
                idle = new CompletableFuture<>();
            }
            done = idle;
        }
        if (start) {
            try {
                workers.execute(this::drain);
            } catch (RejectedExecutionException e) {
                drain();
            }
        }
        return done;
    }

    private void drain() {
        for (;;) {
            TrayState next;
            CompletableFuture<Void> nowIdle = null;
            synchronized (this) {
                next = pending;
                pending = null;
                if (next == null) {
                    running = false;
                    nowIdle = idle;
                }
            }
            if (nowIdle != null) {
                nowIdle.complete(null);
                return;
            }
            try {
                write(next.encode());
            } catch (IOException | RuntimeException e) {
                LOG.error("LUN {}: cannot save the drive state to {}: {}", lun, file, e.toString());
            }
        }
    }

    private void write(String text) throws IOException {
        DurableFiles.replace(file, text);
    }
}
