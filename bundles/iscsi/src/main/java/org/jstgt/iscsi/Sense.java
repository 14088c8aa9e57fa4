package org.jstgt.iscsi;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;

/**
 * The few sense data the fabric produces itself (SPC-4 §4.5.3 fixed format), and the SCSI
 * Response data segment layout (RFC 7143 §11.4.7: 2-byte SenseLength, then the sense data).
 */
final class Sense {
    private Sense() {
    }

    /**
     * @param key sense key
     * @param asc additional sense code
     * @param ascq qualifier
     * @return fixed format sense data (response code 70h, 18 bytes)
     */
    static byte[] fixed(int key, int asc, int ascq) {
        byte[] s = new byte[18];
        s[0] = 0x70;
        s[2] = (byte) (key & 0x0f);
        s[7] = 10;
        s[12] = (byte) asc;
        s[13] = (byte) ascq;
        return s;
    }

    /** @return ILLEGAL REQUEST, INVALID FIELD IN CDB (24h/00h) */
    static byte[] invalidFieldInCdb() {
        return fixed(0x05, 0x24, 0x00);
    }

    /** @return HARDWARE ERROR, INTERNAL TARGET FAILURE (44h/00h) */
    static byte[] internalTargetFailure() {
        return fixed(0x04, 0x44, 0x00);
    }

    /**
     * @param sense sense bytes, may be empty
     * @return the SCSI Response data segment, empty when there is no sense
     */
    static ByteBuf segment(byte[] sense) {
        if (sense.length == 0) {
            return Unpooled.EMPTY_BUFFER;
        }
        ByteBuf b = Unpooled.buffer(2 + sense.length);
        b.writeShort(sense.length);
        b.writeBytes(sense);
        return b;
    }
}
