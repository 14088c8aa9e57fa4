package org.jstgt.store.file;

import java.io.IOException;
import java.util.List;
import java.util.stream.Stream;

import org.jstgt.api.store.NoSpaceException;
import org.jstgt.store.file.hole.Holes;

/**
 * Tells a write that failed for want of space from a media error, for the paths whose failures
 * come from {@link java.nio.channels.FileChannel}: the JDK reports ENOSPC and EDQUOT as a plain
 * {@link IOException} worded as the C library's strerror(3), so the text is all there is to go by.
 * It is compared with the English texts and, where JNA is here, with those of the process's
 * locale. (The io_uring and fallocate paths see the error number itself.)
 */
final class NoSpace {
    private static final List<String> TEXTS = Stream.concat(
            Stream.of("No space left on device", "Disk quota exceeded"), Holes.noSpaceTexts().stream())
            .distinct().toList();

    private NoSpace() {
    }

    /**
     * @param e a write's failure
     * @param what what failed, with the store and the offset
     * @return a {@link NoSpaceException} when {@code e} says the space ran out, else {@code e}
     */
    static IOException classify(IOException e, String what) {
        if (e instanceof NoSpaceException || e.getMessage() == null || !TEXTS.contains(e.getMessage())) {
            return e;
        }
        return new NoSpaceException(what + " failed: " + e.getMessage(), e);
    }
}
