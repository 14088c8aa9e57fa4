package org.jstgt.iscsi.limits;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

class ConnectionLimiterTest {

    private static InetAddress ip(int i) throws UnknownHostException {
        return InetAddress.getByAddress(new byte[] {10, 0, 0, (byte) i});
    }

    private static ConnectionLimiter limiter(int max, int perAddress, int logins) {
        return new ConnectionLimiter("lo", new PortalLimits(max, perAddress, logins, 15, 65536, 15, 30), () -> 0);
    }

    private static Permit loggedIn(ConnectionLimiter l, InetAddress peer) {
        Permit p = l.admit(peer);
        assertEquals(0, p.status());
        p.loginEnded();
        return p;
    }

    @Test
    void portalConnectionsOverMaxAreOutOfResources() throws Exception {
        ConnectionLimiter l = limiter(3, 16, 32);
        List<Permit> open = new ArrayList<>();
        for (int i = 1; i <= 3; i++) {
            open.add(loggedIn(l, ip(i)));
        }
        Permit refused = l.admit(ip(9));
        assertEquals(0x0302, refused.status());
        assertTrue(refused.answer(), "the refusal is answered with a Login Response");
        refused.release();
        open.get(0).release();
        open.get(0).release();
        assertEquals(0, l.admit(ip(9)).status(), "a closed connection frees its place, once");
        assertEquals(0x0302, l.admit(ip(8)).status());
    }

    @Test
    void connectionsPerAddressAreCountedApart() throws Exception {
        ConnectionLimiter l = limiter(100, 2, 32);
        Permit a = loggedIn(l, ip(1));
        loggedIn(l, ip(1));
        assertEquals(0x0302, l.admit(ip(1)).status(), "third from the same address");
        assertEquals(0, l.admit(ip(2)).status(), "another address is not affected");
        a.release();
        assertEquals(0, l.admit(ip(1)).status());
    }

    @Test
    void loginsInProgressOverMaxAreServiceUnavailable() throws Exception {
        ConnectionLimiter l = limiter(100, 100, 2);
        Permit first = l.admit(ip(1));
        Permit second = l.admit(ip(2));
        Permit third = l.admit(ip(3));
        assertEquals(0x0301, third.status(), "transient: the initiator may retry later");
        first.loginEnded();
        first.loginEnded();
        Permit fourth = l.admit(ip(3));
        assertEquals(0, fourth.status(), "a completed login frees its login place");
        assertEquals(0x0301, l.admit(ip(4)).status(), "loginEnded twice freed one place only");
        second.release();
        assertEquals(0, l.admit(ip(4)).status(), "a connection closed during login frees its place");
        assertArrayEquals(new int[] {3, 2, 2}, l.counts(), "open, in login, refusals pending");
    }

    @Test
    void refusalsPendingAnAnswerAreBoundedToo() throws Exception {
        ConnectionLimiter l = limiter(1, 1, 2);
        loggedIn(l, ip(1));
        Permit r1 = l.admit(ip(2));
        Permit r2 = l.admit(ip(3));
        Permit r3 = l.admit(ip(4));
        assertTrue(r1.answer());
        assertTrue(r2.answer());
        assertFalse(r3.answer(), "past logins.max refusals pending, closed without an answer");
        assertEquals(0x0302, r3.status());
        r3.release();
        r1.release();
        r1.release();
        assertTrue(l.admit(ip(5)).answer(), "a refused connection that closed frees its place, once");
        assertFalse(l.admit(ip(6)).answer());
    }
}
