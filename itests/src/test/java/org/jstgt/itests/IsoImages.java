package org.jstgt.itests;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** ISO 9660 images for the removable media tests, made by genisoimage or else xorriso. */
final class IsoImages {
    private IsoImages() {
    }

    /**
     * Runs {@code genisoimage} (or {@code xorriso -as mkisofs}) with {@code options}, then
     * {@code -o iso dir}.
     *
     * @param dir the directory to put on the disc
     * @param iso the image to write
     * @param options mkisofs options, e.g. {@code -quiet -R}
     * @return {@code iso}
     */
    static Path make(Path dir, Path iso, String... options) throws Exception {
        List<String> command = new ArrayList<>();
        if (Processes.onPath("genisoimage")) {
            command.add("genisoimage");
        } else if (Processes.onPath("xorriso")) {
            command.addAll(List.of("xorriso", "-as", "mkisofs"));
        } else {
            throw new AssertionError("neither genisoimage nor xorriso is installed (./jstgt test installs genisoimage)");
        }
        command.addAll(List.of(options));
        command.addAll(List.of("-o", iso.toString(), dir.toString()));
        Processes.run(Duration.ofSeconds(120), command.toArray(String[]::new)).assertSuccess();
        return iso;
    }
}
