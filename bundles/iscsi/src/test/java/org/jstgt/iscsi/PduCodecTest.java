package org.jstgt.iscsi;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.channel.AdaptiveRecvByteBufAllocator;
import io.netty.channel.RecvByteBufAllocator;
import io.netty.channel.embedded.EmbeddedChannel;

import org.jstgt.iscsi.pdu.Bhs;
import org.jstgt.iscsi.pdu.DataIn;
import org.jstgt.iscsi.pdu.DataOut;
import org.jstgt.iscsi.pdu.Digests;
import org.jstgt.iscsi.pdu.DirectReceive;
import org.jstgt.iscsi.pdu.InvalidPdu;
import org.jstgt.iscsi.pdu.LoginRequest;
import org.jstgt.iscsi.pdu.NopOut;
import org.jstgt.iscsi.pdu.Pdu;
import org.jstgt.iscsi.pdu.PduCodec;
import org.jstgt.iscsi.pdu.PduDecoder;
import org.jstgt.iscsi.pdu.RejectReason;
import org.jstgt.iscsi.pdu.ScsiCommand;
import org.jstgt.iscsi.text.TextKeys;
import org.junit.jupiter.api.Test;

class PduCodecTest {

    @Test
    void crc32cMatchesRfc7143TestVectorsInWireOrder() {
        // RFC 7143 Appendix B.4: 32 bytes of zeros -> aa 36 91 8a; 32 bytes of ff -> 43 ab a8 62.
        ByteBuf b = Unpooled.buffer();
        Digests.write(b, Digests.crc(new byte[32]));
        byte[] ff = new byte[32];
        java.util.Arrays.fill(ff, (byte) 0xff);
        Digests.write(b, Digests.crc(ff));
        assertEquals("aa36918a43aba862", ByteBufUtil.hexDump(b));
        b.release();
    }

    private static ByteBuf data(int n) {
        ByteBuf b = Unpooled.buffer(n);
        for (int i = 0; i < n; i++) {
            b.writeByte(i * 13);
        }
        return b;
    }

    private static List<Pdu> samples() {
        List<Pdu> l = new ArrayList<>();
        l.add(new NopOut(true, 0, 7, Bhs.NO_TAG, 5, 9, data(5)));
        l.add(new LoginRequest(true, false, 1, 3, 0, 0, 0x400001370000L, 0, 1, 2, 3, 4,
                Wire.text("InitiatorName=iqn.x:y", "SessionType=Normal")));
        byte[] cdb = new byte[20];
        cdb[0] = (byte) 0x7f;
        cdb[19] = 9;
        l.add(new ScsiCommand(false, true, false, true, 1, 0x0001000000000000L, 11, 1024, 42, 8, cdb, -1, data(512)));
        l.add(new DataOut(true, 0, 11, 0x55, 8, 3, 1024, data(3)));
        l.add(new DataIn(true, false, false, true, true, 0, 0, 11, Bhs.NO_TAG, 7, 8, 9, 1, 0, 12, data(4)));
        return l;
    }

    private static void assertSame(Pdu expected, Pdu actual) {
        assertEquals(expected.opcode(), actual.opcode());
        assertArrayEquals(expected.header(), actual.header());
        assertEquals(ByteBufUtil.hexDump(expected.data()), ByteBufUtil.hexDump(actual.data()));
        if (expected instanceof ScsiCommand c) {
            assertArrayEquals(c.cdb(), ((ScsiCommand) actual).cdb());
        }
    }

    private void roundTrip(boolean hd, boolean dd, boolean split) {
        for (Pdu p : samples()) {
            ByteBuf wire = PduCodec.encode(p.retain(), ByteBufAllocator.DEFAULT, hd, dd);
            byte[] bytes = ByteBufUtil.getBytes(wire);
            wire.release();
            for (int cut = split ? 1 : bytes.length; cut <= bytes.length; cut++) {
                EmbeddedChannel ch = new EmbeddedChannel(new PduDecoder(0xffffff, hd, dd));
                ch.writeInbound(Unpooled.copiedBuffer(bytes, 0, cut));
                if (cut < bytes.length) {
                    assertNull(ch.readInbound(), "decoded before the last byte");
                    ch.writeInbound(Unpooled.copiedBuffer(bytes, cut, bytes.length - cut));
                }
                Pdu got = ch.readInbound();
                assertSame(p, got);
                got.release();
                assertFalse(ch.finish());
            }
            p.release();
        }
    }

    @Test
    void decodesWholeAndSplitAtEveryByteWithoutDigests() {
        roundTrip(false, false, true);
    }

    @Test
    void decodesWholeAndSplitAtEveryByteWithDigests() {
        roundTrip(true, true, true);
        roundTrip(true, false, false);
        roundTrip(false, true, false);
    }

