package org.jstgt.iscsi.recovery;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;

import org.jstgt.iscsi.pdu.Bhs;
import org.jstgt.iscsi.pdu.Opcode;
import org.jstgt.iscsi.pdu.Pdu;

/**
 * A numbered response kept for a Status SNACK (RFC 7143 §11.16): its header and a copy of its data
 * as first sent. {@link #again} gives the replica to send: the same PDU but ExpCmdSN and MaxCmdSN
 * (bytes 28..35 of every target PDU carrying status), which carry the current values.
 *
 * @param statSn its StatSN
 * @param header the BHS as sent
 * @param data a heap copy of its data segment (empty when none)
 */
record Replay(int statSn, byte[] header, ByteBuf data) {

    /**
     * @param statSn the PDU's StatSN
     * @param pdu a numbered response being sent (not consumed)
     * @return a copy kept apart from the PDU's own buffers
     */
    static Replay of(int statSn, Pdu pdu) {
        ByteBuf d = pdu.data();
        ByteBuf copy = d.isReadable() ? Unpooled.copiedBuffer(d) : Unpooled.EMPTY_BUFFER;
        return new Replay(statSn, pdu.header(), copy);
    }

    /** @return bytes this replay holds */
    int size() {
        return Bhs.LENGTH + data.readableBytes();
    }

    /**
     * @param expCmdSn current ExpCmdSN
     * @param maxCmdSn current MaxCmdSN
     * @return the PDU to send again (its data a duplicate of the copy; the caller sends it once)
     */
    Pdu again(int expCmdSn, int maxCmdSn) {
        byte[] h = header.clone();
        Bhs.put32(h, 28, expCmdSn);
        Bhs.put32(h, 32, maxCmdSn);
        return new Raw(h, data.retainedDuplicate());
    }

    /** A PDU given as bytes. */
    private record Raw(byte[] bhs, ByteBuf data) implements Pdu {
        @Override
        public Opcode opcode() {
            return Opcode.of(Bhs.opcode(bhs));
        }

        @Override
        public int itt() {
            return Bhs.itt(bhs);
        }

        @Override
        public byte[] header() {
            return bhs.clone();
        }
    }
}
