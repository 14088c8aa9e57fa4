package org.jstgt.api.media;

import java.util.concurrent.CompletionStage;

import org.jstgt.api.store.BackingStore;
import org.jstgt.api.store.StoreSpec;
import org.osgi.annotation.versioning.ProviderType;

/**
 * Opens a medium as a {@link BackingStore} through the store provider of a type ({@code file}, ...),
 * without the device bundle depending on that store bundle.
 */
@ProviderType
public interface MediumOpener {

    /**
     * Opens (creating when the provider does so for a new path) a medium. The work runs on a core
     * thread, never on the caller's: callable from an event loop.
     *
     * @param storeType the store type, as in {@code store.type}
     * @param spec path, size, read-only flag and provider keys
     * @return completes with the open store, owned by the caller (who closes it), or exceptionally
     *     with {@link org.jstgt.api.ConfigException} (bad key), {@link java.io.IOException} (cannot
     *     open) or {@link IllegalStateException} when no provider of the type is installed
     */
    CompletionStage<BackingStore> open(String storeType, StoreSpec spec);
}
