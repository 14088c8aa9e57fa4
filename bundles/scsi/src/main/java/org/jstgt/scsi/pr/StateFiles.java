package org.jstgt.scsi.pr;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.jstgt.scsi.spc.DurableFiles;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The reservations of each logical unit in a file of its own, {@code <dir>/<lun>.state}
 * ({@link StateFile}; characters of the LUN name other than letters, digits, '.', '_' and '-' are
 * written as {@code %XX}). A file is replaced whole: written to a temporary file, forced to the
 * device, renamed over the old one, and the directory forced, so that a crash leaves the old state or
 * the new one. Each file records the framework launch that wrote it: read in the same launch (the
 * core bundle was updated) everything is restored; read in a later launch (a restart) only a state
 * saved with APTPL is, and any other file is deleted (SPC-4 §5.13.5). A file that cannot be read is
 * logged with its path and ignored. Writes run on the given executor, one at a time per logical unit,
 * the latest state only.
 */
public final class StateFiles implements PrStore {
    private static final Logger LOG = LoggerFactory.getLogger(StateFiles.class);
    /** The pending job that deletes the file. */
    private static final Object DELETE = new Object();

    private final Path dir;
    private final String launch;
    private final Executor workers;
    private final int max;
    private final Map<String, FileWriter> writers = new ConcurrentHashMap<>();

    /**
     * @param dir the directory of the files (created at the first write)
     * @param launch this framework launch's identifier ({@code org.osgi.framework.uuid})
     * @param workers where files are written
     */
    public StateFiles(Path dir, String launch, Executor workers) {
        this(dir, launch, workers, PrEngine.MAX_REGISTRATIONS);
    }

    StateFiles(Path dir, String launch, Executor workers, int max) {
        this.dir = dir;
        this.launch = launch == null || launch.isBlank() ? "unknown" : launch.strip().replaceAll("\\s", "_");
        this.workers = workers;
        this.max = max;
    }

    /** @return the file of a LUN */
    Path file(String lun) {
        StringBuilder b = new StringBuilder();
        for (byte c : lun.getBytes(StandardCharsets.UTF_8)) {
            if (c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '.' || c == '_'
                    || c == '-') {
                b.append((char) c);
            } else {
                b.append('%').append(String.format("%02X", c & 0xFF));
            }
        }
        return dir.resolve(b.append(".state").toString());
    }

