package org.jstgt.iscsi.log;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.slf4j.Logger;

class LogBudgetTest {

    /** A logger that records the format of each INFO and WARN line. */
    private static Logger recording(List<String> lines) {
        return (Logger) Proxy.newProxyInstance(Logger.class.getClassLoader(), new Class<?>[] {Logger.class},
                (proxy, method, args) -> {
                    if ((method.getName().equals("info") || method.getName().equals("warn")) && args != null) {
                        lines.add(method.getName() + " " + args[0]);
                    }
                    return method.getReturnType() == boolean.class ? Boolean.TRUE : null;
                });
    }

    @Test
    void theFirstLinesPassThenOneNoticeThenNothing() {
        List<String> lines = new ArrayList<>();
        Logger log = recording(lines);
        LogBudget budget = new LogBudget(3);
        for (int i = 0; i < 3; i++) {
            assertTrue(budget.allow(log, "127.0.0.2:40000"));
        }
        assertEquals(List.of(), lines);
        for (int i = 0; i < 1000; i++) {
            assertFalse(budget.allow(log, "127.0.0.2:40000"));
        }
        assertEquals(1, lines.size(), "one notice, however many lines follow");
        assertTrue(lines.get(0).contains("suppressed"), lines.get(0));
    }

    @Test
    void theLimitIsValidatedAndABadPropertyFallsBackToTheDefault() {
        assertThrows(IllegalArgumentException.class, () -> new LogBudget(-1));
        assertEquals(LogBudget.DEFAULT_LIMIT, new LogBudget().limit());
        List<String> lines = new ArrayList<>();
        assertEquals(LogBudget.DEFAULT_LIMIT, LogBudget.configured(null, recording(lines)));
        assertEquals(0, LogBudget.configured(" 0 ", recording(lines)));
        assertEquals(100_000, LogBudget.configured("100000", recording(lines)));
        assertEquals(List.of(), lines);
        assertEquals(LogBudget.DEFAULT_LIMIT, LogBudget.configured("many", recording(lines)));
        assertEquals(LogBudget.DEFAULT_LIMIT, LogBudget.configured("100001", recording(lines)));
        assertEquals(2, lines.size(), "each bad value is reported: " + lines);
        assertTrue(lines.get(0).startsWith("warn {}: key {}: "), lines.get(0));
    }
}
