package org.jstgt.iscsi.pdu;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;

import org.junit.jupiter.api.Test;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;

/** The data digest is the same whatever kind of buffer holds the segment. */
class DigestsTest {

    @Test
    void rfc7143VectorOfThirtyTwoZeroBytes() {
        // RFC 7143 Appendix B.4: 32 bytes of zeros -> aa 36 91 8a on the wire (little-endian)
        ByteBuf wire = Unpooled.buffer(4);
        Digests.write(wire, Digests.crc(new byte[32]));
        assertEquals(0xaa, wire.getUnsignedByte(0));
        assertEquals(0x36, wire.getUnsignedByte(1));
        assertEquals(0x91, wire.getUnsignedByte(2));
        assertEquals(0x8a, wire.getUnsignedByte(3));
        wire.release();
    }

    @Test
    void heapDirectSliceAndCompositeAgree() {
        byte[] bytes = new byte[8192 + 3];
        new Random(7).nextBytes(bytes);
        int expected = Digests.crc(bytes, new byte[1]);

        ByteBuf heap = Unpooled.wrappedBuffer(bytes);
        ByteBuf direct = PooledByteBufAllocator.DEFAULT.directBuffer(bytes.length + 100);
        direct.writeBytes(new byte[100]).writeBytes(bytes).skipBytes(100);
        ByteBuf slice = direct.retainedSlice(direct.readerIndex(), bytes.length);
        CompositeByteBuf composite = Unpooled.compositeBuffer();
        composite.addComponent(true, Unpooled.directBuffer().writeBytes(bytes, 0, 5000));
        composite.addComponent(true, Unpooled.directBuffer().writeBytes(bytes, 5000, bytes.length - 5000));
        try {
            for (ByteBuf b : new ByteBuf[] {heap, direct, slice, composite}) {
                int readerIndex = b.readerIndex();
                assertEquals(expected, Digests.crc(b, 1), b.toString());
                assertEquals(readerIndex, b.readerIndex(), "the digest must not consume the segment");
                // twice: a cached internal view must not carry state from the first call
                assertEquals(expected, Digests.crc(b, 1), b.toString());
            }
        } finally {
            heap.release();
            direct.release();
            slice.release();
            composite.release();
        }
    }
}
