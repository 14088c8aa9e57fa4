package org.jstgt.api.scsi;

import java.util.Optional;

import org.jstgt.api.ConfigException;
import org.jstgt.api.media.MediumOpener;
import org.jstgt.api.store.BackingStore;
import org.osgi.annotation.versioning.ProviderType;

/**
 * What the SCSI core gives a {@link DeviceProvider} to build one logical unit. A unit keeps the
 * context for its lifetime; it stays valid until the unit is closed.
 */
@ProviderType
public interface UnitContext {

    /** @return the LUN definition */
    LunSpec spec();

    /**
     * @return the store the core opened from {@code store.type} (owned by the core, closed after the
     *     unit), or empty when the LUN names no store type (a DVD or tape opens its media itself, a
     *     changer needs none)
     */
    Optional<BackingStore> store();

    /** @return opens media (DVD images, tape cartridges) through the installed store providers */
    MediumOpener media();

    /** @return the events the unit raises towards initiators (unit attentions, capacity and medium changes) */
    UnitEvents events();

    /** @return the logical units of the same configuration by name, for a unit that drives others */
    LunDirectory luns();

    /**
     * The store, for devices that cannot work without one.
     *
     * @return the store
     * @throws ConfigException naming {@code store.type} when the LUN has none
     */
    default BackingStore requireStore() throws ConfigException {
        return store().orElseThrow(() -> new ConfigException("store.type",
                "device.type " + spec().deviceType() + " needs a store: set store.type"));
    }
}
