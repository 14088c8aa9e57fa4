package org.jstgt.device.dvd;

import java.io.IOException;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;

import org.jstgt.api.ConfigException;
import org.jstgt.api.media.MediumOpener;
import org.jstgt.api.scsi.LunSpec;
import org.jstgt.api.store.BackingStore;
import org.jstgt.api.store.StoreSpec;
import org.jstgt.scsi.spc.StoreCalls;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One loaded disc: an ISO image (ISO 9660 / UDF, 2048-byte logical blocks, read-only) opened
 * through the {@code file} store provider, with a reference count so that an eject never closes the
 * image under a read in flight. The tray holds one reference while the disc is loaded; every
 * command that touches the medium takes one for its duration ({@link #retain()}, {@link #release()});
 * the store is closed when the last reference goes.
 *
 * <p>Profile (MMC-6): an image of at most {@link #CD_MAX_BLOCKS} blocks (an 80-minute CD,
 * 79:59:74, about 703 MiB) is a CD-ROM (profile 0008h), anything larger a DVD-ROM (0010h).
 */
final class Disc {
    private static final Logger LOG = LoggerFactory.getLogger(Disc.class);

    /** The logical block length of CD-ROM Mode 1 and DVD-ROM user data. */
    static final int BLOCK = 2048;
    /** 80 minutes x 60 seconds x 75 sectors: the capacity of the largest standard CD. */
    static final long CD_MAX_BLOCKS = 80L * 60 * 75;
    /** CD-ROM profile (MMC-6). */
    static final int PROFILE_CD_ROM = 0x0008;
    /** DVD-ROM profile (MMC-6). */
    static final int PROFILE_DVD_ROM = 0x0010;
    /** The store type media are opened with. */
    static final String STORE_TYPE = "file";

    private final String path;
    private final BackingStore store;
    private final StoreCalls io;
    private final long blocks;
    private final Executor workers;
    private final AtomicInteger refs = new AtomicInteger(1);

    Disc(String path, BackingStore store, Executor workers, String lun) {
        this.path = path;
        this.store = store;
        this.workers = workers;
        this.io = new StoreCalls(store, workers, lun);
        this.blocks = store.size() / BLOCK;
    }

    /**
     * Opens an image read-only and checks its size.
     *
     * @param opener the core's media opener
     * @param spec the LUN (name and origin for the store's messages)
     * @param path the image's absolute path
     * @param workers where blocking store calls and the final close run
     * @return completes with the disc; exceptionally with {@link ConfigException} (key
     *     {@code medium}) for a path that is not absolute or an image the store refuses,
     *     {@link IllegalArgumentException} for an image whose size is not a positive multiple of
     *     2048 bytes, {@link IOException} when the file cannot be opened
     */
    static CompletionStage<Disc> open(MediumOpener opener, LunSpec spec, String path, Executor workers) {
        try {
            if (!Path.of(path).isAbsolute()) {
                return CompletableFuture.failedFuture(new ConfigException(DvdUnit.MEDIUM,
                        "'" + path + "' must be an absolute path"));
            }
        } catch (InvalidPathException e) {
            return CompletableFuture.failedFuture(new ConfigException(DvdUnit.MEDIUM,
                    "'" + path + "' is not a valid path: " + e.getReason()));
        }
        StoreSpec s = new StoreSpec(spec.name(), spec.origin(), path, 0, true, Map.of());
        CompletionStage<BackingStore> opened;
        try {
            opened = opener.open(STORE_TYPE, s);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
        return opened.thenApply(store -> {
            long size = store.size();
            if (size <= 0 || size % BLOCK != 0) {
                closeQuietly(store, spec.name());
                throw new IllegalArgumentException(path + " holds " + size + " bytes, not a positive multiple of "
                        + BLOCK + " (an ISO image)");
            }
            return new Disc(path, store, workers, spec.name());
        });
    }

    /** @return the image's path */
    String path() {
        return path;
    }

    /** @return the number of 2048-byte logical blocks */
    long blocks() {
        return blocks;
    }

    /** @return the address of the last logical block */
    long lastLba() {
        return blocks - 1;
    }

    /** @return the current profile the disc makes: CD-ROM or DVD-ROM by size */
    int profile() {
        return blocks <= CD_MAX_BLOCKS ? PROFILE_CD_ROM : PROFILE_DVD_ROM;
    }

    /** @return true for a DVD-ROM */
    boolean dvd() {
        return profile() == PROFILE_DVD_ROM;
    }

    /** @return the store calls (failures as sense) */
    StoreCalls io() {
        return io;
    }

    /**
     * Takes a reference, unless the disc is already closed.
     *
     * @return true when taken
     */
    boolean retain() {
        for (;;) {
            int r = refs.get();
            if (r == 0) {
                return false;
            }
            if (refs.compareAndSet(r, r + 1)) {
                return true;
            }
        }
    }

    /** Gives a reference back; the last one closes the store, off the caller's thread. */
    void release() {
        int r = refs.decrementAndGet();
        if (r < 0) {
            throw new IllegalStateException(path + ": released more often than retained");
        }
        if (r == 0) {
            try {
                workers.execute(() -> closeQuietly(store, path));
            } catch (RejectedExecutionException e) {
                closeQuietly(store, path);
            }
        }
    }

    /** @return the references held now (tests) */
    int references() {
        return refs.get();
    }

    private static void closeQuietly(BackingStore store, String what) {
        try {
            store.close();
        } catch (IOException | RuntimeException e) {
            LOG.warn("closing the medium {} failed: {}", what, e.toString());
        }
    }
}
