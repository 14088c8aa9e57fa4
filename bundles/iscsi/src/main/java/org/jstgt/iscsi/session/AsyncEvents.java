package org.jstgt.iscsi.session;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.RejectedExecutionException;

import org.jstgt.iscsi.log.SessionMdc;
import org.jstgt.api.scsi.Sense;
import org.jstgt.api.scsi.SenseData;
import org.jstgt.api.target.UnitAttentionListener;
import org.jstgt.iscsi.pdu.AsyncMessage;

/**
 * Reports a session's unit attentions with Asynchronous Messages as well (RFC 7143 §11.9.1,
 * AsyncEvent 0: the LUN and the sense data), when the target's {@code async.events} is true. The
 * condition stays pending and is reported with the next command as usual; the message lets an
 * initiator act at once: open-iscsi rescans the session's LUNs on REPORTED LUNS DATA HAS CHANGED
 * (3Fh/0Eh), libiscsi ignores it. Conditions raised together (a LUN map change raises 3Fh/0Eh on
 * every LUN) leave as one message per distinct condition, on one connection of the session in the
 * Full Feature Phase, from the session's event loop. Bounded: at most one message per distinct
 * condition waits at any time.
 */
final class AsyncEvents implements UnitAttentionListener {
    private final Session session;
    /** Conditions waiting to be sent, by ASC/ASCQ, with the lowest LUN raising them. */
    private final Map<Integer, Integer> pending = new LinkedHashMap<>();
    private final Map<Integer, Sense> reasons = new LinkedHashMap<>();
    private boolean flushQueued;

    private AsyncEvents(Session session) {
        this.session = session;
    }

    /** @param session a Normal session whose target reports unit attentions asynchronously */
    static void watch(Session session) {
        session.nexus().onUnitAttention(new AsyncEvents(session));
    }

    @Override
    public void raised(int lun, Sense reason) {
        int key = reason.asc() << 8 | reason.ascq();
        synchronized (this) {
            Integer had = pending.get(key);
            if (had == null || lun < had) {
                pending.put(key, lun);
                reasons.put(key, reason);
            }
            if (flushQueued) {
                return;
            }
            flushQueued = true;
        }
        // never inline: the core may hold its locks while it raises the condition
        try {
            if (session.loop() != null) {
                session.loop().execute(SessionMdc.wrap(session.mdc(), SessionMdc.NO_LUN, this::flush));
            }
        } catch (RejectedExecutionException e) {
            // the session's event loop is gone: so is the session
        }
    }

    private void flush() {
        Map<Integer, Integer> luns;
        Map<Integer, Sense> why;
        synchronized (this) {
            flushQueued = false;
            luns = new LinkedHashMap<>(pending);
            why = new LinkedHashMap<>(reasons);
            pending.clear();
            reasons.clear();
        }
        if (session.ended()) {
            return;
        }
        ConnectionPort to = null;
        for (ConnectionPort c : session.connections()) {
            if (c.fullFeature()) {
                to = c;
                break;
            }
        }
        if (to == null) {
            return;
        }
        CommandWindow window = session.window();
        for (Map.Entry<Integer, Integer> e : luns.entrySet()) {
            byte[] sense = SenseData.fixed(why.get(e.getKey()));
            to.send(new AsyncMessage(lunField(e.getValue()), to.nextStatSn(), window.expCmdSn(), window.maxCmdSn(),
                    AsyncMessage.EVENT_SCSI, 0, 0, 0, 0, org.jstgt.iscsi.task.Sense.segment(sense)));
        }
        to.flushSoon();
    }

    /**
     * @param lun a LUN number (0..16383)
     * @return its 8-byte LUN field (SAM-5 §4.7: peripheral addressing below 256, flat above)
     */
    static long lunField(int lun) {
        return lun < 256 ? (long) lun << 48 : (long) (0x4000 | lun) << 48;
    }
}
