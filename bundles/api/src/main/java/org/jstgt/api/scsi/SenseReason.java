package org.jstgt.api.scsi;

import static org.jstgt.api.scsi.SenseKey.*;

/**
 * Every reason a command fails, with its sense key and additional sense code / qualifier
 * (SPC-4 §4.5.6 and Annex D): the catalogue of common codes. Device code throws
 * {@link ScsiException} with one of these or with a {@link Sense} of its own, and never builds sense
 * bytes by hand.
 */
public enum SenseReason {
    // ILLEGAL REQUEST
    INVALID_COMMAND_OPERATION_CODE(ILLEGAL_REQUEST, 0x20, 0x00),
    LBA_OUT_OF_RANGE(ILLEGAL_REQUEST, 0x21, 0x00),
    INVALID_FIELD_IN_CDB(ILLEGAL_REQUEST, 0x24, 0x00),
    LOGICAL_UNIT_NOT_SUPPORTED(ILLEGAL_REQUEST, 0x25, 0x00),
    INVALID_FIELD_IN_PARAMETER_LIST(ILLEGAL_REQUEST, 0x26, 0x00),
    /** SPC-4: the transport's information unit (e.g. iSCSI EDTL) contradicts the CDB. */
    INVALID_FIELD_IN_COMMAND_INFORMATION_UNIT(ILLEGAL_REQUEST, 0x0E, 0x03),
    PARAMETER_LIST_LENGTH_ERROR(ILLEGAL_REQUEST, 0x1A, 0x00),
    SAVING_PARAMETERS_NOT_SUPPORTED(ILLEGAL_REQUEST, 0x39, 0x00),
    INVALID_RELEASE_OF_PERSISTENT_RESERVATION(ILLEGAL_REQUEST, 0x26, 0x04),
    /** SPC-4 §6.16.2: a PERSISTENT RESERVE OUT would exceed the registrations the logical unit holds. */
    INSUFFICIENT_REGISTRATION_RESOURCES(ILLEGAL_REQUEST, 0x55, 0x04),
    MEDIUM_REMOVAL_PREVENTED(ILLEGAL_REQUEST, 0x53, 0x02),
    // NOT READY
    LOGICAL_UNIT_NOT_READY_CAUSE_NOT_REPORTABLE(NOT_READY, 0x04, 0x00),
    LOGICAL_UNIT_BECOMING_READY(NOT_READY, 0x04, 0x01),
    LOGICAL_UNIT_NOT_READY_INITIALIZING_COMMAND_REQUIRED(NOT_READY, 0x04, 0x02),
    LOGICAL_UNIT_NOT_READY_MANUAL_INTERVENTION_REQUIRED(NOT_READY, 0x04, 0x03),
    MEDIUM_NOT_PRESENT(NOT_READY, 0x3A, 0x00),
    // DATA PROTECT
    WRITE_PROTECTED(DATA_PROTECT, 0x27, 0x00),
    /** SBC-4 §4.7.3: a write needs blocks the logical unit has no physical resources left for. */
    SPACE_ALLOCATION_FAILED_WRITE_PROTECT(DATA_PROTECT, 0x27, 0x07),
    // MEDIUM ERROR
    UNRECOVERED_READ_ERROR(MEDIUM_ERROR, 0x11, 0x00),
    WRITE_ERROR(MEDIUM_ERROR, 0x0C, 0x00),
    // HARDWARE ERROR
    INTERNAL_TARGET_FAILURE(HARDWARE_ERROR, 0x44, 0x00),
    // UNIT ATTENTION
    POWER_ON_RESET_OR_BUS_DEVICE_RESET(UNIT_ATTENTION, 0x29, 0x00),
    POWER_ON_OCCURRED(UNIT_ATTENTION, 0x29, 0x01),
    BUS_DEVICE_RESET_FUNCTION_OCCURRED(UNIT_ATTENTION, 0x29, 0x03),
    I_T_NEXUS_LOSS_OCCURRED(UNIT_ATTENTION, 0x29, 0x07),
    MODE_PARAMETERS_CHANGED(UNIT_ATTENTION, 0x2A, 0x01),
    RESERVATIONS_PREEMPTED(UNIT_ATTENTION, 0x2A, 0x03),
    RESERVATIONS_RELEASED(UNIT_ATTENTION, 0x2A, 0x04),
    REGISTRATIONS_PREEMPTED(UNIT_ATTENTION, 0x2A, 0x05),
    CAPACITY_DATA_HAS_CHANGED(UNIT_ATTENTION, 0x2A, 0x09),
    INQUIRY_DATA_HAS_CHANGED(UNIT_ATTENTION, 0x3F, 0x03),
    REPORTED_LUNS_DATA_HAS_CHANGED(UNIT_ATTENTION, 0x3F, 0x0E),
    NOT_READY_TO_READY_CHANGE_MEDIUM_MAY_HAVE_CHANGED(UNIT_ATTENTION, 0x28, 0x00),
    // ABORTED COMMAND
    COMMAND_ABORTED(ABORTED_COMMAND, 0x00, 0x00),
    // MISCOMPARE
    MISCOMPARE_DURING_VERIFY(MISCOMPARE, 0x1D, 0x00),
    // NO SENSE (REQUEST SENSE with nothing pending)
    NO_ADDITIONAL_SENSE(NO_SENSE, 0x00, 0x00);

    private final Sense sense;

    SenseReason(SenseKey key, int asc, int ascq) {
        this.sense = Sense.of(key, asc, ascq);
    }

    /** @return the sense value with no optional field set */
    public Sense sense() {
        return sense;
    }

    /** @return the sense key */
    public SenseKey key() {
        return sense.key();
    }

    /** @return the additional sense code */
    public int asc() {
        return sense.asc();
    }

    /** @return the additional sense code qualifier */
    public int ascq() {
        return sense.ascq();
    }
}
