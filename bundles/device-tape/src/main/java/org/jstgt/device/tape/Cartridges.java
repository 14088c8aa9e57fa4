package org.jstgt.device.tape;

import java.io.IOException;
import java.nio.file.Path;

import org.jstgt.device.tape.image.TapeImage;

/**
 * Opens and creates tape cartridges: the drive's only way to the image format, so that the format
 * (package {@code image}) and the drive meet in one place ({@link ImageCartridges}).
 */
interface Cartridges {

    /**
     * Opens a cartridge, creating a blank one when the file does not exist.
     *
     * @param path the cartridge file
     * @param capacityForNew native capacity in bytes of a cartridge created here
     * @return the open image, owned by the caller
     * @throws IOException when the file cannot be opened or created, or is not a tape image
     */
    TapeImage open(Path path, long capacityForNew) throws IOException;

    /**
     * Creates a blank cartridge.
     *
     * @param path the file; must not exist
     * @param capacity native capacity in bytes
     * @param worm a write-once cartridge
     * @throws java.nio.file.FileAlreadyExistsException when the file exists
     * @throws IllegalArgumentException when the capacity is outside the format's range
     * @throws IOException when the file cannot be written
     */
    void create(Path path, long capacity, boolean worm) throws IOException;

    /**
     * The size of the early-warning zone before the end of a cartridge (SSC-3, early warning): writes that
     * end in it succeed with EOM set. By default 2% of the capacity, at most 64 MiB.
     *
     * @param image an open image
     * @return bytes before {@link TapeImage#capacity()} where early warning begins
     */
    default long earlyWarning(TapeImage image) {
        return Math.min(image.capacity() / 50, 64L << 20);
    }
}
