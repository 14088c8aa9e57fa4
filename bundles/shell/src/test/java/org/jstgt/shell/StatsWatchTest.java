package org.jstgt.shell;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.jstgt.api.mgmt.IoMeter;
import org.jstgt.api.mgmt.IoStats;
import org.jstgt.api.mgmt.ManagementView;
import org.junit.jupiter.api.Test;

/** The loop of iscsi:stats and its options. */
class StatsWatchTest {
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
    private final IoMeter meter = new IoMeter();
    private final List<Long> slept = new ArrayList<>();
    private long clock;

    /** Each sample is one second after the last, with ten more reads. */
    private StatsWatch.Sample sample() {
        for (int i = 0; i < 10; i++) {
            meter.record(IoMeter.Kind.READ, 4096, 1000, 0, 0);
        }
        clock += 1_000_000_000L;
        return new StatsWatch.Sample(clock, Map.of("disk0", meter.snapshot(0)), List.of());
    }

    private String output() {
        return bytes.toString(StandardCharsets.UTF_8);
    }

    @Test
    void printsCountTablesOneIntervalApart() {
        StatsWatch w = new StatsWatch(this::sample, slept::add, out, true);
        assertEquals(3, w.run(StatsWatch.Scope.LUN, 1000, 3, false, Set.of()));
        assertEquals(List.of(1000L, 1000L, 1000L), slept);
        assertEquals(3, output().lines().filter(l -> l.startsWith("LUNs, 1.00 s interval")).count());
        assertEquals(3, output().lines().filter(l -> l.contains("disk0") && l.contains("10.0")).count(),
                "ten reads a second in each table: " + output());
        assertFalse(output().contains(StatsWatch.CLEAR));
    }

    @Test
    void watchClearsTheScreenAndStopsWhenInterrupted() {
        int[] calls = {0};
        StatsWatch w = new StatsWatch(this::sample, ms -> {
            if (++calls[0] == 3) {
                throw new InterruptedException("Ctrl-C");
            }
        }, out, true);
        try {
            assertEquals(2, w.run(StatsWatch.Scope.SESSION, 1000, 0, true, Set.of()));
            assertTrue(Thread.currentThread().isInterrupted(), "the interrupt is kept for the shell");
        } finally {
            Thread.interrupted();
        }
        assertEquals(2, output().split(java.util.regex.Pattern.quote(StatsWatch.CLEAR), -1).length - 1);
        assertTrue(output().contains("(Ctrl-C to stop)"));
    }

    @Test
    void anInterruptedThreadPrintsNothingMore() {
        StatsWatch w = new StatsWatch(this::sample, ms -> { }, out, false);
        Thread.currentThread().interrupt();
        try {
            assertEquals(0, w.run(StatsWatch.Scope.TARGET, 10, 0, true, Set.of()));
        } finally {
            Thread.interrupted();
        }
    }

    @Test
    void optionsAreCheckedWithClearErrors() {
        assertEquals(StatsWatch.Scope.LUN, StatsCommand.scope(false, false, false));
        assertEquals(StatsWatch.Scope.SESSION, StatsCommand.scope(false, false, true));
        IllegalArgumentException both = assertThrows(IllegalArgumentException.class,
                () -> StatsCommand.scope(true, true, false));
        assertTrue(both.getMessage().contains("--lun"), both.getMessage());
        assertEquals(1000, StatsCommand.intervalMillis(null));
        assertEquals(2500, StatsCommand.intervalMillis("2.5"));
        for (String bad : List.of("0", "-1", "x", "3601", "NaN")) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> StatsCommand.intervalMillis(bad));
            assertTrue(e.getMessage().startsWith("--interval: '" + bad + "'"), e.getMessage());
        }
        assertEquals(1, StatsCommand.count(null, false));
        assertEquals(0, StatsCommand.count(null, true), "--watch runs until Ctrl-C");
        assertEquals(5, StatsCommand.count("5", true));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> StatsCommand.count("0", false)).getMessage()
                .startsWith("--count: '0'"));
        assertEquals(Set.of("0x0001", "0x00ff"), StatsCommand.names(StatsWatch.Scope.SESSION, List.of("1", "0xff")));
        assertEquals(Set.of("disk0"), StatsCommand.names(StatsWatch.Scope.LUN, List.of("disk0")));
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> StatsCommand.names(StatsWatch.Scope.SESSION, List.of("disk0"))).getMessage().contains("TSIH"));
        assertEquals("no LUN named 'x' (etc/jstgt.lun-<name>.cfg)", StatsCommand.unknown(StatsWatch.Scope.LUN, "x"));
    }

    @Test
    void samplesMergeTheViewsAndNameSessionsByTsih() {
        IoMeter m = new IoMeter();
        m.record(IoMeter.Kind.READ, 512, 1000, 0, 0);
        IoStats one = m.snapshot(1);
        ManagementView core = new ManagementView() {
            @Override
            public Map<String, IoStats> lunStats() {
                return Map.of("disk0", one);
            }
        };
        ManagementView fabric = new ManagementView() {
            @Override
            public Map<Integer, IoStats> sessionStats() {
                return Map.of(7, one);
            }
        };
        ManagementView broken = new ManagementView() {
            @Override
            public Map<Integer, IoStats> sessionStats() {
                throw new IllegalStateException("stopping");
            }
        };
        StatsWatch.Sample luns = StatsCommand.collect(Views.merge(List.of(core, fabric),
                StatsCommand.reader(StatsWatch.Scope.LUN)));
        assertEquals(Map.of("disk0", one), luns.stats());
        StatsWatch.Sample sessions = StatsCommand.collect(Views.merge(List.of(core, fabric, fabric, broken),
                StatsCommand.reader(StatsWatch.Scope.SESSION)));
        assertEquals(Set.of("0x0007"), sessions.stats().keySet());
        assertEquals(2, sessions.stats().get("0x0007").reads(), "the same TSIH from two views adds up");
        assertEquals(1, sessions.errors().size());
        assertTrue(sessions.errors().get(0).contains("stopping"));
    }
}
