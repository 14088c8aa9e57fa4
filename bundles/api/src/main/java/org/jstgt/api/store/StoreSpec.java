package org.jstgt.api.store;

import java.util.Map;

/**
 * What a LUN asks of its store, from the {@code jstgt.lun} configuration.
 *
 * @param lunName the LUN's name (for messages)
 * @param origin the configuration file or PID (for messages)
 * @param path {@code store.path}, may be null for stores that need none
 * @param size {@code size} in bytes; 0 means "use the existing size" (files and block devices)
 * @param readOnly {@code read.only}
 * @param properties every configuration key as a string, for store-specific keys
 *     ({@code store.preallocate}, ...)
 */
public record StoreSpec(String lunName, String origin, String path, long size, boolean readOnly,
        Map<String, String> properties) {

    public StoreSpec {
        properties = Map.copyOf(properties);
    }

    /**
     * @param key a configuration key
     * @param defaultValue the value when absent or blank
     * @return the value
     */
    public String property(String key, String defaultValue) {
        String v = properties.get(key);
        return v == null || v.isBlank() ? defaultValue : v.trim();
    }
}
