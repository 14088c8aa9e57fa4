package org.jstgt.store.memory;

import org.jstgt.api.ConfigException;
import org.jstgt.api.Sizes;
import org.jstgt.api.store.StoreSpec;

/** Validation of the size keys shared by the memory and null stores. */
final class MemorySizes {
    static final String CHUNK_KEY = "memory.chunk.size";

    private MemorySizes() {
    }

    static long requireSize(StoreSpec spec) throws ConfigException {
        if (spec.size() <= 0) {
            throw new ConfigException("size", "missing or 0: a memory store has no existing data to take "
                    + "its size from; set e.g. size = 1GiB");
        }
        return spec.size();
    }

    static int chunkSize(StoreSpec spec) throws ConfigException {
        String text = spec.property(CHUNK_KEY, null);
        if (text == null) {
            return MemoryStore.DEFAULT_CHUNK;
        }
        long v = Sizes.parse(CHUNK_KEY, text);
        if (v < 4096 || v > (64 << 20) || Long.bitCount(v) != 1) {
            throw new ConfigException(CHUNK_KEY, "'" + text + "' must be a power of two between 4KiB and 64MiB");
        }
        return (int) v;
    }
}