    private static byte[] wire(Pdu p, boolean hd, boolean dd) {
        ByteBuf w = PduCodec.encode(p, ByteBufAllocator.DEFAULT, hd, dd);
        byte[] bytes = ByteBufUtil.getBytes(w);
        w.release();
        return bytes;
    }

    private static void feed(EmbeddedChannel ch, byte[] bytes, int chunk) {
        for (int at = 0; at < bytes.length; at += chunk) {
            ch.writeInbound(Unpooled.copiedBuffer(bytes, at, Math.min(chunk, bytes.length - at)));
        }
    }

    @Test
    void largeSegmentArrivingInPiecesIsAssembledWholeWithAndWithoutDigests() {
        int size = PduDecoder.ASSEMBLE_MIN + 1001;
        for (boolean digests : new boolean[] {false, true}) {
            for (int chunk : new int[] {1, 7, 1000, 4096, size / 2, size + 100}) {
                DataOut p = new DataOut(true, 0, 11, 0x55, 8, 3, 1024, data(size));
                byte[] bytes = wire(p.retain(), digests, digests);
                EmbeddedChannel ch = new EmbeddedChannel(new PduDecoder(0xffffff, digests, digests));
                feed(ch, bytes, chunk);
                DataOut got = ch.readInbound();
                assertSame(p, got);
                assertNull(ch.readInbound());
                got.release();
                p.release();
                assertFalse(ch.finish());
            }
        }
    }

    @Test
    void placementReceivesTheSegmentOnlyAfterEarlierPdusWereDelivered() {
        int size = PduDecoder.ASSEMBLE_MIN * 2;
        ByteBuf target = Unpooled.directBuffer(size + 512);
        List<Integer> deliveredBefore = new ArrayList<>();
        EmbeddedChannel[] holder = new EmbeddedChannel[1];
        PduDecoder decoder = new PduDecoder(0xffffff, false, true).placement((bhs, length) -> {
            deliveredBefore.add(holder[0].inboundMessages().size());
            assertEquals(size, length);
            assertEquals(21, Bhs.itt(bhs));
            return target.retainedSlice(512, length).writerIndex(0);
        });
        EmbeddedChannel ch = new EmbeddedChannel(decoder);
        holder[0] = ch;
        NopOut nop = new NopOut(true, 0, 20, Bhs.NO_TAG, 5, 9, data(3));
        DataOut big = new DataOut(true, 0, 21, 0x55, 8, 0, 0, data(size));
        byte[] a = wire(nop.retain(), false, true);
        byte[] b = wire(big.retain(), false, true);
        byte[] both = new byte[a.length + b.length];
        System.arraycopy(a, 0, both, 0, a.length);
        System.arraycopy(b, 0, both, a.length, b.length);
        // The NOP-Out and the start of the Data-Out in one read, the rest in two more.
        ch.writeInbound(Unpooled.copiedBuffer(both, 0, a.length + 100));
        ch.writeInbound(Unpooled.copiedBuffer(both, a.length + 100, size / 2));
        ch.writeInbound(Unpooled.copiedBuffer(both, a.length + 100 + size / 2, both.length - a.length - 100 - size / 2));
        assertEquals(List.of(1), deliveredBefore, "placement asked once, after the NOP-Out went up");
        Pdu first = ch.readInbound();
        assertSame(nop, first);
        DataOut got = ch.readInbound();
        assertSame(big, got);
        assertEquals(ByteBufUtil.hexDump(big.data()), ByteBufUtil.hexDump(target, 512, size),
                "the segment landed in the placed buffer");
        got.release();
        first.release();
        nop.release();
        big.release();
        assertEquals(1, target.refCnt(), "the decoder kept no reference");
        target.release();
        assertFalse(ch.finish());
    }

    @Test
    void placedSegmentWithBadDigestIsReleasedAndReportedAndSmallSegmentsAreNotPlaced() {
        int size = PduDecoder.ASSEMBLE_MIN;
        ByteBuf target = Unpooled.directBuffer(size);
        int[] asked = new int[1];
        EmbeddedChannel ch = new EmbeddedChannel(new PduDecoder(0xffffff, false, true).placement((bhs, length) -> {
            asked[0]++;
            return target.retainedSlice(0, length).writerIndex(0);
        }));
        byte[] bytes = wire(new DataOut(true, 0, 21, 0x55, 8, 0, 0, data(size)), false, true);
        bytes[bytes.length - 1] ^= 1;
        feed(ch, bytes, 5000);
        InvalidPdu bad = ch.readInbound();
        assertEquals(RejectReason.DATA_DIGEST_ERROR, bad.reason());
        assertEquals(1, target.refCnt(), "the placed slice was released with the bad PDU");
        // Below ASSEMBLE_MIN, or arriving whole, a segment is sliced from the cumulation as before.
        feed(ch, wire(new DataOut(true, 0, 22, 0x55, 8, 0, 0, data(size - 4)), false, true), 1000);
        feed(ch, wire(new DataOut(true, 0, 23, 0x55, 8, 0, 0, data(size * 2)), false, true), size * 3);
        assertEquals(1, asked[0]);
        for (int i = 0; i < 2; i++) {
            DataOut d = ch.readInbound();
            assertTrue(d.data().readableBytes() >= size - 4);
            d.release();
        }
        target.release();
        assertFalse(ch.finish());
    }

