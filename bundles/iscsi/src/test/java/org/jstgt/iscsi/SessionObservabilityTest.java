package org.jstgt.iscsi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Field;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;

import org.jstgt.api.auth.Authenticator;
import org.jstgt.api.target.ScsiResult;
import org.jstgt.iscsi.connection.Fabric;
import org.jstgt.iscsi.events.SessionEvents;
import org.jstgt.iscsi.log.SessionMdc;
import org.jstgt.iscsi.pdu.LoginResponse;
import org.jstgt.iscsi.pdu.LogoutRequest;
import org.jstgt.iscsi.pdu.LogoutResponse;
import org.jstgt.iscsi.pdu.NopIn;
import org.jstgt.iscsi.pdu.NopOut;
import org.jstgt.iscsi.pdu.Pdu;
import org.jstgt.iscsi.pdu.ScsiCommand;
import org.jstgt.iscsi.pdu.ScsiResponse;
import org.jstgt.iscsi.security.Authenticators;
import org.jstgt.iscsi.text.PortalEndpoint;
import org.jstgt.testkit.FakeScsiTarget;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.MDC;
import org.slf4j.helpers.BasicMDCAdapter;
import org.slf4j.helpers.NOPMDCAdapter;

/**
 * Issue 16's observability of sessions: the MDC that every line logged while a connection's PDUs
 * and completions are handled carries (restored after, as the event loop serves other connections),
 * and the events posted for logins, logouts, reinstatements and refused authentications.
 */
class SessionObservabilityTest {
    private final FakeScsiTarget disk = new FakeScsiTarget(Wire.TARGET);
    private final ScriptedTarget scripted = new ScriptedTarget(disk);
    private final List<Map.Entry<String, Map<String, Object>>> events = new ArrayList<>();

    /** slf4j-simple keeps no MDC: the tests use SLF4J's map-based one, as Pax Logging keeps one. */
    @BeforeAll
    static void aRealMdc() throws ReflectiveOperationException {
        if (MDC.getMDCAdapter() instanceof NOPMDCAdapter) {
            Field f = MDC.class.getDeclaredField("mdcAdapter");
            f.setAccessible(true);
            f.set(null, new BasicMDCAdapter());
        }
    }

    @AfterEach
    void noSink() {
        SessionEvents.sink(null);
        SessionMdc.clear();
        MDC.clear();
    }

    private void recordEvents() {
        SessionEvents.sink((topic, properties) -> events.add(Map.entry(topic, properties)));
    }

    /** The MDC at every PDU the connection writes, as a log line there would see it. */
    static final class MdcAtWrite extends ChannelOutboundHandlerAdapter {
        final List<Map<String, String>> seen = new ArrayList<>();

