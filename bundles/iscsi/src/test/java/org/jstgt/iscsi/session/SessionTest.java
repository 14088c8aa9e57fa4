package org.jstgt.iscsi.session;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.jstgt.iscsi.login.LoginResult;
import org.jstgt.iscsi.login.Negotiated;
import org.jstgt.iscsi.login.TargetSettings;
import org.junit.jupiter.api.Test;

/** A session owns a set of connections (RFC 7143 §4.2.1). */
class SessionTest {

    @Test
    void sessionKeepsItsConnectionsUntilTheLastLeaves() {
        LoginResult discovery = new LoginResult(true, "iqn.2026-11.org.example:h", "", null, TargetSettings.defaults(),
                Negotiated.defaults(), 1L, 0, 1, 1, 1, "");
        Session s = new Session(7, discovery, "main", 1, null);
        ConnectionPort a = CommandWindowTest.connection(1);
        ConnectionPort b = CommandWindowTest.connection(2);
        s.addConnection(a);
        s.addConnection(b);
        assertSame(b, s.connection(2));
        assertFalse(s.connectionLost(a), "another connection remains");
        assertTrue(s.connectionLost(b), "the last one left");
        assertTrue(s.connections().isEmpty());
    }
}
