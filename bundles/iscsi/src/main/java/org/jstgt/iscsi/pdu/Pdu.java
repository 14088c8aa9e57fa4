package org.jstgt.iscsi.pdu;

import io.netty.buffer.ByteBuf;
import io.netty.util.ReferenceCounted;

/**
 * An immutable iSCSI PDU. The data segment (if any) is the only reference-counted part: a PDU is
 * released exactly once by whoever consumes it (the encoder for outbound PDUs).
 */
public interface Pdu extends ReferenceCounted {

    /** @return the opcode */
    Opcode opcode();

    /** @return the data segment without padding, an empty buffer when none */
    ByteBuf data();

    /** @return the Initiator Task Tag */
    int itt();

    /**
     * Writes the 48-byte BHS (without AHS) with TotalAHSLength and DataSegmentLength filled in.
     *
     * @return the header
     */
    byte[] header();

    /** @return Additional Header Segments as written on the wire (multiple of 4 bytes), usually empty */
    default byte[] ahs() {
        return new byte[0];
    }

    @Override
    default int refCnt() {
        return data().refCnt();
    }

    @Override
    default Pdu retain() {
        data().retain();
        return this;
    }

    @Override
    default Pdu retain(int increment) {
        data().retain(increment);
        return this;
    }

    @Override
    default Pdu touch() {
        data().touch();
        return this;
    }

    @Override
    default Pdu touch(Object hint) {
        data().touch(hint);
        return this;
    }

    @Override
    default boolean release() {
        return data().release();
    }

    @Override
    default boolean release(int decrement) {
        return data().release(decrement);
    }

    /**
     * Starts a header with opcode, immediate flag, DataSegmentLength and ITT set.
     *
     * @param op opcode
     * @param immediate the I bit
     * @param dataLength DataSegmentLength
     * @param itt Initiator Task Tag
     * @return the header bytes
     */
    static byte[] newHeader(Opcode op, boolean immediate, int dataLength, int itt) {
        byte[] h = new byte[Bhs.LENGTH];
        h[0] = (byte) (op.code() | (immediate ? 0x40 : 0));
        Bhs.put24(h, 5, dataLength);
        Bhs.put32(h, 16, itt);
        return h;
    }
}
