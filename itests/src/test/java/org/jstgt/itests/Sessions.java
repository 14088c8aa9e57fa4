package org.jstgt.itests;

import java.io.IOException;

import org.jstgt.testkit.Cdbs;
import org.jstgt.testkit.Initiator;
import org.jstgt.testkit.ScsiReply;

/** What the tests do with a logged-in testkit session before their own commands. */
final class Sessions {
    private Sessions() {
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
