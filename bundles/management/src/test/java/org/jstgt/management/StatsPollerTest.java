package org.jstgt.management;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import org.jstgt.api.mgmt.IoMeter;
import org.jstgt.api.mgmt.IoMeter.Kind;
import org.jstgt.api.mgmt.IoStats;
import org.jstgt.api.mgmt.ManagementView;
import org.junit.jupiter.api.Test;

class StatsPollerTest {
    private final FakeView core = new FakeView();
    private final FakeView fabric = new FakeView();
    private final AtomicLong clock = new AtomicLong();
    private final StatsPoller poller = new StatsPoller(() -> List.of(core, fabric), clock::get);

    @Test
    void viewsAreMergedAndRatesCoverTheTickInterval() {
        IoMeter disk = core.lun("disk0");
        IoMeter session = fabric.session(5, "iqn.2026-11.org.example:a");
        Sample first = poller.tick();
        assertEquals(0, first.seconds());
        assertSame(Rate.NONE, first.lunRate("disk0"));
        for (int i = 0; i < 300; i++) {
            disk.record(Kind.WRITE, 4096, 1000, 0, 0);
            session.record(Kind.WRITE, 4096, 1000, 0, 0);
        }
        clock.addAndGet(1_500_000_000L);
        Sample second = poller.tick();
        assertEquals(1.5, second.seconds(), 1e-9);
        assertEquals(200, second.lunRate("disk0").writeIops(), 1e-9);
        assertEquals(200 * 4096, second.sessionRate(5).writeBytesPerSecond(), 1e-6);
        assertEquals(300, second.lunRate("disk0").writeLatency().count());
        assertEquals(1, second.snapshot().luns().size());
        assertEquals(1, second.snapshot().sessions().size());
    }

    @Test
    void refreshUpdatesCountersButKeepsTheIntervalRates() {
        IoMeter disk = core.lun("disk0");
        poller.tick();
        disk.record(Kind.READ, 512, 1000, 0, 0);
        clock.addAndGet(1_000_000_000L);
        poller.tick();
        for (int i = 0; i < 10; i++) {
            disk.record(Kind.READ, 512, 1000, 0, 0);
        }
        clock.addAndGet(100_000_000L);
        Sample refreshed = poller.refresh();
        assertEquals(11, refreshed.snapshot().lunStats().get("disk0").reads());
        assertEquals(1, refreshed.lunRate("disk0").readIops(), 1e-9);
        clock.addAndGet(900_000_000L);
        assertEquals(10, poller.tick().lunRate("disk0").readIops(), 1e-9, "the next tick covers the whole second");
    }

    @Test
    void aViewThatThrowsIsLeftOutAndCountersThatWentBackGiveNoRate() {
        ManagementView broken = new ManagementView() {
            @Override
            public Map<String, IoStats> lunStats() {
                throw new IllegalStateException("broken view");
            }
        };
        IoMeter disk = core.lun("disk0");
        disk.record(Kind.READ, 512, 1000, 0, 0);
        Snapshot s = Snapshot.of(List.of(broken, core), 0);
        assertEquals(1, s.lunStats().get("disk0").reads());
        IoStats later = IoStats.EMPTY;
        assertSame(Rate.NONE, Rate.between(s.lunStats().get("disk0"), later, 1));
        assertSame(Rate.NONE, Rate.between(null, later, 1));
    }

    @Test
    void historyKeepsTheLastPointsOfLunsThatExist() {
        LunHistory h = new LunHistory(2);
        IoMeter disk = core.lun("disk0");
        poller.tick();
        for (int t = 1; t <= 3; t++) {
            for (int i = 0; i < t; i++) {
                disk.record(Kind.READ, 512, 1000, 0, 0);
            }
            clock.addAndGet(1_000_000_000L);
            h.add(t * 1000L, poller.tick());
        }
        List<LunHistory.Point> points = h.points().get("disk0");
        assertEquals(2, points.size());
        assertEquals(2000L, points.get(0).epochMillis());
        assertEquals(3, points.get(1).readIops(), 1e-9);
        core.removeLun("disk0");
        clock.addAndGet(1_000_000_000L);
        h.add(4000, poller.tick());
        assertTrue(h.points().isEmpty());
        assertThrows(IllegalArgumentException.class, () -> new LunHistory(0));
    }
}
