package org.jstgt.device.tape;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.jstgt.device.tape.image.TapeImage;

/**
 * Cartridges as {@link MemoryTape}s by path. A cartridge also exists as a file (a marker), so that
 * the drive's checks for vanished and empty files see it; without a file it is created at open.
 */
final class MemoryCartridges implements Cartridges {
    final Map<Path, MemoryTape> tapes = new ConcurrentHashMap<>();
    int opens;

    @Override
    public TapeImage open(Path path, long capacityForNew) throws IOException {
        opens++;
        MemoryTape t = tapes.get(path);
        if (t == null || !Files.exists(path)) {
            if (!Files.exists(path.toAbsolutePath().getParent())) {
                throw new IOException(path + ": no such directory");
            }
            t = new MemoryTape(capacityForNew);
            tapes.put(path, t);
            Files.writeString(path, "tape");
        }
        t.closed = false;
        return t;
    }

    @Override
    public void create(Path path, long capacity, boolean worm) throws IOException {
        if (Files.exists(path)) {
            throw new FileAlreadyExistsException(path.toString());
        }
        tapes.put(path, new MemoryTape(capacity, worm));
        Files.writeString(path, "tape");
    }

    /** Puts a cartridge at {@code path}. */
    MemoryTape put(Path path, MemoryTape tape) throws IOException {
        tapes.put(path, tape);
        Files.writeString(path, "tape");
        return tape;
    }
}
