package org.jstgt.iscsi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.jstgt.iscsi.events.ConfigEvents;
import org.jstgt.iscsi.events.SessionEvents;
import org.jstgt.iscsi.flow.FlowSettings;
import org.jstgt.iscsi.security.AuthPolicy;
import org.jstgt.testkit.ConfigProps;
import org.jstgt.testkit.FakeScsiTarget;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The keys the fabric refuses are posted as {@code org/jstgt/config/ERROR}, the topic the SCSI core
 * posts for a refused LUN or target file, with the file, the key and the reason the log gives: a
 * monitoring system learns of a portal that listens nowhere, or of a target that refuses every
 * login for its {@code auth} value, without reading the log.
 */
class ConfigEventsTest {
    private final List<Map<String, Object>> events = new ArrayList<>();

    @BeforeEach
    void record() {
        SessionEvents.sink((topic, properties) -> {
            assertEquals(ConfigEvents.CONFIG_ERROR, topic);
            events.add(properties);
        });
    }

    @AfterEach
    void noSink() {
        SessionEvents.sink(null);
    }

    @Test
    void aPortalThatCannotListenIsPostedWithItsFileAndKey() throws Exception {
        int free;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            free = s.getLocalPort();
        }
        IscsiServer server = new IscsiServer(FakeScsiTarget.registry());
        try {
            new PortalComponent(server, ConfigProps.fromFile("jstgt.portal-typo.cfg", "listen", "127.0.0.1:99999"));
            new PortalComponent(server, ConfigProps.fromFile("jstgt.portal-ok.cfg", "listen", "127.0.0.1:" + free,
                    "tag", "2"));
        } finally {
            server.deactivate();
        }
        assertEquals(1, events.size(), events.toString());
        Map<String, Object> e = events.get(0);
        assertEquals("jstgt.portal", e.get(ConfigEvents.PID));
        assertEquals("typo", e.get(ConfigEvents.NAME));
        assertEquals("/opt/jstgt/etc/jstgt.portal-typo.cfg", e.get(ConfigEvents.ORIGIN));
        assertEquals("listen", e.get(ConfigEvents.KEY));
        assertTrue(e.get(ConfigEvents.REASON).toString().contains("99999"), e.toString());
    }

    @Test
    void aTargetKeyThatIsRefusedIsPostedWithWhatAppliesInstead() {
        String origin = "/opt/jstgt/etc/jstgt.target-demo.cfg";
        AuthPolicy.from(Map.of("auth", "chapp"), origin);
        FlowSettings.from(Map.of("write.buffer.max", "lots"), origin);
        assertEquals(2, events.size(), events.toString());
        assertEquals(Map.of(ConfigEvents.PID, "jstgt.target", ConfigEvents.NAME, "demo", ConfigEvents.ORIGIN, origin,
                ConfigEvents.KEY, "auth", ConfigEvents.REASON,
                "'chapp' is not none, chap or mutual; refusing logins until fixed"), events.get(0));
        assertEquals("write.buffer.max", events.get(1).get(ConfigEvents.KEY));
        assertTrue(events.get(1).get(ConfigEvents.REASON).toString().endsWith("; using the default 67108864"),
                events.toString());
    }

    @Test
    void aBadIscsiSettingIsPostedUnderItsPid() {
        new IscsiSettings(ConfigProps.fromFile("jstgt.iscsi.cfg", "busy.poll.us", "fast"), k -> null,
                (format, args) -> { });
        assertEquals(1, events.size(), events.toString());
        assertEquals("jstgt.iscsi", events.get(0).get(ConfigEvents.PID));
        assertEquals("busy.poll.us", events.get(0).get(ConfigEvents.KEY));
        assertEquals(null, events.get(0).get(ConfigEvents.NAME));
    }

    @Test
    void goodValuesPostNothing() {
        AuthPolicy.from(Map.of("auth", "chap"), "x");
        FlowSettings.from(Map.of("write.buffer.max", "32MiB"), "x");
        new IscsiSettings(ConfigProps.fromFile("jstgt.iscsi.cfg", "busy.poll.us", "20"), k -> null,
                (format, args) -> { });
        assertEquals(List.of(), events);
    }
}