        @Override
        public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) throws Exception {
            Map<String, String> m = MDC.getCopyOfContextMap();
            seen.add(m == null ? Map.of() : new HashMap<>(m));
            super.write(ctx, msg, promise);
        }
    }

    private static ScsiCommand read(Wire w) {
        return new ScsiCommand(false, true, true, false, 1, 0, ++w.itt, 512, w.cmdSn++, w.expStatSn,
                FullFeatureTest.read10(0, 1), -1, Unpooled.EMPTY_BUFFER);
    }

    @Test
    void pdusAndCompletionsAreHandledUnderTheSessionsMdcAndItLeavesTheThreadWithTheConnection() {
        MDC.put("unrelated", "kept");
        MdcAtWrite writes = new MdcAtWrite();
        Wire w = new Wire(TaskManagementTest.fabric(scripted));
        try {
            w.target.pipeline().addFirst(writes);
            w.loginNormal();
            Map<String, String> login = writes.seen.get(writes.seen.size() - 1);
            assertEquals("main", login.get(SessionMdc.PORTAL));
            assertEquals("127.0.0.2:40000", login.get(SessionMdc.PEER));
            assertEquals("kept", login.get("unrelated"));

            w.send(new NopOut(true, 0, 0x77, 0xffffffff, w.cmdSn, w.expStatSn, Unpooled.EMPTY_BUFFER));
            assertTrue(w.receive().stream().peek(Pdu::release).anyMatch(p -> p instanceof NopIn));
            Map<String, String> nop = writes.seen.get(writes.seen.size() - 1);
            assertEquals(Wire.TARGET, nop.get(SessionMdc.TARGET));
            assertEquals(Wire.INITIATOR, nop.get(SessionMdc.INITIATOR));
            assertEquals("400001370000", nop.get(SessionMdc.ISID));
            String tsih = nop.get(SessionMdc.TSIH);
            assertEquals(String.valueOf(w.fabric.sessionInfos().get(0).tsih()), tsih);
            assertNull(nop.get(SessionMdc.LUN), "no LUN while a NOP-Out is handled");

            w.send(read(w));
            ScriptedTarget.Command cmd = scripted.executed.get(0);
            int before = writes.seen.size();
            cmd.execution.complete(ScsiResult.GOOD); // completes on the test thread, the channel's loop here
            assertTrue(w.receive().stream().peek(Pdu::release).anyMatch(p -> p instanceof ScsiResponse));
            Map<String, String> done = writes.seen.get(before);
            assertEquals("0", done.get(SessionMdc.LUN));
            assertEquals(Wire.TARGET, done.get(SessionMdc.TARGET));
            assertEquals(tsih, done.get(SessionMdc.TSIH));

            w.send(new NopOut(true, 0, 0x78, 0xffffffff, w.cmdSn, w.expStatSn, Unpooled.EMPTY_BUFFER));
            assertTrue(w.receive().stream().peek(Pdu::release).anyMatch(p -> p instanceof NopIn));
            Map<String, String> after = writes.seen.get(writes.seen.size() - 1);
            assertNull(after.get(SessionMdc.LUN), "the completion's LUN is not on the next PDU's lines");
            assertEquals(tsih, after.get(SessionMdc.TSIH));
        } finally {
            w.close();
        }
        assertNull(MDC.get(SessionMdc.TARGET), "nothing of a connection that ended stays on the thread");
        assertNull(MDC.get(SessionMdc.PEER));
        assertNull(MDC.get(SessionMdc.LUN));
        assertEquals("kept", MDC.get("unrelated"));
    }

    @Test
    void twoSessionsOnOneThreadEachLogUnderTheirOwnValues() {
        MdcAtWrite firstWrites = new MdcAtWrite();
        MdcAtWrite secondWrites = new MdcAtWrite();
        FakeScsiTarget other = new FakeScsiTarget(Wire.TARGET + ".other");
        var fabric = Wire.fabric(other, disk);
        try (Wire first = new Wire(fabric); Wire second = new Wire(fabric)) {
            first.target.pipeline().addFirst(firstWrites);
            second.target.pipeline().addFirst(secondWrites);
            first.loginNormal();
            LoginResponse r = second.loginStep(true, 1, 3, "InitiatorName=" + Wire.INITIATOR,
                    "TargetName=" + Wire.TARGET + ".other", "SessionType=Normal");
            assertEquals(0, r.status(), "login status");
            r.release();
            for (int i = 0; i < 3; i++) {
                for (Wire w : List.of(first, second)) {
                    w.send(new NopOut(true, 0, 0x70 + i, 0xffffffff, w.cmdSn, w.expStatSn, Unpooled.EMPTY_BUFFER));
                    assertTrue(w.receive().stream().peek(Pdu::release).anyMatch(p -> p instanceof NopIn));
                }
                assertEquals(Wire.TARGET, firstWrites.seen.get(firstWrites.seen.size() - 1).get(SessionMdc.TARGET));
                assertEquals(Wire.TARGET + ".other",
                        secondWrites.seen.get(secondWrites.seen.size() - 1).get(SessionMdc.TARGET));
            }
        }
    }

    @Test
    void loginAndLogoutArePostedWithTheSessionsNames() {
        recordEvents();
        try (Wire w = new Wire(TaskManagementTest.fabric(scripted))) {
            w.loginNormal();
            assertEquals(1, events.size(), events.toString());
            assertEquals(SessionEvents.LOGIN, events.get(0).getKey());
            Map<String, Object> p = events.get(0).getValue();
            assertEquals(Wire.TARGET, p.get(SessionEvents.TARGET));
            assertEquals(Wire.INITIATOR, p.get(SessionEvents.INITIATOR));
            assertEquals("400001370000", p.get(SessionEvents.ISID));
            assertEquals(String.valueOf(w.fabric.sessionInfos().get(0).tsih()), p.get(SessionEvents.TSIH));
            assertEquals("main", p.get(SessionEvents.PORTAL));
            assertEquals("127.0.0.2:40000", p.get(SessionEvents.PEER));
            assertEquals("normal", p.get(SessionEvents.TYPE));
            assertEquals(1, p.get(SessionEvents.CID), "the CID Wire logs in with");

            w.send(new LogoutRequest(true, LogoutRequest.CLOSE_SESSION, ++w.itt, 0, w.cmdSn, w.expStatSn));
            w.one(LogoutResponse.class).release();
            assertEquals(2, events.size(), events.toString());
            assertEquals(SessionEvents.LOGOUT, events.get(1).getKey());
            assertEquals("session", events.get(1).getValue().get(SessionEvents.REASON));
            assertEquals(Wire.INITIATOR, events.get(1).getValue().get(SessionEvents.INITIATOR));
        }
    }

    @Test
    void aReinstatementIsPostedForTheOldSession() {
        recordEvents();
        var fabric = TaskManagementTest.fabric(scripted);
        try (Wire first = new Wire(fabric); Wire second = new Wire(fabric)) {
            first.loginNormal();
            String oldTsih = String.valueOf(fabric.sessionInfos().get(0).tsih());
            second.loginNormal(); // same initiator, ISID and target: reinstates (RFC 7143 §6.3.5)
            List<String> topics = events.stream().map(Map.Entry::getKey).toList();
            assertEquals(List.of(SessionEvents.LOGIN, SessionEvents.REINSTATED, SessionEvents.LOGIN), topics);
            Map<String, Object> r = events.get(1).getValue();
            assertEquals(oldTsih, r.get(SessionEvents.TSIH));
            assertEquals(Wire.INITIATOR, r.get(SessionEvents.INITIATOR));
            assertEquals("session reinstated by a new login", r.get(SessionEvents.REASON));
        }
    }

    @Test
    void aRefusedAuthenticationIsPostedWithoutSecretsAndTheLoopsMdcIsClean() {
        recordEvents();
        disk.properties().put("auth", "chap");
        Authenticators chap = new Authenticators();
        chap.add(new AuthenticationTest.FakeMethod(), Map.of(Authenticator.METHOD, "CHAP"));
        Fabric fabric = new Fabric(() -> FakeScsiTarget.registry(disk), () -> List.of(new PortalEndpoint("main", 1,
                List.of(new InetSocketAddress("127.0.0.1", 3260)))), chap);
        try (Wire w = new Wire(fabric)) {
            LoginResponse r = w.loginStep(true, 1, 3, "InitiatorName=" + Wire.INITIATOR, "TargetName=" + Wire.TARGET);
            assertEquals(0x0201, r.status());
            r.release();
            assertFalse(w.target.isOpen());
        }
        assertEquals(1, events.size(), events.toString());
        assertEquals(SessionEvents.AUTH_FAILED, events.get(0).getKey());
        Map<String, Object> p = events.get(0).getValue();
        assertEquals("0x0201", p.get(SessionEvents.STATUS));
        assertEquals(Wire.INITIATOR, p.get(SessionEvents.INITIATOR));
        assertEquals(Wire.TARGET, p.get(SessionEvents.TARGET));
        assertEquals("400001370000", p.get(SessionEvents.ISID));
        assertEquals("127.0.0.2:40000", p.get(SessionEvents.PEER));
        assertTrue(String.valueOf(p.get(SessionEvents.REASON)).contains("AuthMethod"), p.toString());
        assertNull(MDC.get(SessionMdc.PEER), "the connection's MDC is gone from the thread");
    }

    @Test
    void withoutASinkNothingIsPostedAndNothingFails() {
        try (Wire w = new Wire(TaskManagementTest.fabric(scripted))) {
            w.loginNormal();
        }
        assertEquals(List.of(), events);
    }
}
