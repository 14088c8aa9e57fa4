package org.jstgt.iscsi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;
import java.util.function.UnaryOperator;

import org.jstgt.iscsi.log.LogBudget;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The jstgt.iscsi PID and the deprecated system properties it replaces. */
class IscsiSettingsTest {
    private final List<String> warnings = new ArrayList<>();
    private final BiConsumer<String, Object[]> warn = (format, args) -> {
        String line = format;
        for (Object a : args) {
            line = line.replaceFirst("\\{\\}", java.util.regex.Matcher.quoteReplacement(String.valueOf(a)));
        }
        warnings.add(line);
    };

    @AfterEach
    void resetBudget() {
        LogBudget.configure(LogBudget.DEFAULT_LIMIT);
    }

    private static UnaryOperator<String> system(Map<String, String> props) {
        return props::get;
    }

    @Test
    void withoutFileOrPropertyTheDefaultsApplySilently() {
        IscsiSettings s = new IscsiSettings(Map.of(), system(Map.of()), warn);
        assertEquals("auto", s.transport());
        assertEquals(LogBudget.DEFAULT_LIMIT, new LogBudget().limit());
        assertEquals(List.of(), warnings);
    }

    @Test
    void theFileWinsOverTheOldSystemPropertyWhichIsNotMentioned() {
        IscsiSettings s = new IscsiSettings(Map.of("transport", "nio", "peer.log.limit", "5"),
                system(Map.of(Transport.PROPERTY, "epoll", LogBudget.PROPERTY, "7")), warn);
        assertEquals("nio", s.transport());
        assertEquals(5, new LogBudget().limit());
        assertEquals(List.of(), warnings);
    }

    @Test
    void theOldSystemPropertiesStillWorkWithADeprecationLineEach() {
        IscsiSettings s = new IscsiSettings(Map.of(), system(Map.of(Transport.PROPERTY, " epoll ", LogBudget.PROPERTY,
                "7")), warn);
        assertEquals("epoll", s.transport());
        assertEquals(7, new LogBudget().limit());
        assertEquals(2, warnings.size(), warnings.toString());
        assertTrue(warnings.get(0).startsWith("system property jstgt.iscsi.transport is deprecated"), warnings.get(0));
        assertTrue(warnings.get(0).contains("set transport = epoll in etc/jstgt.iscsi.cfg"), warnings.get(0));
        assertTrue(warnings.get(1).contains("set peer.log.limit = 7 in etc/jstgt.iscsi.cfg"), warnings.get(1));
    }

    @Test
    void aChangeOfTheLimitAppliesToNewConnectionsAndOfTheTransportAtTheNextStart() {
        IscsiSettings s = new IscsiSettings(Map.of(), system(Map.of()), warn);
        s.modified(Map.of("peer.log.limit", "3", "transport", "io_uring",
                "felix.fileinstall.filename", "file:/opt/jstgt/etc/jstgt.iscsi.cfg"));
        assertEquals(3, new LogBudget().limit());
        assertEquals("auto", s.transport(), "the running fabric keeps its transport");
        assertEquals(List.of("/opt/jstgt/etc/jstgt.iscsi.cfg: key transport: 'io_uring' applies at the next start of "
                + "the jstgt-iscsi bundle; the fabric keeps the transport it started with ('auto')"), warnings);
    }

    @Test
    void aBadLimitIsReportedWithFileAndKeyAndTheDefaultUsed() {
        try (LogCapture log = new LogCapture()) {
            new IscsiSettings(Map.of("peer.log.limit", "lots", "felix.fileinstall.filename",
                    "file:/opt/jstgt/etc/jstgt.iscsi.cfg"), system(Map.of()), warn);
            assertEquals(LogBudget.DEFAULT_LIMIT, new LogBudget().limit());
            assertTrue(log.lines().stream().anyMatch(l -> l.contains(
                    "/opt/jstgt/etc/jstgt.iscsi.cfg: key peer.log.limit: 'lots' is not a number in 0..100000")),
                    log.lines().toString());
        }
    }

    @Test
    void thePollingWindowAppliesAtOnceAndABadOneIsReportedWithFileAndKey() {
        IscsiSettings s = new IscsiSettings(Map.of(), system(Map.of()), warn);
        assertEquals(50_000, s.pollWindow().nanos(), "the default: 50 us");
        s.modified(Map.of("busy.poll.us", "0"));
        assertEquals(0, s.pollWindow().nanos(), "0: the loops sleep at once");
        s.modified(Map.of("busy.poll.us", " 200 "));
        assertEquals(200_000, s.pollWindow().nanos());
        try (LogCapture log = new LogCapture()) {
            s.modified(Map.of("busy.poll.us", "20000", "felix.fileinstall.filename",
                    "file:/opt/jstgt/etc/jstgt.iscsi.cfg"));
            assertEquals(50_000, s.pollWindow().nanos(), "out of range: the default");
            assertTrue(log.lines().stream().anyMatch(l -> l.contains(
                    "/opt/jstgt/etc/jstgt.iscsi.cfg: key busy.poll.us: '20000' is not a number in 0..10000")),
                    log.lines().toString());
        }
        assertEquals(List.of(), warnings);
    }
}
