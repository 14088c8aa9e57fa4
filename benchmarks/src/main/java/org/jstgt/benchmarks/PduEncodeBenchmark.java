package org.jstgt.benchmarks;

import java.util.concurrent.TimeUnit;

import org.jstgt.iscsi.pdu.DataIn;
import org.jstgt.iscsi.pdu.PduEncoder;
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
import io.netty.channel.embedded.EmbeddedChannel;

/**
 * Outbound framing of a read: {@link PduEncoder} writes the Data-In PDUs of one 1 MiB READ
 * (RFC 7143 §11.7), the last one with the status (phase collapse, §11.7.4). The data segments are
 * retained slices of one pooled direct "device buffer", as the connection sends a task's Data-In
 * buffer. One operation is one 1 MiB read, so ops/s reads as MiB/s of payload framed.
 *
 * <p>{@code segment} is the initiator's MaxRecvDataSegmentLength (RFC 7143 §13.12);
 * {@code digests} turns on CRC32C HeaderDigest and DataDigest (§13.1), the data digest being
 * the only pass over the payload the encoder makes.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(1)
@State(Scope.Thread)
public class PduEncodeBenchmark {
    static final int PAYLOAD = 1 << 20;

    @Param({"8192", "262144"})
    public int segment;

    @Param({"false", "true"})
    public boolean digests;

    private ByteBuf deviceBuffer;
    private EmbeddedChannel channel;
    private int statSn;

    @Setup
    public void setUp() {
        deviceBuffer = PooledByteBufAllocator.DEFAULT.directBuffer(PAYLOAD, PAYLOAD);
        deviceBuffer.writeBytes(Patterns.bytes(PAYLOAD, 5));
        channel = new EmbeddedChannel(new PduEncoder(digests, digests));
        long wire = 0;
        for (Object m = encodeOne(); m != null; m = channel.readOutbound()) {
            ByteBuf b = (ByteBuf) m;
            wire += b.readableBytes();
            b.release();
        }
        long perPdu = 48 + (digests ? 8 : 0);
        long expected = PAYLOAD + (long) (PAYLOAD / segment) * perPdu;
        if (wire != expected) {
            throw new IllegalStateException("encoded " + wire + " bytes, expected " + expected);
        }
    }

    /** Writes one read's Data-In PDUs and flushes; returns the first encoded buffer. */
    private Object encodeOne() {
        int dataSn = 0;
        statSn++;
        for (int off = 0; off < PAYLOAD; off += segment) {
            int len = Math.min(segment, PAYLOAD - off);
            boolean last = off + len == PAYLOAD;
            channel.write(new DataIn(last, false, false, false, last, 0, 0L, 1, 0xffffffff, last ? statSn : 0,
                    statSn, statSn + 64, dataSn++, off, 0, deviceBuffer.retainedSlice(off, len)));
        }
        channel.flushOutbound();
        return channel.readOutbound();
    }

    @TearDown
    public void tearDown() {
        channel.finishAndReleaseAll();
        deviceBuffer.release();
    }

    @Benchmark
    public void encode(Blackhole bh) {
        for (Object m = encodeOne(); m != null; m = channel.readOutbound()) {
            ByteBuf b = (ByteBuf) m;
            bh.consume(b.readableBytes());
            b.release();
        }
    }
}
