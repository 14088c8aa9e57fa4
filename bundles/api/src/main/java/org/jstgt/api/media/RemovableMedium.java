package org.jstgt.api.media;

import java.util.Optional;
import java.util.concurrent.CompletionStage;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * The medium slot of a unit with removable media (DVD drive, tape drive), as another unit (a
 * changer moving a cartridge into or out of its drive) or the shell drives it. Loading and
 * unloading report the change to initiators through the unit's own
 * {@link org.jstgt.api.scsi.UnitEvents} (NOT READY TO READY CHANGE on load; MEDIUM NOT PRESENT
 * afterwards on unload). Callable from any thread; the work runs off the caller's thread.
 */
@ConsumerType
public interface RemovableMedium {

    /** @return the path of the loaded medium, or empty */
    Optional<String> loaded();

    /**
     * Loads a medium. A tape drive creates a cartridge that does not exist yet (or is an empty
     * file) with its {@code medium.size}; a DVD drive needs an existing image.
     *
     * @param path the medium's path (image file, cartridge file)
     * @return completes when loaded; exceptionally with {@link IllegalStateException} when a
     *     medium is loaded already, {@link java.io.IOException} when the medium cannot be opened,
     *     or {@link IllegalArgumentException} when it is not a medium of this device (a bad image)
     */
    CompletionStage<Void> load(String path);

    /**
     * Unloads the medium (as an eject: a tape is synced and left where the changer or an operator
     * can take it).
     *
     * @param force true to unload even while an initiator prevents medium removal (PREVENT ALLOW
     *     MEDIUM REMOVAL, SPC-4 §6.13): an administrator's override, which also ends the prevention
     * @return completes when unloaded; exceptionally with {@link IllegalStateException} when
     *     removal is prevented and {@code force} is false, or when nothing is loaded
     */
    CompletionStage<Void> unload(boolean force);

    /** @return true while some I_T nexus prevents medium removal */
    default boolean removalPrevented() {
        return false;
    }

    /**
     * @return a short, human-readable state for listings ({@code "block 120, file 3"},
     *     {@code "tray open"}); empty when there is nothing to add to {@link #loaded()}
     */
    default String status() {
        return "";
    }
}
