package org.jstgt.api.scsi;

import java.util.Optional;

import org.jstgt.api.media.MediaChanger;
import org.jstgt.api.media.RemovableMedium;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * A device emulation bound to one LUN. Created by a {@link DeviceProvider}; the SCSI core owns task
 * sets, unit attentions, reservations and REPORT LUNS around it.
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

    /** @return capacity in bytes as the initiator sees it (for listings; 0 without a medium) */
    long capacityBytes();

    /**
     * The sense data format of the unit's next commands (SPC-4 §4.5.1): D_SENSE of its Control
     * mode page (SPC-4 §7.5.8), which MODE SELECT may change. The core asks before each command.
     *
     * @param configured whether the LUN's configuration asks for descriptor format
     * @return true for descriptor format, false for fixed format; by default {@code configured}
     */
    default boolean descriptorSense(boolean configured) {
        return configured;
    }

    /**
     * The class of a command against persistent reservations (SPC-4 §5.13.1), for the core's
     * reservation conflict check. The core asks only while the logical unit has a reservation or
     * registrations, after the command parsed; never for the commands the core answers itself
     * (PERSISTENT RESERVE IN/OUT, RESERVE, RELEASE, REPORT LUNS, REQUEST SENSE). Must not block.
     *
     * @param cdb the command's CDB
     * @return its class; by default {@link ReservationClass#WRITE}, which conflicts with every
     *     reservation of another I_T nexus (the fail-safe answer)
     */
    default ReservationClass reservationClass(Cdb cdb) {
        return ReservationClass.WRITE;
    }

    /**
     * The unit's condition for REQUEST SENSE when no unit attention is pending (SPC-4 §6.39: the
     * sense data describes the logical unit's state): NOT READY, MEDIUM NOT PRESENT of an empty
     * drive, BECOMING READY while a medium loads. Called on the fabric's thread; must not block.
     *
     * @return the condition, or empty for none (NO ADDITIONAL SENSE INFORMATION)
     */
    default Optional<Sense> condition() {
        return Optional.empty();
    }

    /** @return how the core's task set runs this unit's commands */
    default Queueing queueing() {
        return Queueing.CONCURRENT;
    }

    /** @return the unit's removable medium slot, for changers and the shell; empty for fixed media */
    default Optional<RemovableMedium> removableMedium() {
        return Optional.empty();
    }

    /** @return the unit as a media changer, for the shell; empty for every other device type */
    default Optional<MediaChanger> mediaChanger() {
        return Optional.empty();
    }

    /**
     * An I_T nexus ended (logout, connection loss, session reinstatement): per-nexus state such as
     * a PREVENT ALLOW MEDIUM REMOVAL of that initiator ends with it (SPC-4 §6.13). Called once per
     * nexus, on the fabric's thread, after the nexus stopped admitting commands (some may still be
     * completing); must not block.
     *
     * @param initiatorPortName the initiator port of the nexus
     * @param targetPortName the target port of the nexus
     */
    default void nexusLost(String initiatorPortName, String targetPortName) {
    }

    /**
     * A LOGICAL UNIT RESET, or a hard reset of a target that maps the unit (SAM-5 §6.3), once the
     * unit's tasks are gone: the unit ends what a reset ends, for every I_T nexus - PREVENT ALLOW
     * MEDIUM REMOVAL (SPC-4 §6.13), mode parameters not saved. Called on the fabric's thread; must
     * not block.
     */
    default void reset() {
    }

    /**
     * The LUN's configuration changed. A unit that can apply the change in place (read-only flag,
     * a grown size, another medium) does so and returns true, raising the matching events; the
     * core otherwise closes this unit and creates a new one. Called on a configuration thread
     * while commands may run.
     *
     * @param next the new definition (same name, device type and store)
     * @return true when applied in place
     */
    default boolean reconfigure(LunSpec next) {
        return false;
    }

    /**
     * Releases the device; the store is closed by the core afterwards. No command is in flight when
     * this is called.
     */
    @Override
    void close();
}
