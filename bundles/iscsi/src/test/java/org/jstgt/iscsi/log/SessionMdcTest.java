package org.jstgt.iscsi.log;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.lang.reflect.Field;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.MDC;
import org.slf4j.helpers.BasicMDCAdapter;
import org.slf4j.spi.MDCAdapter;

/**
 * What entering a connection's MDC writes. Writing the MDC is dear under Pax Logging (a global
 * lock per call), and the event loop enters a scope for every PDU and completion; so a scope for
 * the values the thread already holds must write nothing, and a switch only what differs.
 */
class SessionMdcTest {
    private static MDCAdapter before;
    private static final List<String> WRITES = new ArrayList<>();

    /** A map-based MDC that records every write. */
    private static final class Counting extends BasicMDCAdapter {
        @Override
        public void put(String key, String val) {
            WRITES.add("put " + key + "=" + val);
            super.put(key, val);
        }

        @Override
        public void remove(String key) {
            WRITES.add("remove " + key);
            super.remove(key);
        }
    }

    private static void adapter(MDCAdapter a) throws ReflectiveOperationException {
        Field f = MDC.class.getDeclaredField("mdcAdapter");
        f.setAccessible(true);
        f.set(null, a);
    }

    @BeforeAll
    static void counting() throws ReflectiveOperationException {
        before = MDC.getMDCAdapter();
        adapter(new Counting());
    }

    @AfterAll
    static void restore() throws ReflectiveOperationException {
        adapter(before);
    }

    @BeforeEach
    @AfterEach
    void clean() {
        SessionMdc.clear();
        MDC.clear();
        WRITES.clear();
    }

    private static final SessionMdc.Context A = SessionMdc.Context.connection("main", "10.0.0.1:1000")
            .session("iqn.t", "iqn.i", 0x400001370000L, 7);
    private static final SessionMdc.Context A2 = SessionMdc.Context.connection("main", "10.0.0.1:1001")
            .session("iqn.t", "iqn.i", 0x400001370000L, 7);

    @Test
    void enteringTheConnectionTheThreadHoldsWritesNothing() {
        try (SessionMdc.Scope s = SessionMdc.enter(A)) {
            assertEquals("iqn.t", MDC.get(SessionMdc.TARGET));
        }
        assertEquals(6, WRITES.size(), WRITES.toString());
        WRITES.clear();
        for (int i = 0; i < 1000; i++) {
            try (SessionMdc.Scope s = SessionMdc.enter(A)) {
                assertEquals("7", MDC.get(SessionMdc.TSIH));
            }
        }
        assertEquals(List.of(), WRITES, "the same connection again and again writes nothing");
    }

    @Test
    void aSwitchWritesOnlyWhatDiffers() {
        SessionMdc.enter(A).close();
        WRITES.clear();
        SessionMdc.enter(A2).close();
        assertEquals(List.of("put jstgt.peer=10.0.0.1:1001"), WRITES, "another connection of the same session");
        WRITES.clear();
        SessionMdc.enter(A2, 3).close();
        SessionMdc.enter(A2).close();
        assertEquals(List.of("put jstgt.lun=3", "remove jstgt.lun"), WRITES, "a completion, then a PDU");
    }

    @Test
    void aNestedScopePutsBackTheOneAroundIt() {
        try (SessionMdc.Scope outer = SessionMdc.enter(A)) {
            try (SessionMdc.Scope inner = SessionMdc.enter(A2, 5)) {
                assertEquals("10.0.0.1:1001", MDC.get(SessionMdc.PEER));
                assertEquals("5", MDC.get(SessionMdc.LUN));
            }
            assertEquals("10.0.0.1:1000", MDC.get(SessionMdc.PEER));
            assertNull(MDC.get(SessionMdc.LUN));
            try (SessionMdc.Scope none = SessionMdc.enter(null)) {
                assertNull(MDC.get(SessionMdc.TARGET), "work of no connection shows none");
            }
            assertEquals("iqn.t", MDC.get(SessionMdc.TARGET));
        }
        assertEquals("iqn.t", MDC.get(SessionMdc.TARGET), "the outermost scope leaves its values for the next work");
    }

    @Test
    void aConnectionThatLeavesTakesItsValuesOffTheThread() {
        MDC.put("unrelated", "kept");
        SessionMdc.enter(A, 2).close();
        SessionMdc.leave(A2);
        assertEquals("iqn.t", MDC.get(SessionMdc.TARGET), "another connection leaving changes nothing");
        SessionMdc.leave(A);
        for (String k : List.of(SessionMdc.TARGET, SessionMdc.INITIATOR, SessionMdc.ISID, SessionMdc.TSIH,
                SessionMdc.PORTAL, SessionMdc.PEER, SessionMdc.LUN)) {
            assertNull(MDC.get(k), k);
        }
        assertEquals("kept", MDC.get("unrelated"));
        WRITES.clear();
        SessionMdc.enter(A).close();
        assertEquals(6, WRITES.size(), "entered afresh after it left: " + WRITES);
    }

    @Test
    void aScopeClosedTwiceDoesNotUnbalanceTheThread() {
        SessionMdc.Scope s = SessionMdc.enter(A);
        s.close();
        s.close();
        try (SessionMdc.Scope outer = SessionMdc.enter(A2)) {
            SessionMdc.enter(A, 1).close();
            assertEquals("10.0.0.1:1001", MDC.get(SessionMdc.PEER), "nested as it should be");
        }
    }

    @Test
    void largeLunNumbersAreNamedToo() {
        SessionMdc.enter(A, 16383).close();
        assertEquals("16383", MDC.get(SessionMdc.LUN));
        SessionMdc.enter(A, 255).close();
        assertEquals("255", MDC.get(SessionMdc.LUN));
    }
}
