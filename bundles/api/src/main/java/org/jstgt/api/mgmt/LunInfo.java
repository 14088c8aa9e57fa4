package org.jstgt.api.mgmt;

import java.util.List;

/**
 * A LUN as listed by {@code iscsi:lun-list}.
 *
 * @param name configuration name
 * @param origin configuration file
 * @param deviceType {@code device.type}
 * @param storeType {@code store.type}
 * @param sizeBytes capacity (configured, or actual when active)
 * @param blockSize logical block size
 * @param path {@code store.path} or store description
 * @param readOnly read-only flag
 * @param state ACTIVE, WAITING(...), FAILED(...)
 * @param mappings where it is mapped, as {@code <target name>:<lun number>}
 */
public record LunInfo(String name, String origin, String deviceType, String storeType, long sizeBytes,
        int blockSize, String path, boolean readOnly, String state, List<String> mappings) {
    public LunInfo {
        mappings = List.copyOf(mappings);
    }
}
