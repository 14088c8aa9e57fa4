package org.jstgt.benchmarks.mcs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;

class LatenciesTest {
    @Test
    void percentilesAreNearestRankOverEveryConnection() {
        Latencies a = new Latencies();
        Latencies b = new Latencies();
        for (int i = 1; i <= 1000; i++) {
            (i % 2 == 0 ? a : b).add(i * 1000L); // 1..1000 us, split over two connections
        }
        String json = Latencies.json(List.of(a, b));
        assertTrue(json.contains("\"lat_samples\":1000"), json);
        assertTrue(json.contains("\"lat_p50_us\":500.0"), json);
        assertTrue(json.contains("\"lat_p99_us\":990.0"), json);
        assertTrue(json.contains("\"lat_p999_us\":999.0"), json);
        assertTrue(json.contains("\"lat_max_us\":1000.0"), json);
        assertTrue(json.contains("\"lat_mean_us\":500.5"), json);
    }

    @Test
    void growsPastItsFirstArrayAndSaysNullWhenEmpty() {
        Latencies l = new Latencies();
        for (int i = 0; i < 100_000; i++) {
            l.add(7);
        }
        assertEquals(100_000, l.count());
        assertEquals(7, Latencies.percentile(new long[] {7}, 99.9));
        assertTrue(Latencies.json(List.of(new Latencies())).contains("\"lat_p99_us\":null"));
    }
}
