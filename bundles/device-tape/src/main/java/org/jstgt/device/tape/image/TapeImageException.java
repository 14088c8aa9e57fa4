package org.jstgt.device.tape.image;

import java.io.IOException;
import java.nio.file.Path;

/** A file that is not a tape image jstgt can open: foreign, damaged beyond recovery, of a later format version, or in use. */
public final class TapeImageException extends IOException {
    private static final long serialVersionUID = 1L;

    /**
     * @param file the image
     * @param problem what is wrong with it
     */
    public TapeImageException(Path file, String problem) {
        super(file + ": " + problem);
    }
}
