package org.jstgt.device.tape;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Optional;

import org.jstgt.scsi.spc.DurableFiles;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The drives' state files, {@code <dir>/<lun>.state} (characters of the LUN name other than
 * letters, digits, '.', '_' and '-' written as {@code %XX}), replaced whole: a temporary file is
 * written and forced, renamed over the old one, and the directory forced, so that a crash leaves
 * the old state or the new one. The directory is {@code ${karaf.data}/jstgt/media} under Karaf.
 */
final class StateFiles {
    private static final Logger LOG = LoggerFactory.getLogger(StateFiles.class);

    private final Path dir;
    private final String launch;

    /**
     * @param dir the directory (created at the first write)
     * @param launch this framework launch ({@code org.osgi.framework.uuid})
     */
    StateFiles(Path dir, String launch) {
        this.dir = dir;
        this.launch = launch == null || launch.isBlank() ? "unknown" : launch.strip();
    }

    /** @return this framework launch */
    String launch() {
        return launch;
    }

    /** @return the file of a LUN */
    Path file(String lun) {
        StringBuilder b = new StringBuilder();
        for (byte c : lun.getBytes(StandardCharsets.UTF_8)) {
            if (c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '.' || c == '_'
                    || c == '-') {
                b.append((char) c);
            } else {
                b.append('%').append(String.format("%02X", c & 0xFF));
            }
        }
        return dir.resolve(b.append(".state").toString());
    }

    /**
     * @param lun the LUN name
     * @return its state, or empty when there is none or it cannot be read (logged with the path)
     */
    Optional<DriveState> load(String lun) {
        Path f = file(lun);
        try {
            return Optional.of(DriveState.decode(Files.readString(f, StandardCharsets.UTF_8)));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException | RuntimeException e) {
            LOG.warn("LUN {}: the tape drive state in {} is ignored: {}", lun, f, e.toString());
            return Optional.empty();
        }
    }

    /**
     * Writes a LUN's state durably (on the unit's lane).
     *
     * @param lun the LUN name
     * @param state the state
     * @throws IOException when it cannot be written
     */
    void save(String lun, DriveState state) throws IOException {
        DurableFiles.replace(file(lun), state.encode());
    }
}
