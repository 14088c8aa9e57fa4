package org.jstgt.api.scsi;

import org.jstgt.api.ConfigException;
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
     * Builds the emulation. Called from configuration threads; may block briefly (opening media).
     *
     * @param context the LUN definition, its store when {@code store.type} is set, and what the
     *     core offers a unit (media, events, the other LUNs)
     * @return the unit
     * @throws ConfigException when a device key is bad or a needed key is missing (the key is named)
     */
    LogicalUnit create(UnitContext context) throws ConfigException;
}
