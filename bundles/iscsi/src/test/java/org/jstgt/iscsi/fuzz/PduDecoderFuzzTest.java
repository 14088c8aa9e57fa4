package org.jstgt.iscsi.fuzz;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.ReferenceCountUtil;

import org.jstgt.iscsi.TrackingAllocator;
import org.jstgt.iscsi.pdu.Bhs;
import org.jstgt.iscsi.pdu.Digests;
import org.jstgt.iscsi.pdu.InvalidPdu;
import org.jstgt.iscsi.pdu.Pdu;
import org.jstgt.iscsi.pdu.PduCodec;
import org.jstgt.iscsi.pdu.PduDecoder;

/**
 * The PDU decoder over a stream of frames (RFC 7143 §11.2) built from fuzz data: BHS fields with
 * mostly consistent lengths, AHS, header and data digests right or wrong, garbage between, the whole
 * delivered in reads of any size. Every PDU decoded must encode back to the same header and data;
 * bad frames become {@link InvalidPdu} values; nothing throws and every buffer is released.
 */
class PduDecoderFuzzTest {
    /** Opcodes an initiator sends (RFC 7143 §11.1.1), some target opcodes and unknown ones. */
    private static final int[] OPCODES = {0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x10, 0x1c, 0x21, 0x3f, 0x0f};

    @FuzzTest
    void frames(FuzzedDataProvider data) {
        Gen g = new Gen(data);
        TrackingAllocator allocator = new TrackingAllocator();
        boolean hd = g.bool();
        boolean dd = g.bool();
        int mrdsl = data.consumeInt(512, 70_000);
        EmbeddedChannel ch = new EmbeddedChannel(new PduDecoder(mrdsl, hd, dd));
        ch.config().setAllocator(allocator);
        List<Object> decoded = new ArrayList<>();
        try {
            ByteBuf stream = allocator.heapBuffer();
            while (g.more() && stream.readableBytes() < 200_000) {
                frame(g, stream, hd, dd);
            }
            while (stream.isReadable() && g.more()) {
                int n = Math.min(stream.readableBytes(), pieceSize(g));
                ch.writeInbound(stream.readRetainedSlice(n));
                ch.checkException();
                drainInto(ch, decoded);
            }
            if (stream.isReadable()) {
                ch.writeInbound(stream.readRetainedSlice(stream.readableBytes()));
            }
            stream.release();
            ch.checkException();
            drainInto(ch, decoded);
            boolean fatalSeen = false;
            while (!decoded.isEmpty()) {
                Object o = decoded.remove(0);
                assertTrue(!fatalSeen, "nothing decoded after a fatal framing error");
                if (o instanceof InvalidPdu bad) {
                    fatalSeen = bad.fatal();
                    assertEquals(48, bad.header().length);
                } else {
                    roundTrip(allocator, (Pdu) o);
                }
            }
        } finally {
            // what an earlier failure left (roundTrip consumes the PDUs it takes)
            decoded.forEach(ReferenceCountUtil::release);
            ch.finishAndReleaseAll();
        }
        assertEquals(List.of(), allocator.unreleased(), "buffers still referenced");
    }

    private static int pieceSize(Gen g) {
        return switch (g.pick(4)) {
            case 0 -> 1 + g.pick(8);
            case 1 -> 48;
            default -> 1 + g.data.consumeInt(0, 70_000);
        };
    }

    private static void drainInto(EmbeddedChannel ch, List<Object> decoded) {
        Object o;
        while ((o = ch.readInbound()) != null) {
            assertTrue(o instanceof Pdu || o instanceof InvalidPdu, "decoder emitted " + o.getClass());
            decoded.add(o);
        }
    }

    /** Writes one frame: mostly a well-formed one with fuzzed fields, sometimes raw bytes. */
    private static void frame(Gen g, ByteBuf out, boolean hd, boolean dd) {
        if (g.pick(10) == 0) {
            out.writeBytes(g.data.consumeBytes(64));
            return;
        }
        byte[] bhs = g.data.consumeBytes(48);
        bhs = Arrays.copyOf(bhs, 48);
        bhs[0] = (byte) ((bhs[0] & 0x40) | OPCODES[g.pick(OPCODES.length)]);
        int ahsWords = g.pick(8) == 0 ? g.pick(256) : 0;
        int dsl = g.length();
        bhs[4] = (byte) ahsWords;
        bhs[5] = (byte) (dsl >> 16);
        bhs[6] = (byte) (dsl >> 8);
        bhs[7] = (byte) dsl;
        if (bhs[0] == 0x01 && ahsWords > 0) {
            // an Extended CDB AHS or a bidi read length AHS, as §11.2.2 lays them out
            ahsWords = 1 + g.pick(5);
            bhs[4] = (byte) ahsWords;
        }
        byte[] ahs = new byte[ahsWords * 4];
        if (ahs.length > 0) {
            int ahsLength = g.pick(4) == 0 ? g.data.consumeInt(0, 0xffff) : ahs.length - 3;
            ahs[0] = (byte) (ahsLength >> 8);
            ahs[1] = (byte) ahsLength;
            ahs[2] = (byte) (g.bool() ? 1 : 2);
        }
        out.writeBytes(bhs).writeBytes(ahs);
        if (hd) {
            int crc = Digests.crc(bhs, ahs);
            Digests.write(out, g.pick(16) == 0 ? ~crc : crc);
        }
        int start = out.writerIndex();
        for (int i = 0; i < dsl; i++) {
            out.writeByte(i);
        }
        int pad = Bhs.pad(dsl);
        out.writeZero(pad);
        if (dd && dsl > 0) {
            int crc = Digests.crc(out.slice(start, dsl), pad);
            Digests.write(out, g.pick(16) == 0 ? crc + 1 : crc);
        }
    }

    /** Encoding a decoded PDU and decoding it again gives the same header, AHS and data. */
    private static void roundTrip(TrackingAllocator allocator, Pdu p) {
        byte[] header = p.header();
        byte[] ahs = p.ahs();
        byte[] bytes = ByteBufUtil.getBytes(p.data());
        EmbeddedChannel again = new EmbeddedChannel(new PduDecoder(0xffffff, true, true));
        again.config().setAllocator(allocator);
        try {
            again.writeInbound(PduCodec.encode(p, allocator, true, true));
            Object o = again.readInbound();
            assertTrue(o instanceof Pdu, () -> "re-encoded " + p.opcode() + " decodes as " + o);
            Pdu q = (Pdu) o;
            try {
                assertArrayEquals(header, q.header(), "header after a round trip");
                assertArrayEquals(ahs, q.ahs(), "AHS after a round trip");
                assertArrayEquals(bytes, ByteBufUtil.getBytes(q.data()), "data after a round trip");
            } finally {
                q.release();
            }
        } finally {
            again.finishAndReleaseAll();
        }
    }
}