    @Test
    void closingWhileAssemblingReleasesThePartialSegment() {
        ByteBuf target = Unpooled.directBuffer(PduDecoder.ASSEMBLE_MIN);
        EmbeddedChannel ch = new EmbeddedChannel(new PduDecoder(0xffffff, false, false).placement(
                (bhs, length) -> target.retainedSlice(0, length).writerIndex(0)));
        byte[] bytes = wire(new DataOut(true, 0, 21, 0x55, 8, 0, 0, data(PduDecoder.ASSEMBLE_MIN)), false, false);
        ch.writeInbound(Unpooled.copiedBuffer(bytes, 0, 1000));
        assertEquals(2, target.refCnt());
        assertFalse(ch.finish());
        assertEquals(1, target.refCnt(), "the decoder released its slice when removed");
        target.release();
    }

    /**
     * Plays Netty's read loop (reads of at most 3000 bytes, as a slow sender would deliver them)
     * against a DirectReceive, for two large Data-Outs back to back: while a placed segment is
     * incomplete each read buffer is the rest of the segment itself; the reads around a segment are
     * bounded to the PDU's own header and trailer, so all of the second segment but its tail goes
     * straight in.
     */
    @Test
    void directReceiveReadsLargeSegmentsIntoTheirDestination() {
        int size = PduDecoder.ASSEMBLE_MIN * 4;
        ByteBuf target = Unpooled.directBuffer(2 * size);
        int[] placed = new int[1];
        DirectReceive direct = new DirectReceive(new AdaptiveRecvByteBufAllocator());
        EmbeddedChannel ch = new EmbeddedChannel();
        ch.config().setRecvByteBufAllocator(direct);
        ch.pipeline().addLast(new PduDecoder(0xffffff, true, true).placement(
                (bhs, length) -> target.retainedSlice(size * placed[0]++, length).writerIndex(0)));
        RecvByteBufAllocator.Handle reads = direct.newHandle();
        DataOut first = new DataOut(false, 0, 21, 0x55, 8, 0, 0, data(size));
        DataOut second = new DataOut(true, 0, 21, 0x55, 8, 1, size, data(size));
        byte[] a = wire(first.retain(), true, true);
        byte[] b = wire(second.retain(), true, true);
        byte[] bytes = new byte[a.length + b.length];
        System.arraycopy(a, 0, bytes, 0, a.length);
        System.arraycopy(b, 0, bytes, a.length, b.length);
        int sent = 0;
        long directAfterFirst = -1;
        List<Integer> readSizes = new ArrayList<>();
        while (sent < bytes.length) {
            if (sent == a.length) {
                directAfterFirst = direct.directBytes();
            }
            ByteBuf buf = reads.allocate(UnpooledByteBufAllocator.DEFAULT);
            int n = Math.min(Math.min(3000, buf.writableBytes()), bytes.length - sent);
            readSizes.add(n);
            buf.writeBytes(bytes, sent, n);
            reads.lastBytesRead(n);
            sent += n;
            ch.writeInbound(buf);
        }
        assertTrue(directAfterFirst >= 0, "a read ended exactly at the end of the first PDU: " + readSizes);
        DataOut got1 = ch.readInbound();
        DataOut got2 = ch.readInbound();
        assertSame(first, got1);
        assertSame(second, got2);
        assertEquals(ByteBufUtil.hexDump(first.data()), ByteBufUtil.hexDump(target, 0, size));
        assertEquals(ByteBufUtil.hexDump(second.data()), ByteBufUtil.hexDump(target, size, size));
        assertTrue(directAfterFirst >= size - 3000 - DirectReceive.MIN_DIRECT, "first: " + directAfterFirst);
        assertTrue(direct.directBytes() - directAfterFirst >= size - DirectReceive.MIN_DIRECT,
                "second: all but the tail went straight in, reads " + readSizes);
        assertTrue(readSizes.contains(48), "the second header was read alone: " + readSizes);
        got1.release();
        got2.release();
        first.release();
        second.release();
        assertFalse(ch.finish());
        assertEquals(1, target.refCnt());
        target.release();
    }

