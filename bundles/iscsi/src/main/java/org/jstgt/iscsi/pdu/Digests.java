package org.jstgt.iscsi.pdu;

import java.nio.ByteBuffer;
import java.util.zip.CRC32C;

import io.netty.buffer.ByteBuf;

/**
 * CRC32C header and data digests (RFC 7143 §13.1, polynomial 0x11edc6f41). The 32-bit value is
 * transmitted least significant byte first, as the test vectors of RFC 7143 Appendix B.4 show
 * (32 bytes of zeros give the bytes aa 36 91 8a) and as libiscsi and Linux send it.
 */
public final class Digests {
    /** Size of a digest on the wire. */
    public static final int LENGTH = 4;

    private Digests() {
    }

    /**
     * @param parts byte arrays covered in order
     * @return the CRC32C value
     */
    public static int crc(byte[]... parts) {
        CRC32C c = new CRC32C();
        for (byte[] p : parts) {
            c.update(p, 0, p.length);
        }
        return (int) c.getValue();
    }

    /**
     * @param data segment bytes from readerIndex, not consumed
     * @param pad number of zero pad bytes that follow the data (covered by the digest)
     * @return the CRC32C value
     */
    public static int crc(ByteBuf data, int pad) {
        CRC32C c = new CRC32C();
        if (data.readableBytes() > 0) {
            if (data.hasArray()) {
                c.update(data.array(), data.arrayOffset() + data.readerIndex(), data.readableBytes());
            } else if (data.nioBufferCount() == 1) {
                // the common case (a pooled direct buffer or a slice of one): no ByteBuffer[] per call
                c.update(data.internalNioBuffer(data.readerIndex(), data.readableBytes()));
            } else {
                for (ByteBuffer b : data.nioBuffers()) {
                    c.update(b);
                }
            }
        }
        for (int i = 0; i < pad; i++) {
            c.update(0);
        }
        return (int) c.getValue();
    }

    /**
     * @param buf destination
     * @param crc value to write in wire order (little-endian)
     */
    public static void write(ByteBuf buf, int crc) {
        buf.writeIntLE(crc);
    }

    /**
     * @param buf source
     * @return the digest read in wire order
     */
    public static int read(ByteBuf buf) {
        return buf.readIntLE();
    }
}
