package org.jstgt.store.memory;

import org.jstgt.api.ConfigException;
import org.jstgt.api.store.BackingStore;
import org.jstgt.api.store.BackingStoreProvider;
import org.jstgt.api.store.StoreSpec;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;

/** {@code store.type = null}: reads zeros, discards writes; for benchmarks of the protocol path. */
@Component(service = BackingStoreProvider.class, property = BackingStoreProvider.TYPE + "=null")
public final class NullStoreProvider implements BackingStoreProvider {

    @Activate
    public NullStoreProvider() {
        // no configuration: every setting comes from the LUN
    }

    @Override
    public BackingStore open(StoreSpec spec) throws ConfigException {
        return new NullStore(spec.lunName(), MemorySizes.requireSize(spec), spec.readOnly());
    }
}
