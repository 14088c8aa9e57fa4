package org.jstgt.api.scsi;

import org.jstgt.api.ConfigException;
import org.jstgt.api.store.BackingStore;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * Creates logical units of one device type. Registered as an OSGi service with property
 * {@link #TYPE}.
 */
@ConsumerType
public interface DeviceProvider {
    /** Service property naming the device type ({@code disk}, {@code dvd}, {@code tape}, ...). */
    String TYPE = "jstgt.device.type";

    /**
     * Builds the emulation. Called from configuration threads.
     *
     * @param spec the LUN definition
     * @param store the opened store (owned by the caller, closed after the unit)
     * @return the unit
     * @throws ConfigException when a device key is bad (the key is named)
     */
    LogicalUnit create(LunSpec spec, BackingStore store) throws ConfigException;
}
