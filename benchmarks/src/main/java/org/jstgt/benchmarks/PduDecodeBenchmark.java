package org.jstgt.benchmarks;

import java.util.concurrent.TimeUnit;

import org.jstgt.iscsi.pdu.DataOut;
import org.jstgt.iscsi.pdu.InvalidPdu;
import org.jstgt.iscsi.pdu.Pdu;
import org.jstgt.iscsi.pdu.PduCodec;
import org.jstgt.iscsi.pdu.PduDecoder;
import org.jstgt.iscsi.pdu.ScsiCommand;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.ReferenceCountUtil;

/**
 * Inbound framing of a write workload: {@link PduDecoder} turns a byte stream of SCSI Command
 * PDUs (WRITE(10), no immediate data) each followed by its solicited Data-Out PDUs (RFC 7143
 * §11.3, §11.7) into PDU objects. One operation is {@value #PAYLOAD} bytes of write payload
 * (4 commands of 256 KiB), so ops/s reads as MiB/s of payload framed.
 *
 * <p>{@code segment} is the Data-Out data segment length (our MaxRecvDataSegmentLength, RFC 7143
 * §13.12: 8 KiB is the default, 256 KiB what Linux initiators are usually given); {@code digests}
 * turns on both CRC32C HeaderDigest and DataDigest (§13.1). The stream is fed in 64 KiB reads
 * from a pooled direct buffer, as a socket read hands it to the pipeline, so PDUs spanning reads
 * go through the decoder's cumulation as they do on a connection.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(1)
@State(Scope.Thread)
public class PduDecodeBenchmark {
    static final int PAYLOAD = 1 << 20;
    static final int COMMAND_LENGTH = 256 << 10;
    static final int READ = 64 << 10;
    static final int WRITE_10 = 0x2A;
    static final int BLOCK = 512;

    @Param({"8192", "262144"})
    public int segment;

    @Param({"false", "true"})
    public boolean digests;

    private ByteBuf wire;
    private int pdus;
    private EmbeddedChannel channel;

    @Setup
    public void setUp() {
        byte[] payload = Patterns.bytes(COMMAND_LENGTH, 11);
        ByteBuf stream = Unpooled.buffer();
        int cmdSn = 1;
        int count = 0;
        for (int c = 0; c < PAYLOAD / COMMAND_LENGTH; c++) {
            int itt = c + 1;
            long lba = (long) c * COMMAND_LENGTH / BLOCK;
            ScsiCommand cmd = new ScsiCommand(false, true, false, true, 1, 0L, itt, COMMAND_LENGTH, cmdSn++, 1,
                    Patterns.cdb10(WRITE_10, lba, COMMAND_LENGTH / BLOCK), -1, Unpooled.EMPTY_BUFFER);
            append(stream, cmd);
            count++;
            int dataSn = 0;
            for (int off = 0; off < COMMAND_LENGTH; off += segment) {
                int len = Math.min(segment, COMMAND_LENGTH - off);
                DataOut d = new DataOut(off + len == COMMAND_LENGTH, 0L, itt, 0x1000 + itt, 1, dataSn++, off,
                        Unpooled.wrappedBuffer(payload, off, len));
                append(stream, d);
                count++;
            }
        }
        wire = PooledByteBufAllocator.DEFAULT.directBuffer(stream.readableBytes());
        wire.writeBytes(stream);
        stream.release();
        pdus = count;
        channel = new EmbeddedChannel(new PduDecoder(Math.max(segment, 8192), digests, digests));
        checkDecodes();
    }

    private void append(ByteBuf stream, Pdu pdu) {
        ByteBuf encoded = PduCodec.encode(pdu, UnpooledByteBufAllocator.DEFAULT, digests, digests);
        stream.writeBytes(encoded);
        encoded.release();
    }

    /** Refuses to measure a stream the decoder rejects: every PDU must come out valid. */
    private void checkDecodes() {
        int seen = 0;
        for (int off = 0; off < wire.readableBytes(); off += READ) {
            channel.writeInbound(wire.retainedSlice(off, Math.min(READ, wire.readableBytes() - off)));
            Object m;
            while ((m = channel.readInbound()) != null) {
                try {
                    if (m instanceof InvalidPdu bad) {
                        throw new IllegalStateException("decoder rejected PDU " + seen + ": " + bad.detail());
                    }
                    seen++;
                } finally {
                    ReferenceCountUtil.release(m);
                }
            }
        }
        if (seen != pdus) {
            throw new IllegalStateException("decoded " + seen + " PDUs of " + pdus);
        }
    }

    @TearDown
    public void tearDown() {
        channel.finishAndReleaseAll();
        wire.release();
    }

    @Benchmark
    public void decode(Blackhole bh) {
        int length = wire.readableBytes();
        for (int off = 0; off < length; off += READ) {
            channel.writeInbound(wire.retainedSlice(off, Math.min(READ, length - off)));
            Object m;
            while ((m = channel.readInbound()) != null) {
                bh.consume(m);
                ReferenceCountUtil.release(m);
            }
        }
    }
}
