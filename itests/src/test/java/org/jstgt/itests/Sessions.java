package org.jstgt.itests;

import java.io.IOException;
import java.net.InetSocketAddress;

import org.jstgt.testkit.Cdbs;
import org.jstgt.testkit.Initiator;
import org.jstgt.testkit.InitiatorOptions;
import org.jstgt.testkit.ScsiReply;

/** What the tests do with a logged-in testkit session before their own commands. */
final class Sessions {
    private Sessions() {
    }

    /**
     * @param portal where to connect
     * @param initiatorName the initiator name to log in with
     * @param iqn the target
     * @return a session logged in, its unit attentions on LUN 0 reported (closed if that fails)
     */
    static Initiator login(InetSocketAddress portal, String initiatorName, String iqn) throws IOException {
        Initiator session = Initiator.connect(portal, InitiatorOptions.defaults().withInitiatorName(initiatorName));
        try {
            session.login(iqn);
            clearUnitAttentions(session);
            return session;
        } catch (IOException | RuntimeException | Error e) {
            session.close();
            throw e;
        }
    }

    /**
     * Reports the unit attentions a new session gets on LUN 0 (power on, a restart) until TEST
     * UNIT READY is GOOD.
     *
     * @param session a session logged in to a target
     * @throws AssertionError when another condition comes, or attentions keep coming
     */
    static void clearUnitAttentions(Initiator session) throws IOException {
        for (int i = 0; i < 8; i++) {
            ScsiReply r = session.scsi(0, Cdbs.testUnitReady(), null, 0);
            if (r.good()) {
                return;
            }
            if (r.sense().map(s -> s.key() != 6).orElse(true)) {
                throw new AssertionError("TEST UNIT READY: " + r);
            }
        }
        throw new AssertionError("still unit attentions after 8 TEST UNIT READY");
    }
}
