package org.jstgt.device.tape;

import java.io.IOException;
import java.nio.file.Path;

import org.jstgt.api.media.MediumFormatter;
import org.osgi.service.component.annotations.Component;

/**
 * Creates blank tape cartridges ({@code .tape} files) for the shell's {@code iscsi:cartridge-create}
 * and for changers, without them knowing the image format.
 */
@Component(service = MediumFormatter.class, property = MediumFormatter.FORMAT + "=" + TapeFormatter.FORMAT)
public final class TapeFormatter implements MediumFormatter {
    /** The {@value MediumFormatter#FORMAT} this formatter serves. */
    public static final String FORMAT = "tape";

    private final Cartridges cartridges;

    /** The formatter of the bundle's image format. */
    public TapeFormatter() {
        this(new ImageCartridges());
    }

    TapeFormatter(Cartridges cartridges) {
        this.cartridges = cartridges;
    }

    @Override
    public String extension() {
        return FORMAT;
    }

    @Override
    public void create(Path path, long capacity) throws IOException {
        cartridges.create(path, capacity, false);
    }
}
