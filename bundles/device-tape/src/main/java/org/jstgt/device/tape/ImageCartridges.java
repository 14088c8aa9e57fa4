package org.jstgt.device.tape;

import java.io.IOException;
import java.nio.file.Path;

import org.jstgt.device.tape.image.TapeImage;

/**
 * The one place where the drive meets the tape image format of package {@code image}: every
 * cartridge the provider and the {@link TapeFormatter} open or create goes through here.
 *
 * <p>Connecting the format: {@link #open} returns {@code TapeImages.open(path, capacityForNew)},
 * {@link #create} calls {@code TapeImages.create(path, capacity, worm)}, and
 * {@link #earlyWarning} returns {@code image.earlyWarning()} once the image offers it. Until the
 * format's factory is part of the bundle, opening fails with an {@link IOException} that says so,
 * and the drive stays empty.
 */
final class ImageCartridges implements Cartridges {

    @Override
    public TapeImage open(Path path, long capacityForNew) throws IOException {
        throw new IOException(path + ": the tape image format is not connected to the drive in this build");
    }

    @Override
    public void create(Path path, long capacity, boolean worm) throws IOException {
        throw new IOException(path + ": the tape image format is not connected to the drive in this build");
    }
}
