package org.jstgt.shell;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Set;

import org.jstgt.api.mgmt.IoMeter;
import org.jstgt.api.mgmt.IoStats;
import org.jstgt.api.mgmt.LatencyHistogram;
import org.junit.jupiter.api.Test;

/** The rates of an interval from two snapshots of cumulative counters. */
class StatsTableTest {
    private static final int GOOD = 0x00;
    private static final int CHECK_CONDITION = 0x02;
    private static final int BUSY = 0x08;

    @Test
    void ratesAreTheGrowthOverTheInterval() {
        IoMeter m = new IoMeter();
        m.record(IoMeter.Kind.READ, 4096, 5_000_000, GOOD, 0);
        m.record(IoMeter.Kind.OTHER, 0, 0, CHECK_CONDITION, 6);
        IoStats before = m.snapshot(0);
        for (int i = 0; i < 10; i++) {
            m.record(IoMeter.Kind.READ, 1_000_000, 100_000, GOOD, 0); // 100 us
        }
        for (int i = 0; i < 4; i++) {
            m.record(IoMeter.Kind.WRITE, 500_000, 2_000_000, GOOD, 0); // 2 ms
        }
        m.record(IoMeter.Kind.READ, 0, 50_000, CHECK_CONDITION, 5);
        m.record(IoMeter.Kind.OTHER, 0, 0, CHECK_CONDITION, 6);
        m.record(IoMeter.Kind.OTHER, 0, 0, BUSY, 0);
        IoStats after = m.snapshot(3);

        StatsTable.Rates r = StatsTable.rates("disk0", before, after, 2.0);
        assertEquals(11 / 2.0, r.readIops(), 1e-9, "ten good reads and a failed one over two seconds");
        assertEquals(4 / 2.0, r.writeIops(), 1e-9);
        assertEquals(10 * 1_000_000 / 1e6 / 2.0, r.readMBps(), 1e-9);
        assertEquals(4 * 500_000 / 1e6 / 2.0, r.writeMBps(), 1e-9);
        assertEquals(Map.of("ILLEGAL REQUEST", 1L, "UNIT ATTENTION", 1L), r.errors(),
                "the unit attention before the interval is not counted");
        assertEquals(1, r.busy());
        assertEquals(3, r.inFlight());
        LatencyHistogram l = r.latency();
        assertEquals(15, l.count(), "the interval's reads and writes, not the read before it");
        long p50 = l.percentileNanos(0.5);
        assertTrue(p50 >= 100_000 && p50 <= 112_500, "p50 within the 100 us bucket: " + p50);
        long p99 = l.percentileNanos(0.99);
        assertTrue(p99 >= 2_000_000 && p99 <= 2_250_000, "p99 within the 2 ms bucket: " + p99);
    }

    @Test
    void aCounterThatWentBackCountsFromZero() {
        IoMeter old = new IoMeter();
        for (int i = 0; i < 50; i++) {
            old.record(IoMeter.Kind.WRITE, 512, 1000, GOOD, 0);
        }
        IoMeter fresh = new IoMeter();
        fresh.record(IoMeter.Kind.WRITE, 512, 1000, GOOD, 0);
        StatsTable.Rates r = StatsTable.rates("disk0", old.snapshot(0), fresh.snapshot(0), 1.0);
        assertEquals(1.0, r.writeIops(), 1e-9);
        assertEquals(512 / 1e6, r.writeMBps(), 1e-12);
    }

    @Test
    void rowsFollowTheLaterSnapshotAndTheNamesAsked() {
        IoMeter a = new IoMeter();
        IoStats a0 = a.snapshot(0);
        a.record(IoMeter.Kind.READ, 512, 1000, GOOD, 0);
        IoMeter b = new IoMeter();
        b.record(IoMeter.Kind.READ, 512, 1000, GOOD, 0);
        Map<String, IoStats> before = Map.of("a", a0, "gone", IoStats.EMPTY);
        Map<String, IoStats> after = Map.of("b", b.snapshot(0), "a", a.snapshot(0));
        List<StatsTable.Rates> all = StatsTable.rows(before, after, 1.0, Set.of());
        assertEquals(List.of("a", "b"), all.stream().map(StatsTable.Rates::name).toList());
        assertEquals(1.0, all.get(1).readIops(), 1e-9, "a new item counts from zero");
        assertEquals(List.of("b"), StatsTable.rows(before, after, 1.0, Set.of("b")).stream()
                .map(StatsTable.Rates::name).toList());
    }

    @Test
    void theTableShowsRatesLatenciesAndErrors() {
        IoMeter m = new IoMeter();
        IoStats before = m.snapshot(0);
        m.record(IoMeter.Kind.READ, 2_000_000, 250_000, GOOD, 0);
        m.record(IoMeter.Kind.OTHER, 0, 0, CHECK_CONDITION, 5);
        String out = ShellFixture.render(StatsTable.table("LUN", List.of(
                StatsTable.rates("disk0", before, m.snapshot(2), 1.0),
                StatsTable.rates("idle", IoStats.EMPTY, IoStats.EMPTY, 1.0)), "none"));
        String disk0 = out.lines().filter(s -> s.contains("disk0")).findFirst().orElseThrow();
        assertTrue(disk0.contains("1.0"), disk0);
        assertTrue(disk0.contains("2.00"), "2 MB in one second: " + disk0);
        assertTrue(disk0.contains(StatsTable.duration(LatencyHistogram.upperBoundNanos(
                LatencyHistogram.bucketOf(250_000)))), disk0);
        assertTrue(disk0.contains("ILLEGAL REQUEST 1"), disk0);
        String idle = out.lines().filter(s -> s.contains("idle")).findFirst().orElseThrow();
        assertTrue(idle.contains(" - "), "no latency without reads or writes: " + idle);
        assertTrue(out.lines().findFirst().orElseThrow().contains("p99.9"));
    }

    @Test
    void durationsKeepTwoOrThreeDigits() {
        assertEquals("850ns", StatsTable.duration(850));
        assertEquals("12.3us", StatsTable.duration(12_345));
        assertEquals("4.57ms", StatsTable.duration(4_567_000));
        assertEquals("250us", StatsTable.duration(250_000));
        assertEquals("1.20s", StatsTable.duration(1_200_000_000));
    }

    @Test
    void aNonPositiveIntervalIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> StatsTable.rates("x", IoStats.EMPTY, IoStats.EMPTY, 0));
    }
}
