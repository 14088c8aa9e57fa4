package org.jstgt.api.mgmt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;

import org.junit.jupiter.api.Test;

class IoMeterTest {

    @Test
    void everyLatencyFallsIntoABucketThatHoldsIt() {
        long[] samples = {0, 1, 7, 8, 9, 15, 16, 17, 100, 1000, 1023, 1024, 1025, 123_456, 9_999_999,
            1L << 39, (1L << 40) + 5, Long.MAX_VALUE};
        for (long v : samples) {
            int b = LatencyHistogram.bucketOf(v);
            assertTrue(v <= LatencyHistogram.upperBoundNanos(b), v + " above bucket " + b);
            assertTrue(b == 0 || v > LatencyHistogram.upperBoundNanos(b - 1), v + " belongs below bucket " + b);
        }
        for (int b = 1; b < LatencyHistogram.BUCKETS; b++) {
            assertTrue(LatencyHistogram.upperBoundNanos(b) > LatencyHistogram.upperBoundNanos(b - 1));
        }
        assertEquals(LatencyHistogram.BUCKETS - 1, LatencyHistogram.bucketOf(Long.MAX_VALUE));
        assertEquals(0, LatencyHistogram.bucketOf(-5));
    }

    @Test
    void percentilesAreWithinOneBucketOfTheTruth() {
        IoMeter m = new IoMeter();
        for (int i = 1; i <= 1000; i++) {
            m.record(IoMeter.Kind.READ, 4096, i * 1000L, 0, 0);
        }
        LatencyHistogram h = m.snapshot(0).readLatency();
        assertEquals(1000, h.count());
        assertEquals(500_500_000L, h.sumNanos());
        long p50 = h.percentileNanos(0.5);
        long p99 = h.percentileNanos(0.99);
        assertTrue(p50 >= 500_000 && p50 <= 500_000 * 1.125, "p50 " + p50);
        assertTrue(p99 >= 990_000 && p99 <= 990_000 * 1.125, "p99 " + p99);
        assertEquals(0, LatencyHistogram.empty().percentileNanos(0.99));
        assertThrows(IllegalArgumentException.class, () -> h.percentileNanos(1.5));
    }

    @Test
    void countersSplitByKindAndStatus() {
        IoMeter m = new IoMeter();
        m.record(IoMeter.Kind.READ, 512, 10_000, 0x00, 0);
        m.record(IoMeter.Kind.WRITE, 4096, 20_000, 0x00, 0);
        m.record(IoMeter.Kind.WRITE, 0, 20_000, 0x02, 0x03);
        m.record(IoMeter.Kind.OTHER, 0, 1_000, 0x02, 0x05);
        m.record(IoMeter.Kind.OTHER, 0, 1_000, 0x02, 0x05);
        m.record(IoMeter.Kind.OTHER, 0, 1_000, 0x18, 0);
        m.record(IoMeter.Kind.OTHER, 0, 1_000, 0x08, 0);
        IoStats s = m.snapshot(3);
        assertEquals(1, s.reads());
        assertEquals(2, s.writes());
        assertEquals(4, s.others());
        assertEquals(512, s.readBytes());
        assertEquals(4096, s.writeBytes());
        assertEquals(Map.of("MEDIUM ERROR", 1L, "ILLEGAL REQUEST", 2L), s.errorsBySenseKey());
        assertEquals(3, s.errors());
        assertEquals(2, s.busy());
        assertEquals(3, s.inFlight());
        assertEquals(2, s.writeLatency().count());
    }

    @Test
    void snapshotsSubtractToAnIntervalAndAddToATotal() {
        IoMeter m = new IoMeter();
        m.record(IoMeter.Kind.READ, 512, 10_000, 0, 0);
        IoStats before = m.snapshot(0);
        m.record(IoMeter.Kind.READ, 512, 2_000_000, 0, 0);
        LatencyHistogram interval = m.snapshot(0).readLatency().minus(before.readLatency());
        assertEquals(1, interval.count());
        assertTrue(interval.percentileNanos(0.5) >= 2_000_000);
        IoStats total = before.plus(m.snapshot(1));
        assertEquals(3, total.reads());
        assertEquals(3, total.readLatency().count());
        assertEquals(1, total.inFlight());
    }
}
