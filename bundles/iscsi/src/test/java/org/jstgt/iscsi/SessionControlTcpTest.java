package org.jstgt.iscsi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.jstgt.api.mgmt.ConnectionInfo;
import org.jstgt.api.mgmt.SessionDetail;
import org.jstgt.iscsi.admin.SessionControl;
import org.jstgt.testkit.Await;
import org.jstgt.testkit.FakeScsiTarget;
import org.jstgt.testkit.Initiator;
import org.jstgt.testkit.InitiatorOptions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The management view's session detail and logout over real TCP, called from a thread that is not
 * the session's event loop (as the shell calls them): an MC/S session's connections in detail, and
 * an administrator's logout reaching every connection.
 */
class SessionControlTcpTest {
    private static final Duration WAIT = Duration.ofSeconds(15);

    private final FakeScsiTarget disk = new FakeScsiTarget(Wire.TARGET).blocks(1024);
    private IscsiServer server;
    private InetSocketAddress address;
    private final List<Initiator> opened = new ArrayList<>();

    @BeforeEach
    void start() {
        server = PortalTcpTest.server(FakeScsiTarget.registry(disk), "nio");
        address = PortalTcpTest.openPortal(server);
    }

    @AfterEach
    void stop() {
        opened.forEach(Initiator::close);
        server.deactivate();
    }

    private Initiator leading() throws IOException {
        Initiator i = Initiator.connect(address, InitiatorOptions.defaults().withTimeout(WAIT));
        opened.add(i);
        i.login(Wire.TARGET, 2);
        return i;
    }

    @Test
    void theDetailOfAnMcsSessionListsEachConnection() throws Exception {
        Initiator a = leading();
        Initiator b = a.addConnection(address, Wire.TARGET, 2);
        opened.add(b);
        a.ping();
        SessionDetail d = server.session(a.tsih()).orElseThrow();
        assertEquals(a.tsih(), d.session().tsih());
        assertEquals(List.of(a.cid(), b.cid()), d.connections().stream().map(ConnectionInfo::cid).sorted().toList());
        for (ConnectionInfo c : d.connections()) {
            assertEquals("FULL_FEATURE", c.state());
            assertTrue(c.local().startsWith("127.0.0.1:"), c.local());
            assertTrue(c.remote().startsWith("127.0.0.1:"), c.remote());
            assertEquals("None", c.headerDigest());
        }
        // nothing outstanding: the whole queue depth (the target's default, 128) is open
        assertEquals(128, d.maxCmdSn() - d.expCmdSn() + 1);
        assertEquals(0, d.errorRecoveryLevel());
        assertTrue(server.session(0xfffe).isEmpty());
    }

    @Test
    void logoutAsksEveryConnectionAndClosesThoseThatStay() throws Exception {
        Initiator a = leading();
        Initiator b = a.addConnection(address, Wire.TARGET, 2);
        opened.add(b);
        // the joined connection is served once its full feature handler is in place on the session's loop
        b.ping();
        assertTrue(server.logout(a.tsih()));
        assertTrue(a.closedByTarget(), "the first connection is closed after the grace");
        assertTrue(b.closedByTarget(), "the second too");
        for (Initiator i : List.of(a, b)) {
            assertEquals(1, i.asyncMessages().size(), "one logout request per connection, CID " + i.cid());
            assertEquals(1, i.asyncMessages().get(0).u8(36), "AsyncEvent 1");
            assertEquals(SessionControl.LOGOUT_SECONDS, i.asyncMessages().get(0).u16(42));
        }
        Await.until(WAIT, "the session to end", () -> server.sessions(), List::isEmpty);
        assertFalse(server.logout(a.tsih()), "gone: nothing to log out");
    }
}
