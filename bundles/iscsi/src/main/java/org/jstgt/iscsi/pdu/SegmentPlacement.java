package org.jstgt.iscsi.pdu;

import io.netty.buffer.ByteBuf;

/**
 * Lets the owner of a connection choose where a large data segment lands while it is still
 * arriving, so that write data is copied once, from the socket's buffers to where the command
 * needs it (see {@link PduDecoder}).
 */
@FunctionalInterface
public interface SegmentPlacement {

    /**
     * Called after a PDU's header (and its digest) passed and before its data segment has fully
     * arrived, only when every earlier PDU of the connection has been delivered.
     *
     * @param bhs the PDU's basic header segment (do not modify)
     * @param length the DataSegmentLength
     * @return a buffer with writerIndex 0 and at least {@code length} bytes of capacity; the decoder
     *     writes the segment at [0, length) and the buffer becomes the PDU's data (the PDU owns the
     *     reference returned). Null lets the decoder allocate the segment itself.
     */
    ByteBuf place(byte[] bhs, int length);
}
