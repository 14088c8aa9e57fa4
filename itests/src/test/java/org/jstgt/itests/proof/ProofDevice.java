package org.jstgt.itests.proof;

import java.util.Map;

import org.jstgt.api.ConfigException;
import org.jstgt.api.scsi.DeviceProvider;
import org.jstgt.api.scsi.LogicalUnit;
import org.jstgt.api.scsi.UnitContext;

/**
 * Proof of the device SPI (test code, never shipped): a device type, {@code proof}, that uses what a
 * disk does not. A {@code proof.role = drive} LUN has no store, queues its commands in arrival
 * order, loads media through the core, raises its own unit attention when a medium arrives, and
 * answers a short read with data and CHECK CONDITION together. A {@code proof.role = changer} LUN
 * loads a cartridge into the drive LUN named by {@code proof.drive} through the LUN directory.
 * Registered by the test as an OSGi service with {@code jstgt.device.type = proof}.
 */
public final class ProofDevice implements DeviceProvider {
    /** The device type the test configures. */
    public static final String TYPE = "proof";
    /** Service properties to register it with. */
    public static final Map<String, Object> PROPERTIES = Map.of(DeviceProvider.TYPE, TYPE);

    @Override
    public LogicalUnit create(UnitContext context) throws ConfigException {
        String role = context.spec().property("proof.role", "");
        return switch (role) {
            case "drive" -> new ProofDrive(context);
            case "changer" -> {
                String drive = context.spec().property("proof.drive", "");
                if (drive.isEmpty()) {
                    throw new ConfigException("proof.drive", "a changer names its drive LUN");
                }
                yield new ProofChanger(context, drive);
            }
            default -> throw new ConfigException("proof.role", "'" + role + "' is not drive or changer");
        };
    }
}
