package org.jstgt.api.media;

import java.util.List;
import java.util.concurrent.CompletionStage;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * A media changer (SMC-3 tape library) as the shell drives it: its elements and MOVE MEDIUM. The
 * changer persists what it changes (which cartridge is in which element) itself. Callable from
 * any thread; moves run off the caller's thread, in order with the initiators' commands.
 */
@ConsumerType
public interface MediaChanger {

    /** @return every element in address order: transport, storage slots, import/export, drives */
    List<ChangerElement> elements();

    /**
     * Moves a cartridge as MOVE MEDIUM does (SMC-3 §6.4): into a data transfer element loads it
     * into that tape LUN, out of one unloads it first.
     *
     * @param source element address of the cartridge
     * @param destination element address to move it to
     * @return completes when moved; exceptionally with {@link IllegalArgumentException} for an
     *     address the changer does not have, {@link IllegalStateException} when the source is empty,
     *     the destination full or removal is prevented, or the drive's load or unload failure
     */
    CompletionStage<Void> move(int source, int destination);

    /**
     * Rereads the cartridge directory as INITIALIZE ELEMENT STATUS does: cartridges new in the
     * directory go to empty storage slots (import/export elements when no slot is free), and
     * elements whose cartridge file is gone become empty.
     *
     * @return completes when done
     */
    CompletionStage<Void> rescan();
}
