package org.jstgt.store.file;

import java.io.IOException;
import java.lang.ref.Cleaner;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReferenceArray;

import org.jstgt.store.file.hole.Residency;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Views of a file on a memory file system ({@link org.jstgt.api.store.BackingStore#view}): read-only
 * shared mappings, which a transport sends from, so that read data is copied once (from the page
 * cache into the socket) instead of twice (into a buffer, then out of it).
 *
 * <p>The file is mapped a {@link #WINDOW} at a time, on first use, and a mapping is never undone by
 * hand: a view handed out keeps its mapping alive, and the mapping goes when the last view and the
 * store let go of it and it is collected. So that mappings stay few (each is a kernel memory map, and
 * a process has 65530 by default), at most {@link #MAX_WINDOWS} exist at once across all stores, a
 * count that drops as each is collected. A range across two windows, past that bound, after the
 * store closed or after a mapping failed gets no view (null): the caller reads instead, so a view is
 * never needed.
 *
 * <p>A view is given only of pages all in memory ({@link Residency}): on tmpfs a page that is not
 * is a hole (or swapped out), and reading a hole through a shared mapping allocates a page for it,
 * where read(2) returns zeros and allocates nothing; a thin LUN read from end to end would fill up
 * with pages of zeros. (A hole punched while a view of it is being sent gets its page back.) Without
 * JNA, which that check needs, there are no views.
 *
 * <p>Only for memory file systems: a mapping of a disk file would fault on the caller's thread (an
 * event loop) while the page comes in. Thread-safe.
 */
final class MappedViews {
    private static final Logger LOG = LoggerFactory.getLogger(MappedViews.class);
    /** Bytes per mapping. */
    static final long WINDOW = 1L << 30;
    /** Mappings across every store of the process. */
    static final int MAX_WINDOWS = 1024;
    private static final AtomicInteger WINDOWS = new AtomicInteger();
    /** Counts each window out of {@link #WINDOWS} once it is collected (its mapping then goes). */
    private static final Cleaner UNMAPPED = Cleaner.create();

    private final Path path;
    private final FileChannel channel;
    private final long size;
    private final AtomicReferenceArray<MappedByteBuffer> windows;
    /** Mappings this store made. */
    private int made;
    private volatile boolean off;

    /**
     * @param path the file, for the log
     * @param channel its channel (shared with the store; never closed here)
     * @param size the store's size: nothing past it is mapped
     */
    MappedViews(Path path, FileChannel channel, long size) {
        this.path = path;
        this.channel = channel;
        this.size = size;
        long count = (size + WINDOW - 1) / WINDOW;
        this.windows = new AtomicReferenceArray<>((int) Math.min(count, MAX_WINDOWS));
    }

    /**
     * @param offset byte offset (the store checked the range)
     * @param length byte count
     * @return a read-only view of those bytes, or null when there is none to give (see the class
     *     comment)
     */
    ByteBuffer view(long offset, int length) {
        if (off || length <= 0 || offset < 0 || offset + length > size) {
            return null;
        }
        long w = offset / WINDOW;
        if ((offset + length - 1) / WINDOW != w || w >= windows.length()) {
            return null;
        }
        MappedByteBuffer m = windows.get((int) w);
        if (m == null) {
            m = map((int) w);
            if (m == null) {
                return null;
            }
        }
        int at = (int) (offset - w * WINDOW);
        // a hole read through the mapping would get a page allocated: holes are read with read(2)
        return Residency.all(m, at, length) ? m.slice(at, length) : null;
    }

    /** @return windows mapped and not yet collected, across all stores (tests) */
    static int windowsInUse() {
        return WINDOWS.get();
    }

    /** @return how many windows are mapped for this store (tests) */
    synchronized int mapped() {
        return made;
    }

    /** No more views; the store lets go of its mappings (views handed out keep theirs). */
    synchronized void close() {
        off = true;
        for (int i = 0; i < windows.length(); i++) {
            windows.set(i, null);
        }
    }

    private synchronized MappedByteBuffer map(int w) {
        MappedByteBuffer m = windows.get(w);
        if (m != null || off) {
            return m;
        }
        // FileChannel.map is interruptible: an interrupt would close the channel of every LUN on it
        if (Thread.currentThread().isInterrupted()) {
            return null;
        }
        if (WINDOWS.incrementAndGet() > MAX_WINDOWS) {
            WINDOWS.decrementAndGet();
            return null;
        }
        long start = w * WINDOW;
        try {
            m = channel.map(FileChannel.MapMode.READ_ONLY, start, Math.min(WINDOW, size - start));
        } catch (IOException | RuntimeException e) {
            WINDOWS.decrementAndGet();
            off = true;
            LOG.warn("{}: cannot map bytes {}..{} ({}); its reads are copied instead", path, start,
                    Math.min(start + WINDOW, size), e.toString());
            return null;
        }
        UNMAPPED.register(m, WINDOWS::decrementAndGet);
        made++;
        windows.set(w, m);
        return m;
    }
}
