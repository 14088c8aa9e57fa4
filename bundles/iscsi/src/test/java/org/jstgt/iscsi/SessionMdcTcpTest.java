package org.jstgt.iscsi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;

import org.jstgt.api.scsi.ScsiTask;
import org.jstgt.api.target.Nexus;
import org.jstgt.api.target.PortalGroup;
import org.jstgt.api.target.PreparedCommand;
import org.jstgt.api.target.ScsiTarget;
import org.jstgt.api.target.TargetRegistry;
import org.jstgt.api.target.UnitAttentionListener;
import org.jstgt.iscsi.log.SessionMdc;
import org.jstgt.testkit.Cdbs;
import org.jstgt.testkit.FakeScsiTarget;
import org.jstgt.testkit.Initiator;
import org.jstgt.testkit.InitiatorOptions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.MDC;

/**
 * The MDC over real TCP, where a connection that joins a session (MC/S) is accepted on another
 * event loop than the session's and its PDUs are handled on the session's loop: the lines logged
 * there carry that connection's names too.
 */
class SessionMdcTcpTest {
    private static final Duration WAIT = Duration.ofSeconds(10);
    private final FakeScsiTarget disk = new FakeScsiTarget(Wire.TARGET).blocks(64);
    /** The MDC at each command the SCSI core is asked to prepare (on the session's loop). */
    private final List<Map<String, String>> seen = new CopyOnWriteArrayList<>();
    private IscsiServer server;

    @BeforeAll
    static void aRealMdc() throws ReflectiveOperationException {
        SessionObservabilityTest.aRealMdc();
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.deactivate();
        }
    }

    /** The disk, its nexuses recording the MDC of each command. */
    private final class Recording implements ScsiTarget {
        @Override
        public String name() {
            return disk.name();
        }

        @Override
        public String iqn() {
            return disk.iqn();
        }

        @Override
        public String alias() {
            return disk.alias();
        }

        @Override
        public List<String> portals() {
            return disk.portals();
        }

        @Override
        public Map<String, String> properties() {
            return disk.properties();
        }

        @Override
        public String origin() {
            return disk.origin();
        }

        @Override
        public boolean allows(String initiatorName, InetAddress address) {
            return disk.allows(initiatorName, address);
        }

        @Override
        public Nexus openNexus(String initiatorName, String initiatorPortName, String targetPortName, int relativeId) {
            Nexus n = disk.openNexus(initiatorName, initiatorPortName, targetPortName, relativeId);
            return new Nexus() {
                @Override
                public PreparedCommand prepare(ScsiTask task) {
                    Map<String, String> m = MDC.getCopyOfContextMap();
                    seen.add(m == null ? Map.of() : new HashMap<>(m));
                    return n.prepare(task);
                }

                @Override
                public boolean logicalUnitReset(int lun) {
                    return n.logicalUnitReset(lun);
                }

                @Override
                public CompletionStage<Boolean> clearTaskSet(int lun) {
                    return n.clearTaskSet(lun);
                }

                @Override
                public CompletionStage<Void> resetTarget() {
                    return n.resetTarget();
                }

                @Override
                public int[] luns() {
                    return n.luns();
                }

                @Override
                public void onAccessChange(Runnable listener) {
                    n.onAccessChange(listener);
                }

                @Override
                public void onUnitAttention(UnitAttentionListener listener) {
                    n.onUnitAttention(listener);
                }

                @Override
                public void close() {
                    n.close();
                }
            };
        }
    }

    @Test
    void aJoinedConnectionsCommandsAreHandledOnTheSessionsLoopUnderItsOwnMdc() throws Exception {
        ScsiTarget target = new Recording();
        server = PortalTcpTest.server(new TargetRegistry() {
            @Override
            public List<ScsiTarget> targets() {
                return List.of(target);
            }

            @Override
            public Optional<ScsiTarget> target(String iqn) {
                return iqn.equals(Wire.TARGET) ? Optional.of(target) : Optional.empty();
            }

            @Override
            public void portalGroups(List<PortalGroup> portals) {
            }
        }, "nio");
        InetSocketAddress address = PortalTcpTest.openPortal(server);
        try (Initiator lead = Initiator.connect(address, InitiatorOptions.defaults().withTimeout(WAIT))) {
            lead.login(Wire.TARGET, 2);
            try (Initiator joined = lead.addConnection(address, Wire.TARGET, 2)) {
                lead.scsi(0, Cdbs.testUnitReady(), null, 0).assertGood();
                joined.scsi(0, Cdbs.testUnitReady(), null, 0).assertGood();
            }
        }
        assertEquals(2, seen.size(), seen.toString());
        String tsih = seen.get(0).get(SessionMdc.TSIH);
        for (Map<String, String> m : seen) {
            assertEquals(Wire.TARGET, m.get(SessionMdc.TARGET), m.toString());
            assertEquals(tsih, m.get(SessionMdc.TSIH), m.toString());
            assertEquals("lo", m.get(SessionMdc.PORTAL), m.toString());
            assertTrue(m.getOrDefault(SessionMdc.PEER, "").startsWith("127.0.0.1:"), m.toString());
        }
        assertNotEquals(seen.get(0).get(SessionMdc.PEER), seen.get(1).get(SessionMdc.PEER),
                "each connection's own address");
    }
}
