package org.jstgt.scsi.core;

import org.jstgt.api.mgmt.IoMeter;
import org.jstgt.api.scsi.DataDirection;
import org.jstgt.api.target.ScsiResult;

/**
 * How the core counts a command in the {@link IoMeter}s of its LUN and target.
 *
 * <p>Classification (the same rule the iSCSI fabric applies to its sessions): a command is a
 * {@link IoMeter.Kind#READ READ} when its parsed data direction is IN and its opcode reads the
 * medium (READ(6) 08h, READ(10) 28h, READ(12) A8h, READ(16) 88h of SBC-4, SSC-4 and MMC-6, READ CD
 * BEh, READ CD MSF B9h); a {@link IoMeter.Kind#WRITE WRITE} when its direction is OUT and its
 * opcode writes the medium (WRITE(6/10/12/16) 0Ah/2Ah/AAh/8Ah, WRITE AND VERIFY(10/12/16)
 * 2Eh/AEh/8Eh, WRITE SAME(10/16) 41h/93h, COMPARE AND WRITE 89h, ORWRITE(16) 8Bh, WRITE
 * ATOMIC(16) 9Ch); everything else is {@link IoMeter.Kind#OTHER OTHER}: INQUIRY, MODE SENSE,
 * VERIFY, UNMAP, a READ of zero blocks (no data), and every command that ended at admission (bad
 * CDB, unit attention, reservation conflict, task set full), which has no data phase. Bytes are the
 * data moved: Data-In sent (at most the initiator's expected length) and Data-Out received.
 */
final class Metering {
    private Metering() {
    }

    /**
     * @param opcode the CDB's operation code
     * @param direction the direction the command was parsed to
     * @return its kind, as the class comment says
     */
    static IoMeter.Kind kind(int opcode, DataDirection direction) {
        if (direction == DataDirection.IN) {
            return switch (opcode) {
                case 0x08, 0x28, 0xA8, 0x88, 0xBE, 0xB9 -> IoMeter.Kind.READ;
                default -> IoMeter.Kind.OTHER;
            };
        }
        if (direction == DataDirection.OUT) {
            return switch (opcode) {
                case 0x0A, 0x2A, 0xAA, 0x8A, 0x2E, 0xAE, 0x8E, 0x41, 0x93, 0x89, 0x8B, 0x9C -> IoMeter.Kind.WRITE;
                default -> IoMeter.Kind.OTHER;
            };
        }
        return IoMeter.Kind.OTHER;
    }

    /**
     * @param sense rendered sense data, fixed (70h/71h: byte 2) or descriptor format (72h/73h:
     *     byte 1), SPC-4 §4.5
     * @return its SENSE KEY, 0 when there is none
     */
    static int senseKey(byte[] sense) {
        if (sense.length < 2) {
            return 0;
        }
        int code = sense[0] & 0x7F;
        if (code == 0x72 || code == 0x73) {
            return sense[1] & 0x0F;
        }
        return (code == 0x70 || code == 0x71) && sense.length > 2 ? sense[2] & 0x0F : 0;
    }

    /**
     * Counts a command that ended at admission or that the core answered itself: OTHER, no
     * latency.
     *
     * @param lun the LUN's meter, or null when the LUN number has no LUN
     * @param target the target's meter
     * @param r its result
     */
    static void other(IoMeter lun, IoMeter target, ScsiResult r) {
        int key = senseKey(r.sense());
        if (lun != null) {
            lun.record(IoMeter.Kind.OTHER, 0, 0, r.status(), key);
        }
        target.record(IoMeter.Kind.OTHER, 0, 0, r.status(), key);
    }
}
