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
 *
 * <p>A data segment of at least {@link #ASSEMBLE_MIN} bytes that has not fully arrived is copied
 * piece by piece, as the socket delivers it, into one buffer of its final size (chosen by the
 * {@link SegmentPlacement} when there is one) instead of being cumulated: the bytes are copied once,
 * and the decoder's cumulation buffer stays small. When the channel reads through a
 * {@link DirectReceive}, the rest of such a segment is read from the socket straight into that
 * buffer and not copied at all.
 */
public final class PduDecoder extends ByteToMessageDecoder {

    private enum State { BHS, AHS_AND_HEADER_DIGEST, DATA_AND_DIGEST, DISCARD }

    /** Smallest data segment assembled piece by piece (smaller ones are sliced from the cumulation). */
    public static final int ASSEMBLE_MIN = 16 * 1024;

    private final int maxRecvDataSegmentLength;
    private final boolean headerDigest;
    private final boolean dataDigest;

    private State state = State.BHS;
    private byte[] bhs;
    private byte[] ahs;
    private SegmentPlacement placement;
    /** The data segment being assembled, or null. */
    private ByteBuf assembling;

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

    /**
     * @param placement where large data segments go, or null to allocate them here
     * @return this decoder
     */
    public PduDecoder placement(SegmentPlacement placement) {
        this.placement = placement;
        return this;
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
                    if (!readBhs(ctx, in, out)) {
                        return;
                    }
                }
                case AHS_AND_HEADER_DIGEST -> {
                    if (!readAhs(in, out)) {
                        return;
                    }
                }
                case DATA_AND_DIGEST -> {
                    if (!readData(ctx, in, out)) {
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

    private boolean readBhs(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
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
        if (dsl >= ASSEMBLE_MIN && !in.isReadable()) {
            DirectReceive direct = DirectReceive.of(ctx.channel().config());
            if (direct != null) {
                direct.bound(Bhs.totalAhsLength(bhs) * 4 + (headerDigest ? Digests.LENGTH : 0));
            }
        }
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

    private boolean readData(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        int dsl = Bhs.dataSegmentLength(bhs);
        int pad = Bhs.pad(dsl);
        int digest = dataDigest && dsl > 0 ? Digests.LENGTH : 0;
        if (assembling == null && in.readableBytes() < dsl + pad + digest && dsl >= ASSEMBLE_MIN) {
            if (!out.isEmpty()) {
                // Earlier PDUs go to the connection first: the placement depends on them.
                return false;
            }
            ByteBuf dest = placement == null ? null : placement.place(bhs, dsl);
            if (dest != null && (dest.writerIndex() != 0 || dest.capacity() < dsl)) {
                dest.release();
                throw new IllegalStateException("placement returned a buffer with writerIndex "
                        + dest.writerIndex() + " and capacity " + dest.capacity() + " for " + dsl + " bytes");
            }
            assembling = dest != null ? dest : ctx.alloc().directBuffer(dsl, dsl);
        }
        if (assembling != null) {
            int n = Math.min(dsl - assembling.writerIndex(), in.readableBytes());
            if (n > 0 && sameBytes(in, assembling)) {
                // The socket read went straight into the segment (DirectReceive): nothing to copy.
                assembling.writerIndex(assembling.writerIndex() + n);
                in.skipBytes(n);
            } else {
                assembling.writeBytes(in, n);
            }
            DirectReceive direct = DirectReceive.of(ctx.channel().config());
            if (assembling.writerIndex() < dsl) {
                if (direct != null) {
                    direct.offer(assembling, dsl - assembling.writerIndex(), pad + digest);
                }
                return false;
            }
            if (direct != null) {
                direct.clear();
            }
            if (in.readableBytes() < pad + digest) {
                if (direct != null) {
                    direct.bound(pad + digest - in.readableBytes());
                }
                return false;
            }
        } else if (in.readableBytes() < dsl + pad + digest) {
            return false;
        }
        byte[] header = bhs;
        byte[] ahsBytes = ahs;
        bhs = null;
        ahs = null;
        state = State.BHS;
        ByteBuf data;
        if (assembling != null) {
            data = assembling;
            assembling = null;
            DirectReceive direct = DirectReceive.of(ctx.channel().config());
            if (direct != null && in.readableBytes() == pad + digest) {
                // Large segments come in runs: read the next header alone (see DirectReceive).
                direct.bound(Bhs.LENGTH);
            }
        } else {
            data = dsl == 0 ? Unpooled.EMPTY_BUFFER : in.readRetainedSlice(dsl);
        }
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

    /** @return true when {@code in}'s next byte is at the same address as {@code dest}'s write position */
    private static boolean sameBytes(ByteBuf in, ByteBuf dest) {
        return in.hasMemoryAddress() && dest.hasMemoryAddress()
                && in.memoryAddress() + in.readerIndex() == dest.memoryAddress() + dest.writerIndex();
    }

    @Override
    protected void handlerRemoved0(ChannelHandlerContext ctx) {
        DirectReceive direct = DirectReceive.of(ctx.channel().config());
        if (direct != null) {
            direct.clear();
        }
        if (assembling != null) {
            assembling.release();
            assembling = null;
        }
    }

    private void fatal(List<Object> out, int reason, String detail) {
        out.add(new InvalidPdu(reason, bhs, true, detail));
        bhs = null;
        ahs = null;
        state = State.DISCARD;
    }
}
