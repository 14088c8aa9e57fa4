package org.jstgt.api.scsi;

import java.util.Map;

/**
 * A LUN definition as a device provider receives it (parsed from {@code etc/jstgt.lun-<name>.cfg}).
 *
 * @param name the LUN name ({@code <name>} in the file name)
 * @param origin the file (or PID) it came from, for messages
 * @param deviceType {@code device.type}
 * @param storeType {@code store.type}, or an empty string when the LUN names no store
 * @param blockSize {@code block.size} (logical block length in bytes)
 * @param readOnly {@code read.only}
 * @param vendor {@code vendor}, T10 vendor identification (at most 8 ASCII characters)
 * @param product {@code product}, product identification (at most 16 ASCII characters)
 * @param revision product revision level (4 ASCII characters)
 * @param serial {@code serial}, unit serial number (VPD 0x80)
 * @param naaId a stable 64-bit NAA IEEE Registered / locally assigned identifier for VPD 0x83
 * @param properties every key of the configuration as a string (device-specific keys)
 */
public record LunSpec(String name, String origin, String deviceType, String storeType, int blockSize,
        boolean readOnly, String vendor, String product, String revision, String serial, long naaId,
        Map<String, String> properties) {

    public LunSpec {
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
