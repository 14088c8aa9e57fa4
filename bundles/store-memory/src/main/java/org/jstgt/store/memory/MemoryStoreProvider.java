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
 * Optional key {@code memory.chunk.size} (default 64KiB, power of two between 4KiB and 64MiB).
 */
@Component(service = BackingStoreProvider.class, property = BackingStoreProvider.TYPE + "=memory")
public final class MemoryStoreProvider implements BackingStoreProvider {
    private static final Logger LOG = LoggerFactory.getLogger(MemoryStoreProvider.class);

    /** The heap all memory LUNs of this provider fill together. */
    private final MemoryBudget budget = MemoryBudget.forHeap(Runtime.getRuntime().maxMemory());

    @Activate
    public MemoryStoreProvider() {
        // no configuration: every setting comes from the LUN
    }

    @Override
    public BackingStore open(StoreSpec spec) throws ConfigException {
        long size = MemorySizes.requireSize(spec);
        int chunk = MemorySizes.chunkSize(spec);
        MemoryStore store;
        try {
            store = new MemoryStore(spec.lunName(), size, spec.readOnly(), chunk, budget);
        } catch (IllegalArgumentException e) {
            throw new ConfigException("size", e.getMessage() + "; make the LUN smaller, raise "
                    + MemorySizes.CHUNK_KEY + " or JSTGT_HEAP");
        }
        long promised = budget.promised();
        if (promised > budget.limit()) {
            long heap = Runtime.getRuntime().maxMemory();
            LOG.warn("{}: LUN {}: the memory LUNs now open hold up to {} bytes, more than the {} bytes of heap they "
                    + "may fill together (the Java heap of {} bytes less {} left to the rest of the target); a write "
                    + "that needs more fails with SPACE ALLOCATION FAILED WRITE PROTECT (DATA PROTECT 27h/07h). Raise "
                    + "JSTGT_HEAP or make memory LUNs smaller", spec.origin(), spec.lunName(), promised,
                    budget.limit(), heap, MemoryBudget.reserve(heap));
        }
        return store;
    }
}
