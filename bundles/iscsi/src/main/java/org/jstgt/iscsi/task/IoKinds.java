package org.jstgt.iscsi.task;

import org.jstgt.api.mgmt.IoMeter;
import org.jstgt.api.scsi.DataDirection;

/**
 * How a session counts a command in its {@link IoMeter}: the rule the SCSI core applies to LUNs and
 * targets, so that the views agree. A command is a READ when the core parsed it to data direction
 * IN and its opcode reads the medium (READ(6/10/12/16) 08h/28h/A8h/88h, READ CD BEh, READ CD MSF
 * B9h); a WRITE when its direction is OUT and its opcode writes the medium (WRITE(6/10/12/16),
 * WRITE AND VERIFY(10/12/16), WRITE SAME(10/16), COMPARE AND WRITE 89h, ORWRITE(16) 8Bh, WRITE
 * ATOMIC(16) 9Ch); anything else, and every command that ended before a data phase, is OTHER.
 */
final class IoKinds {
    private IoKinds() {
    }

    /**
     * @param opcode the CDB's operation code
     * @param direction the direction the core parsed (NONE for a command that ended at admission)
     * @return its kind
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
     * @param sense sense data, fixed (70h/71h: SENSE KEY in byte 2) or descriptor format (72h/73h:
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
}
