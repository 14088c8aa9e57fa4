package org.jstgt.api.store;

import java.io.IOException;

import org.jstgt.api.ConfigException;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * Opens stores of one type. Registered as an OSGi service with property {@link #TYPE}.
 */
@ConsumerType
public interface BackingStoreProvider {
    /** Service property naming the store type ({@code file}, {@code memory}, ...). */
    String TYPE = "jstgt.store.type";

    /**
     * Opens (creating when needed) a store. May block: it is called from configuration threads,
     * never from an event loop.
     *
     * @param spec what the LUN configuration asks for
     * @return the open store
     * @throws ConfigException when a key has a bad value (the key is named)
     * @throws IOException when the store cannot be opened or created
     */
    BackingStore open(StoreSpec spec) throws ConfigException, IOException;
}
