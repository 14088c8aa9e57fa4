package org.jstgt.device.changer;

import org.jstgt.api.scsi.ScsiException;
import org.jstgt.api.scsi.Sense;
import org.jstgt.api.scsi.SenseKey;

/** The sense codes of a media changer (SMC-3 §6, SPC-4 Annex D) beyond those of {@code SenseReason}. */
final class ChangerSense {
    /** ILLEGAL REQUEST, INVALID ELEMENT ADDRESS (21h/01h). */
    static final Sense INVALID_ELEMENT_ADDRESS = Sense.of(SenseKey.ILLEGAL_REQUEST, 0x21, 0x01);
    /** ILLEGAL REQUEST, MEDIUM DESTINATION ELEMENT FULL (3Bh/0Dh). */
    static final Sense DESTINATION_FULL = Sense.of(SenseKey.ILLEGAL_REQUEST, 0x3B, 0x0D);
    /** ILLEGAL REQUEST, MEDIUM SOURCE ELEMENT EMPTY (3Bh/0Eh). */
    static final Sense SOURCE_EMPTY = Sense.of(SenseKey.ILLEGAL_REQUEST, 0x3B, 0x0E);
    /** ILLEGAL REQUEST, MEDIUM REMOVAL PREVENTED (53h/02h). */
    static final Sense REMOVAL_PREVENTED = Sense.of(SenseKey.ILLEGAL_REQUEST, 0x53, 0x02);
    /**
     * NOT READY, LOGICAL UNIT NOT READY, CAUSE NOT REPORTABLE (04h/00h): a data transfer element
     * whose tape LUN is not active (not configured, waiting for its provider, failed). Its cause
     * has no SCSI code of its own; the log and the shell name it.
     */
    static final Sense DRIVE_NOT_READY = Sense.of(SenseKey.NOT_READY, 0x04, 0x00);
    /**
     * NOT READY, LOGICAL UNIT NOT READY, MANUAL INTERVENTION REQUIRED (04h/03h): a drive holds a
     * medium the changer did not put there (loaded through the shell); an administrator must
     * eject it.
     */
    static final Sense MANUAL_INTERVENTION = Sense.of(SenseKey.NOT_READY, 0x04, 0x03);
    /** MEDIUM ERROR, MEDIA LOAD OR EJECT FAILED (53h/00h): the drive could not load or unload. */
    static final Sense LOAD_OR_EJECT_FAILED = Sense.of(SenseKey.MEDIUM_ERROR, 0x53, 0x00);
    /** UNIT ATTENTION, NOT READY TO READY CHANGE, MEDIUM MAY HAVE CHANGED (28h/00h). */
    static final Sense MEDIUM_MAY_HAVE_CHANGED = Sense.of(SenseKey.UNIT_ATTENTION, 0x28, 0x00);
    /** UNIT ATTENTION, IMPORT OR EXPORT ELEMENT ACCESSED (28h/01h). */
    static final Sense IMPORT_EXPORT_ACCESSED = Sense.of(SenseKey.UNIT_ATTENTION, 0x28, 0x01);

    private ChangerSense() {
    }

    static ScsiException fail(Sense sense, String detail) {
        return new ScsiException(sense, detail);
    }
}
