package org.jstgt.management.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.jstgt.api.mgmt.IoMeter;
import org.jstgt.api.mgmt.IoMeter.Kind;
import org.jstgt.management.Entity;
import org.jstgt.management.FakeView;
import org.jstgt.management.StatsPoller;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class PrometheusMetricsTest {
    private final FakeView view = new FakeView();
    private final AtomicLong clock = new AtomicLong();
    private final StatsPoller poller = new StatsPoller(() -> List.of(view), clock::get);
    private final PrometheusMetrics metrics = new PrometheusMetrics(() -> Entity.of(poller.sample()));

    @AfterEach
    void close() {
        metrics.close();
    }

    private String scrape() {
        metrics.sync(Entity.of(poller.refresh()));
        return metrics.scrape();
    }

    private void tick(long millis) {
        clock.addAndGet(millis * 1_000_000);
        metrics.sync(Entity.of(poller.tick()));
    }

    private static double value(String text, String series) {
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(series) + " (\\S+)$").matcher(text);
        assertTrue(m.find(), "no line '" + series + " <value>' in:\n" + text);
        return Double.parseDouble(m.group(1));
    }

    @Test
    void lunCountersFollowTheCoreCounters() {
        IoMeter disk = view.lun("disk0");
        disk.record(Kind.READ, 4096, 200_000, 0, 0);
        disk.record(Kind.READ, 8192, 300_000, 0, 0);
        disk.record(Kind.WRITE, 512, 1_000_000, 0, 0);
        disk.record(Kind.OTHER, 0, 1000, 2, 5);
        disk.record(Kind.OTHER, 0, 1000, 8, 0);
        tick(0);
        String text = scrape();
        assertEquals(2, value(text, "jstgt_lun_commands_total{kind=\"read\",lun=\"disk0\"}"));
        assertEquals(1, value(text, "jstgt_lun_commands_total{kind=\"write\",lun=\"disk0\"}"));
        assertEquals(2, value(text, "jstgt_lun_commands_total{kind=\"other\",lun=\"disk0\"}"));
        assertEquals(12288, value(text, "jstgt_lun_bytes_total{kind=\"read\",lun=\"disk0\"}"));
        assertEquals(512, value(text, "jstgt_lun_bytes_total{kind=\"write\",lun=\"disk0\"}"));
        assertEquals(1, value(text, "jstgt_lun_errors_total{lun=\"disk0\",sense_key=\"ILLEGAL REQUEST\"}"));
        assertEquals(1, value(text, "jstgt_lun_busy_total{lun=\"disk0\"}"));
        assertEquals(1, value(text, "jstgt_lun_active{lun=\"disk0\"}"));
        assertTrue(text.contains("# TYPE jstgt_lun_commands_total counter"), text);

        disk.record(Kind.READ, 4096, 200_000, 0, 0);
        String later = scrape();
        assertEquals(3, value(later, "jstgt_lun_commands_total{kind=\"read\",lun=\"disk0\"}"),
                "a scrape refreshes the counters");
    }

    @Test
    void latencyIsAPrometheusHistogramInSeconds() {
        IoMeter disk = view.lun("disk0");
        disk.record(Kind.READ, 4096, 80_000, 0, 0); // 80 us
        disk.record(Kind.READ, 4096, 3_000_000, 0, 0); // 3 ms
        disk.record(Kind.READ, 4096, 20_000_000_000L, 0, 0); // 20 s
        tick(0);
        String text = scrape();
        assertTrue(text.contains("# TYPE jstgt_lun_latency_seconds histogram"), text);
        String p = "jstgt_lun_latency_seconds_bucket{kind=\"read\",lun=\"disk0\",le=\"";
        assertEquals(0, value(text, p + "5.0E-5\"}"));
        assertEquals(1, value(text, p + "1.0E-4\"}"));
        assertEquals(1, value(text, p + "0.0025\"}"));
        assertEquals(2, value(text, p + "0.005\"}"));
        assertEquals(2, value(text, p + "10.0\"}"));
        assertEquals(3, value(text, p + "+Inf\"}"));
        assertEquals(3, value(text, "jstgt_lun_latency_seconds_count{kind=\"read\",lun=\"disk0\"}"));
        assertEquals(20.00308, value(text, "jstgt_lun_latency_seconds_sum{kind=\"read\",lun=\"disk0\"}"), 1e-9);
        assertEquals(0, value(text, "jstgt_lun_latency_seconds_count{kind=\"write\",lun=\"disk0\"}"));
    }

    @Test
    void intervalQuantilesComeFromTheDifferenceOfTwoPolls() {
        IoMeter disk = view.lun("disk0");
        for (int i = 0; i < 100; i++) {
            disk.record(Kind.WRITE, 4096, 50_000_000, 0, 0); // 50 ms before the interval
        }
        tick(0);
        for (int i = 0; i < 1000; i++) {
            disk.record(Kind.WRITE, 4096, 100_000, 0, 0); // 100 us within it
        }
        tick(1000);
        String text = scrape();
        double p99 = value(text,
                "jstgt_lun_latency_interval_seconds{kind=\"write\",lun=\"disk0\",quantile=\"0.99\"}");
        assertTrue(p99 >= 100e-6 && p99 <= 100e-6 * 1.125, "p99 of the interval only: " + p99);
        assertEquals(0, value(text, "jstgt_lun_latency_interval_seconds{kind=\"read\",lun=\"disk0\",quantile=\"0.5\"}"));
    }

    @Test
    void targetAndSessionMetersCarryTheirLabels() {
        view.target("demo").record(Kind.READ, 4096, 1000, 0, 0);
        view.session(7, "iqn.2026-11.org.example:host").record(Kind.WRITE, 1024, 1000, 0, 0);
        view.inFlight = 3;
        tick(0);
        String text = scrape();
        assertEquals(1, value(text, "jstgt_target_commands_total{kind=\"read\",target=\"demo\"}"));
        assertEquals(3, value(text, "jstgt_target_in_flight{target=\"demo\"}"));
        assertEquals(1024, value(text, "jstgt_session_bytes_total{initiator=\"iqn.2026-11.org.example:host\","
                + "kind=\"write\",target=\"iqn.2026-11.org.jstgt:demo\",tsih=\"7\"}"));
        assertEquals(1, value(text, "jstgt_session_latency_seconds_count{initiator=\"iqn.2026-11.org.example:host\","
                + "kind=\"write\",target=\"iqn.2026-11.org.jstgt:demo\",tsih=\"7\"}"));
    }

    @Test
    void metersOfAGoneLunAreRemoved() {
        view.lun("disk0").record(Kind.READ, 512, 1000, 0, 0);
        view.lun("disk1").record(Kind.READ, 512, 1000, 0, 0);
        tick(0);
        assertTrue(scrape().contains("lun=\"disk1\""));
        view.removeLun("disk1");
        tick(1000);
        String text = scrape();
        assertFalse(text.contains("lun=\"disk1\""), text);
        assertEquals(1, value(text, "jstgt_lun_commands_total{kind=\"read\",lun=\"disk0\"}"));
    }
}
