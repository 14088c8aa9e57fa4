package org.jstgt.iscsi.task;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;

import org.jstgt.api.scsi.ScsiStatus;
import org.jstgt.api.scsi.SenseData;
import org.jstgt.api.scsi.SenseReason;
import org.jstgt.api.target.ScsiResult;

/**
 * The few failures the fabric answers itself, and the SCSI Response data segment layout
 * (RFC 7143 §11.4.7: 2-byte SenseLength, then the sense data).
 */
public final class Sense {
    private Sense() {
    }

    /**
     * @param reason why the fabric itself fails a command (no LUN ever saw it)
     * @return CHECK CONDITION with fixed format sense data from the shared layout
     */
    static ScsiResult checkCondition(SenseReason reason) {
        return new ScsiResult(ScsiStatus.CHECK_CONDITION, SenseData.fixed(reason.sense()), 0);
    }

    /**
     * @param sense sense bytes, may be empty
     * @return the SCSI Response data segment, empty when there is no sense
     */
    public static ByteBuf segment(byte[] sense) {
        if (sense.length == 0) {
            return Unpooled.EMPTY_BUFFER;
        }
        ByteBuf b = Unpooled.buffer(2 + sense.length);
        b.writeShort(sense.length);
        b.writeBytes(sense);
        return b;
    }
}