    @Test
    void paddingIsWrittenAndSkipped() {
        ByteBuf wire = PduCodec.encode(new DataOut(true, 0, 1, 2, 0, 0, 0, data(5)), ByteBufAllocator.DEFAULT, false,
                false);
        assertEquals(48 + 8, wire.readableBytes());
        wire.release();
    }

    @Test
    void badHeaderDigestIsFatalAndDiscardsTheRest() {
        ByteBuf wire = PduCodec.encode(new NopOut(true, 0, 7, Bhs.NO_TAG, 5, 9, Unpooled.EMPTY_BUFFER),
                ByteBufAllocator.DEFAULT, true, true);
        wire.setByte(49, wire.getByte(49) ^ 1);
        EmbeddedChannel ch = new EmbeddedChannel(new PduDecoder(8192, true, true));
        ch.writeInbound(wire);
        InvalidPdu bad = ch.readInbound();
        assertTrue(bad.fatal());
        ch.writeInbound(PduCodec.encode(new NopOut(true, 0, 8, Bhs.NO_TAG, 5, 9, Unpooled.EMPTY_BUFFER),
                ByteBufAllocator.DEFAULT, true, true));
        assertNull(ch.readInbound());
        assertFalse(ch.finish());
    }

    @Test
    void badDataDigestIsRecoverable() {
        ByteBuf wire = PduCodec.encode(new NopOut(true, 0, 7, Bhs.NO_TAG, 5, 9, data(8)), ByteBufAllocator.DEFAULT,
                true, true);
        ByteBuf copy = Unpooled.copiedBuffer(wire);
        wire.release();
        copy.setByte(48 + 4 + 2, copy.getByte(48 + 4 + 2) ^ 0x40);
        EmbeddedChannel ch = new EmbeddedChannel(new PduDecoder(8192, true, true));
        ch.writeInbound(copy);
        InvalidPdu bad = ch.readInbound();
        assertEquals(RejectReason.DATA_DIGEST_ERROR, bad.reason());
        assertFalse(bad.fatal());
        assertEquals(7, bad.itt());
        ch.writeInbound(PduCodec.encode(new NopOut(true, 0, 8, Bhs.NO_TAG, 5, 9, data(3)), ByteBufAllocator.DEFAULT,
                true, true));
        NopOut next = ch.readInbound();
        assertEquals(8, next.itt());
        next.release();
        assertFalse(ch.finish());
    }

    @Test
    void oversizeSegmentIsFatal() {
        EmbeddedChannel ch = new EmbeddedChannel(new PduDecoder(512, false, false));
        ch.writeInbound(PduCodec.encode(new NopOut(true, 0, 7, Bhs.NO_TAG, 5, 9, data(516)), ByteBufAllocator.DEFAULT,
                false, false));
        InvalidPdu bad = ch.readInbound();
        assertTrue(bad.fatal());
        assertNull(ch.readInbound());
        assertFalse(ch.finish());
    }

    @Test
    void unknownOpcodeBecomesInvalidPduAndStreamContinues() {
        byte[] h = new byte[48];
        h[0] = 0x1c;
        Bhs.class.getName();
        h[7] = 4;
        ByteBuf b = Unpooled.buffer().writeBytes(h).writeBytes(new byte[] {1, 2, 3, 4});
        EmbeddedChannel ch = new EmbeddedChannel(PduDecoder.forLogin());
        ch.writeInbound(b);
        InvalidPdu bad = ch.readInbound();
        assertEquals(RejectReason.COMMAND_NOT_SUPPORTED, bad.reason());
        assertFalse(bad.fatal());
        ch.writeInbound(PduCodec.encode(new NopOut(true, 0, 8, Bhs.NO_TAG, 5, 9, Unpooled.EMPTY_BUFFER),
                ByteBufAllocator.DEFAULT, false, false));
        Pdu next = ch.readInbound();
        assertInstanceOf(NopOut.class, next);
        assertFalse(ch.finish());
    }

    @Test
    void textHelpersRoundTrip() throws Exception {
        var pairs = TextKeys.parse("A=1\0B=x=y\0".getBytes(StandardCharsets.UTF_8));
        assertEquals("A", pairs.get(0).getKey());
        assertEquals("x=y", pairs.get(1).getValue());
        org.junit.jupiter.api.Assertions.assertThrows(TextKeys.SyntaxException.class,
                () -> TextKeys.parse("A=1".getBytes(StandardCharsets.UTF_8)));
        org.junit.jupiter.api.Assertions.assertThrows(TextKeys.SyntaxException.class,
                () -> TextKeys.parse("A B=1\0".getBytes(StandardCharsets.UTF_8)));
        org.junit.jupiter.api.Assertions.assertThrows(TextKeys.SyntaxException.class,
                () -> TextKeys.parse(("K" + "x".repeat(63) + "=1\0").getBytes(StandardCharsets.UTF_8)));
    }
}
