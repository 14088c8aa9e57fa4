package org.jstgt.iscsi.pdu;

import java.util.List;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;

/**
 * Frames iSCSI PDUs (RFC 7143 §11.2): BHS, AHS, header digest, data segment, padding, data digest.
 * Emits {@link Pdu} values or {@link InvalidPdu} values. A header digest error or a
 * DataSegmentLength beyond MaxRecvDataSegmentLength loses the framing (RFC 7143 §7.8): a fatal
 * {@link InvalidPdu} is emitted and every later byte is discarded.
 */
public final class PduDecoder extends ByteToMessageDecoder {

    private enum State { BHS, AHS_AND_HEADER_DIGEST, DATA_AND_DIGEST, DISCARD }

    private final int maxRecvDataSegmentLength;
    private final boolean headerDigest;
    private final boolean dataDigest;

    private State state = State.BHS;
    private byte[] bhs;
    private byte[] ahs;

    /**
     * @param maxRecvDataSegmentLength the largest data segment we accept (our declared
     *     MaxRecvDataSegmentLength, RFC 7143 §13.12), 512..16777215
     * @param headerDigest expect a CRC32C header digest
     * @param dataDigest expect a CRC32C data digest
     */
    public PduDecoder(int maxRecvDataSegmentLength, boolean headerDigest, boolean dataDigest) {
        if (maxRecvDataSegmentLength < 512 || maxRecvDataSegmentLength > 0xffffff) {
            throw new IllegalArgumentException("maxRecvDataSegmentLength " + maxRecvDataSegmentLength
                    + " not in 512..16777215");
        }
        this.maxRecvDataSegmentLength = maxRecvDataSegmentLength;
        this.headerDigest = headerDigest;
        this.dataDigest = dataDigest;
    }

    /** @return a decoder for the login phase: 8192 bytes, no digests (RFC 7143 §13.12) */
    public static PduDecoder forLogin() {
        return new PduDecoder(8192, false, false);
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        for (;;) {
            switch (state) {
                case BHS -> {
                    if (!readBhs(in, out)) {
                        return;
                    }
                }
                case AHS_AND_HEADER_DIGEST -> {
                    if (!readAhs(in, out)) {
                        return;
                    }
                }
                case DATA_AND_DIGEST -> {
                    if (!readData(in, out)) {
                        return;
                    }
                }
                case DISCARD -> {
                    in.skipBytes(in.readableBytes());
                    return;
                }
                default -> throw new IllegalStateException(state.name());
            }
        }
    }

    private boolean readBhs(ByteBuf in, List<Object> out) {
        if (in.readableBytes() < Bhs.LENGTH) {
            return false;
        }
        bhs = new byte[Bhs.LENGTH];
        in.readBytes(bhs);
        int dsl = Bhs.dataSegmentLength(bhs);
        if (dsl > maxRecvDataSegmentLength) {
            fatal(out, RejectReason.PROTOCOL_ERROR, "DataSegmentLength " + dsl
                    + " exceeds MaxRecvDataSegmentLength " + maxRecvDataSegmentLength);
            return true;
        }
        state = State.AHS_AND_HEADER_DIGEST;
        return true;
    }

    private boolean readAhs(ByteBuf in, List<Object> out) {
        int ahsLength = Bhs.totalAhsLength(bhs) * 4;
        if (in.readableBytes() < ahsLength + (headerDigest ? Digests.LENGTH : 0)) {
            return false;
        }
        ahs = new byte[ahsLength];
        in.readBytes(ahs);
        if (headerDigest) {
            int received = Digests.read(in);
            int computed = Digests.crc(bhs, ahs);
            if (received != computed) {
                fatal(out, RejectReason.PROTOCOL_ERROR, String.format("header digest error: received %08x, computed %08x",
                        received, computed));
                return true;
            }
        }
        state = State.DATA_AND_DIGEST;
        return true;
    }

    private boolean readData(ByteBuf in, List<Object> out) {
        int dsl = Bhs.dataSegmentLength(bhs);
        int pad = Bhs.pad(dsl);
        int digest = dataDigest && dsl > 0 ? Digests.LENGTH : 0;
        if (in.readableBytes() < dsl + pad + digest) {
            return false;
        }
        byte[] header = bhs;
        byte[] ahsBytes = ahs;
        bhs = null;
        ahs = null;
        state = State.BHS;
        ByteBuf data = dsl == 0 ? Unpooled.EMPTY_BUFFER : in.readRetainedSlice(dsl);
        in.skipBytes(pad);
        if (digest > 0) {
            int received = Digests.read(in);
            int computed = Digests.crc(data, pad);
            if (received != computed) {
                data.release();
                out.add(new InvalidPdu(RejectReason.DATA_DIGEST_ERROR, header, false,
                        String.format("data digest error: received %08x, computed %08x", received, computed)));
                return true;
            }
        }
        Opcode opcode = Opcode.of(Bhs.opcode(header));
        if (opcode == null) {
            data.release();
            out.add(new InvalidPdu(RejectReason.COMMAND_NOT_SUPPORTED, header, false,
                    String.format("unknown opcode 0x%02x", Bhs.opcode(header))));
            return true;
        }
        try {
            out.add(PduCodec.decode(opcode, header, ahsBytes, data));
        } catch (MalformedPduException e) {
            data.release();
            out.add(new InvalidPdu(e.reason(), header, false, e.getMessage()));
        }
        return true;
    }

    private void fatal(List<Object> out, int reason, String detail) {
        out.add(new InvalidPdu(reason, bhs, true, detail));
        bhs = null;
        ahs = null;
        state = State.DISCARD;
    }
}
