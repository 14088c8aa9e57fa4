package org.jstgt.api.scsi;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * A device emulation bound to one LUN and its store. Created by a {@link DeviceProvider}; the SCSI
 * core owns task sets, unit attentions and REPORT LUNS around it.
 */
@ConsumerType
public interface LogicalUnit extends AutoCloseable {

    /**
     * Parses and validates a CDB. Cheap and non-blocking; runs on the transport's thread.
     *
     * @param task the task (CDB, LUN, identities); its buffers are not yet available
     * @return the parsed command
     * @throws ScsiException for bad CDB fields, unsupported opcodes (INVALID COMMAND OPERATION CODE),
     *     LBA out of range, write to a read-only unit, etc.
     */
    CommandDescriptor parse(ScsiTask task) throws ScsiException;

    /** @return the SPC peripheral device type (0 = direct access, 1 = sequential, 5 = CD/DVD, 8 = changer) */
    int peripheralDeviceType();

    /** @return capacity in bytes as the initiator sees it (for listings) */
    long capacityBytes();

    /**
     * Releases the device; the store is closed by the core afterwards. No command is in flight when
     * this is called.
     */
    @Override
    void close();
}
