package org.jstgt.benchmarks;

import java.util.concurrent.TimeUnit;

import org.jstgt.iscsi.pdu.Digests;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The header digest (RFC 7143 §13.1) as the decoder checks it and the encoder writes it:
 * {@link Digests#crc(byte[][])} over a 48-byte BHS and an empty AHS. Scores are digests per second.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(1)
@State(Scope.Thread)
public class HeaderDigestBenchmark {
    private static final byte[] NO_AHS = new byte[0];

    private byte[] bhs;

    @Setup
    public void setUp() {
        // RFC 7143 Appendix B.4: 32 bytes of zeros give the CRC32C 8a9136aa
        if (Digests.crc(new byte[32]) != 0x8a9136aa) {
            throw new IllegalStateException("Digests.crc fails the RFC 7143 B.4 vector");
        }
        bhs = Patterns.bytes(48, 1);
    }

    @Benchmark
    public int bhs() {
        return Digests.crc(bhs, NO_AHS);
    }
}
