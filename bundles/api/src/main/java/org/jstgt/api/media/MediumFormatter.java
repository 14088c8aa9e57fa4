package org.jstgt.api.media;

import java.io.IOException;
import java.nio.file.Path;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * Creates blank media of a device's own image format (a tape bundle registers one for its
 * cartridges), so the shell can make cartridges without knowing the format. Registered as an OSGi
 * service with property {@link #FORMAT}.
 */
@ConsumerType
public interface MediumFormatter {
    /** Service property naming the medium format ({@code tape}). */
    String FORMAT = "jstgt.medium.format";

    /** @return the file name extension of this format's media, without the dot ({@code tape}) */
    String extension();

    /**
     * Creates a blank medium.
     *
     * @param path the file to create; must not exist
     * @param capacity the medium's native capacity in bytes
     * @throws java.nio.file.FileAlreadyExistsException when the file exists
     * @throws IllegalArgumentException when the capacity is out of the format's range (the message
     *     says the range)
     * @throws IOException when the file cannot be written
     */
    void create(Path path, long capacity) throws IOException;
}
