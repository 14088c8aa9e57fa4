package org.jstgt.api.media;

import java.util.Optional;
import java.util.concurrent.CompletionStage;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * The medium slot of a unit with removable media (DVD drive, tape drive), as another unit or the
 * shell drives it. Loading and unloading report the change to initiators through the unit's own
 * {@link org.jstgt.api.scsi.UnitEvents}.
 */
@ConsumerType
public interface RemovableMedium {

    /** @return the path of the loaded medium, or empty */
    Optional<String> loaded();

    /**
     * Loads a medium.
     *
     * @param path the medium's path (image file, cartridge file)
     * @return completes when loaded; exceptionally with {@link IllegalStateException} when a
     *     medium is loaded already, or the open failure
     */
    CompletionStage<Void> load(String path);

    /**
     * Unloads the medium (SSC/MMC: as if ejected).
     *
     * @return completes when unloaded; exceptionally with {@link IllegalStateException} when
     *     removal is prevented (PREVENT ALLOW MEDIUM REMOVAL) or nothing is loaded
     */
    CompletionStage<Void> unload();
}
