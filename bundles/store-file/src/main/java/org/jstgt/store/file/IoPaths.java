package org.jstgt.store.file;

/**
 * The paths a LUN's configuration lets its store take besides the file I/O threads.
 *
 * @param ring {@code store.io_uring}: the asking event loop's io_uring, when it has one
 * @param inline {@code store.inline}: the calling thread, for a file on tmpfs or ramfs
 *     ({@link InlineIo}); it comes before the ring there
 */
record IoPaths(boolean ring, boolean inline) {
}
