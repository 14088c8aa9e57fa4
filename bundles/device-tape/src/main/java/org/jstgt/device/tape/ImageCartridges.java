package org.jstgt.device.tape;

import java.io.IOException;
import java.nio.file.Path;

import org.jstgt.device.tape.image.TapeImage;
import org.jstgt.device.tape.image.TapeImages;

/**
 * The one place where the drive meets the tape image format of package {@code image}: every
 * cartridge the provider and the {@link TapeFormatter} open or create goes through here.
 */
final class ImageCartridges implements Cartridges {

    @Override
    public TapeImage open(Path path, long capacityForNew) throws IOException {
        return TapeImages.open(path, capacityForNew);
    }

    @Override
    public void create(Path path, long capacity, boolean worm) throws IOException {
        TapeImages.create(path, capacity, worm);
    }

    @Override
    public long earlyWarning(TapeImage image) {
        return image.earlyWarning();
    }
}
