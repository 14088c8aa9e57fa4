package org.jstgt.store.memory;

import org.jstgt.api.ConfigException;
import org.jstgt.api.store.BackingStore;
import org.jstgt.api.store.BackingStoreProvider;
import org.jstgt.api.store.StoreSpec;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code store.type = memory}: a sparse RAM store of {@code size} bytes, lost when the LUN closes.
 * Optional key {@code memory.chunk.size} (default 1MiB, power of two between 4KiB and 64MiB).
 */
@Component(service = BackingStoreProvider.class, property = BackingStoreProvider.TYPE + "=memory")
public final class MemoryStoreProvider implements BackingStoreProvider {
    private static final Logger LOG = LoggerFactory.getLogger(MemoryStoreProvider.class);

    @Activate
    public MemoryStoreProvider() {
        // no configuration: every setting comes from the LUN
    }

    @Override
    public BackingStore open(StoreSpec spec) throws ConfigException {
        long size = MemorySizes.requireSize(spec);
        int chunk = MemorySizes.chunkSize(spec);
        long heap = Runtime.getRuntime().maxMemory();
        if (heap != Long.MAX_VALUE && size > heap) {
            LOG.warn("{}: LUN {}: memory store of {} bytes is larger than the Java heap ({} bytes); "
                    + "writes fail with a media error once the heap is exhausted", spec.origin(), spec.lunName(),
                    size, heap);
        }
        return new MemoryStore(spec.lunName(), size, spec.readOnly(), chunk);
    }
}
