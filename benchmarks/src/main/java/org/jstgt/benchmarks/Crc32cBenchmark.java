package org.jstgt.benchmarks;

import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;
import java.util.zip.CRC32C;

import org.jstgt.iscsi.pdu.Digests;
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

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;

/**
 * CRC32C digests (RFC 7143 §13.1) over a 48-byte BHS and 8 KiB / 256 KiB data segments, in heap
 * and direct buffers: {@code jdk} is {@link CRC32C} on a {@link ByteBuffer}, {@code digests} the
 * iSCSI bundle's {@link Digests#crc(ByteBuf, int)} the codec uses for data digests (the header
 * digest over byte arrays is {@link HeaderDigestBenchmark}). Scores are digests per second.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(1)
@State(Scope.Thread)
public class Crc32cBenchmark {
    @Param({"48", "8192", "262144"})
    public int size;

    @Param({"heap", "direct"})
    public String buffer;

    private byte[] bytes;
    private ByteBuffer nio;
    private ByteBuf buf;

    @Setup
    public void setUp() {
        bytes = Patterns.bytes(size, 3);
        boolean direct = switch (buffer) {
            case "heap" -> false;
            case "direct" -> true;
            default -> throw new IllegalArgumentException("buffer must be heap or direct: " + buffer);
        };
        nio = direct ? ByteBuffer.allocateDirect(size) : ByteBuffer.allocate(size);
        nio.put(bytes).clear();
        buf = direct ? Unpooled.directBuffer(size) : Unpooled.buffer(size);
        buf.writeBytes(bytes);
        // both must compute the digest of these bytes before either is timed
        CRC32C reference = new CRC32C();
        reference.update(bytes);
        if (jdk() != reference.getValue() || (digests() & 0xffffffffL) != reference.getValue()) {
            throw new IllegalStateException("CRC32C implementations disagree");
        }
    }

    @TearDown
    public void tearDown() {
        buf.release();
    }

    @Benchmark
    public long jdk() {
        CRC32C c = new CRC32C();
        nio.clear();
        c.update(nio);
        return c.getValue();
    }

    @Benchmark
    public int digests() {
        return Digests.crc(buf, 0);
    }
}