    @Override
    public PrState load(String lun) {
        Path f = file(lun);
        FileWriter w = writers.get(lun);
        if (w != null) {
            // a LUN defined again under a name just deleted: its file goes before it is read
            await(w.idle(), 5_000);
        }
        StateFile.Saved saved;
        try {
            byte[] bytes = Files.readAllBytes(f);
            String text = StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(bytes)).toString();
            List<String> lines = new ArrayList<>(List.of(text.split("\n", -1)));
            if (lines.get(lines.size() - 1).isEmpty()) {
                lines.remove(lines.size() - 1);
            }
            saved = StateFile.decode(lines, max);
        } catch (NoSuchFileException e) {
            return PrState.EMPTY;
        } catch (CharacterCodingException | StateFile.Corrupt e) {
            LOG.warn("LUN {}: the saved reservations in {} are ignored: not a reservations file of this version ({})",
                    lun, f, e.getMessage());
            return PrState.EMPTY;
        } catch (IOException | RuntimeException e) {
            LOG.warn("LUN {}: the saved reservations in {} are ignored: {}", lun, f, e.toString());
            return PrState.EMPTY;
        }
        if (saved.launch().equals(launch)) {
            LOG.info("LUN {}: reservations restored from {} ({} registrations)", lun, f,
                    saved.state().registrations().size());
            return saved.state();
        }
        if (saved.state().aptpl()) {
            LOG.info("LUN {}: reservations saved with APTPL restored from {} ({} registrations)", lun, f,
                    saved.state().registrations().size());
            return saved.state();
        }
        LOG.info("LUN {}: reservations of an earlier start without APTPL dropped ({})", lun, f);
        try {
            Files.deleteIfExists(f);
        } catch (IOException e) {
            LOG.warn("LUN {}: cannot delete {}: {}", lun, f, e.toString());
        }
        return PrState.EMPTY;
    }

    @Override
    public CompletionStage<Void> save(String lun, PrState state) {
        return writer(lun).submit(StateFile.encode(state, launch));
    }

    @Override
    public void delete(String lun) {
        writer(lun).submit(null);
    }

    @Override
    public boolean survivesRestart() {
        return true;
    }

    /**
     * Waits, bounded, for the writes under way (the core stops; its bundle may be updated next).
     *
     * @param millis the bound
     */
    public void flush(long millis) {
        await(CompletableFuture.allOf(writers.values().stream().map(FileWriter::idle)
                .toArray(CompletableFuture[]::new)), millis);
    }

    private static void await(CompletableFuture<?> writes, long millis) {
        try {
            writes.get(millis, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            LOG.warn("reservation files still being written after {} ms", millis);
        }
    }

    private FileWriter writer(String lun) {
        return writers.computeIfAbsent(lun, l -> new FileWriter(l, file(l)));
    }

    /** Writes one LUN's file: the latest text given, one write at a time. */
    private final class FileWriter {
        private final String lun;
        private final Path file;
        /** The text to write next, or {@link #DELETE}; null when nothing is pending. Under this. */
        private Object pending;
        private long submitted;
        private boolean running;
        private final ArrayDeque<Waiter> waiters = new ArrayDeque<>();
        private CompletableFuture<Void> idle = CompletableFuture.completedFuture(null);

        private record Waiter(long sequence, CompletableFuture<Void> done) {
        }

        FileWriter(String lun, Path file) {
            this.lun = lun;
            this.file = file;
        }

        synchronized CompletableFuture<Void> idle() {
            return idle;
        }

        CompletableFuture<Void> submit(String text) {
            CompletableFuture<Void> done = new CompletableFuture<>();
            boolean start;
            synchronized (this) {
                pending = text == null ? DELETE : text;
                waiters.add(new Waiter(++submitted, done));
                start = !running;
                if (start) {
                    running = true;
                    idle = new CompletableFuture<>();
                }
            }
            if (start) {
                try {
                    workers.execute(this::drain);
                } catch (RuntimeException e) {
                    // the executor stopped: write here rather than lose the state
                    drain();
                }
            }
            return done;
        }

        private void drain() {
            for (;;) {
                Object job;
                long upTo;
                CompletableFuture<Void> nowIdle = null;
                synchronized (this) {
                    job = pending;
                    upTo = submitted;
                    pending = null;
                    if (job == null) {
                        running = false;
                        nowIdle = idle;
                    }
                }
                if (nowIdle != null) {
                    nowIdle.complete(null);
                    return;
                }
                IOException failure = null;
                try {
                    if (job == DELETE) {
                        Files.deleteIfExists(file);
                    } else {
                        write((String) job);
                    }
                } catch (IOException | RuntimeException e) {
                    failure = e instanceof IOException io ? io : new IOException(e);
                    LOG.error("LUN {}: cannot save the reservations to {}: {}", lun, file, e.toString());
                }
                complete(upTo, failure);
            }
        }

        private void complete(long upTo, IOException failure) {
            List<CompletableFuture<Void>> done = new ArrayList<>();
            synchronized (this) {
                while (!waiters.isEmpty() && waiters.peek().sequence() <= upTo) {
                    done.add(waiters.poll().done());
                }
            }
            for (CompletableFuture<Void> d : done) {
                if (failure == null) {
                    d.complete(null);
                } else {
                    d.completeExceptionally(failure);
                }
            }
        }

        private void write(String text) throws IOException {
            DurableFiles.replace(file, text);
        }
    }
}
