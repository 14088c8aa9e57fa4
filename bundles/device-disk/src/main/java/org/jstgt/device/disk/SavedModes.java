package org.jstgt.device.disk;

import java.io.IOException;
import java.io.Reader;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;

import org.jstgt.api.scsi.ScsiException;
import org.jstgt.api.scsi.SenseReason;
import org.jstgt.scsi.spc.ModeValues;
import org.jstgt.scsi.spc.DurableFiles;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The saved values of a unit's mode pages (MODE SELECT with SP, SPC-4 §6.9) in a properties file
 * of the device bundle's data area, {@code modes/<lun name>.properties}: one key per page,
 * {@code page.<code>} or {@code page.<code>.<subpage>} in hex, whose value is the page's
 * parameter bytes in hex. Read once when the unit is created (the saved values become current);
 * written whole on the workers, through a temporary file that is forced to disk and renamed over
 * the old one, so that a crash leaves the old or the new file. Without a file (no data area) the
 * saved values live as long as the unit.
 */
final class SavedModes {
    private static final Logger LOG = LoggerFactory.getLogger(SavedModes.class);
    private static final HexFormat HEX = HexFormat.of().withUpperCase();

    /** Null: nothing is written. */
    private final Path file;
    private final Executor workers;
    /** Serializes writers, so that the last file written holds the latest values. */
    private final Object writing = new Object();

    /**
     * @param file the file, or null to keep saved values in memory only
     * @param workers runs the blocking writes
     */
    SavedModes(Path file, Executor workers) {
        this.file = file;
        this.workers = workers;
    }

    /**
     * @param directory the directory of saved mode pages, or null
     * @param lun the LUN name
     * @return the file of the LUN, or null without a directory
     */
    static Path fileOf(Path directory, String lun) {
        return directory == null ? null : directory.resolve(lun.replaceAll("[^A-Za-z0-9._-]", "_") + ".properties");
    }

    /** @return the file, or null */
    Path file() {
        return file;
    }

    /**
     * Restores the saved values of the pages from the file. A file that cannot be read, or names a
     * page the unit does not have, or holds a value that is not hex of the page's length, is
     * logged at WARN with its name, and every page keeps its defaults.
     *
     * @param pages the unit's saveable pages
     */
    void load(List<ModeValues> pages) {
        if (file == null || !Files.exists(file)) {
            return;
        }
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.ISO_8859_1)) {
            p.load(r);
        } catch (IOException | IllegalArgumentException e) {
            LOG.warn("{}: saved mode pages not read ({}); the defaults apply", file, e.toString());
            return;
        }
        Map<ModeValues, byte[]> found = new LinkedHashMap<>();
        for (String key : p.stringPropertyNames()) {
            ModeValues page = pages.stream().filter(v -> key(v).equals(key)).findFirst().orElse(null);
            if (page == null) {
                LOG.warn("{}: '{}' is no mode page of this unit; the defaults apply", file, key);
                return;
            }
            byte[] values;
            try {
                values = HEX.parseHex(p.getProperty(key).trim());
            } catch (IllegalArgumentException e) {
                LOG.warn("{}: {}: not hex ({}); the defaults apply", file, key, e.getMessage());
                return;
            }
            if (values.length != page.current().length) {
                LOG.warn("{}: {}: {} bytes where the page has {}; the defaults apply", file, key, values.length,
                        page.current().length);
                return;
            }
            found.put(page, values);
        }
        found.forEach(ModeValues::restore);
    }

    /**
     * Writes the saved values of the pages, off the caller's thread.
     *
     * @param pages the unit's saveable pages
     * @param done where the completion runs (the task's executor)
     * @return completes once the file is durable; fails with INTERNAL TARGET FAILURE when it could
     *     not be written
     */
    CompletionStage<Void> save(List<ModeValues> pages, Executor done) {
        if (file == null) {
            return CompletableFuture.completedFuture(null);
        }
        CompletableFuture<Void> written = new CompletableFuture<>();
        try {
            workers.execute(() -> {
                try {
                    write(pages);
                    written.complete(null);
                } catch (IOException | RuntimeException e) {
                    LOG.warn("{}: saved mode pages not written: {}", file, e.toString());
                    written.completeExceptionally(new ScsiException(SenseReason.INTERNAL_TARGET_FAILURE,
                            "saving mode pages: " + e));
                }
            });
        } catch (RejectedExecutionException e) {
            written.completeExceptionally(new ScsiException(SenseReason.INTERNAL_TARGET_FAILURE, "unit closing"));
        }
        return written.whenCompleteAsync((v, e) -> { }, done);
    }

    private void write(List<ModeValues> pages) throws IOException {
        synchronized (writing) {
            Properties p = new Properties();
            for (ModeValues v : pages) {
                p.setProperty(key(v), HEX.formatHex(v.saved()));
            }
            StringWriter text = new StringWriter();
            p.store(text, "saved mode pages (MODE SELECT with SP); written by jstgt");
            // Properties.store escapes every non-ASCII character: the text is ASCII
            DurableFiles.replace(file, text.toString());
        }
    }

    private static String key(ModeValues v) {
        return v.subpageCode() == 0 ? String.format(Locale.ROOT, "page.%02X", v.pageCode())
                : String.format(Locale.ROOT, "page.%02X.%02X", v.pageCode(), v.subpageCode());
    }
}
