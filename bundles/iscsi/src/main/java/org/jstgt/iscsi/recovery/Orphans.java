package org.jstgt.iscsi.recovery;

import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

import io.netty.buffer.ByteBuf;

import org.jstgt.iscsi.pdu.Bhs;
import org.jstgt.iscsi.pdu.DataIn;
import org.jstgt.iscsi.session.CommandWindow;
import org.jstgt.iscsi.session.ConnectionPort;

/**
 * What a session keeps of the commands of its failed connections at ErrorRecoveryLevel 2 that had
 * already answered, unacknowledged (RFC 7143 §7.2.2): their SCSI Response and read data, until a
 * TASK REASSIGN on another connection asks for them again, or DefaultTime2Wait + DefaultTime2Retain
 * pass. (Tasks still collecting data or in the device stay in the task table, orphaned.) On the
 * session's event loop only; the read data stays within the session's read budget.
 */
public final class Orphans {
    /**
     * A command answered on a connection that failed before the initiator acknowledged it.
     *
     * @param itt its ITT
     * @param response its SCSI Response as sent, or null when its status went in its last Data-In
     * @param read its read data, or null
     * @param at the session's connection failure that left it (an epoch count)
     */
    record Completed(int itt, Replay response, Retention.Read read, long at) {
        void release() {
            if (response != null) {
                response.data().release();
            }
            if (read != null) {
                read.data().release();
            }
        }
    }

    private final Map<Integer, Completed> completed = new HashMap<>();

    /**
     * A connection failed: the answered commands it still kept are handed over.
     *
     * @param retention what it kept
     * @param epoch the session's count of connection failures, this one included
     */
    public void adopt(Retention retention, long epoch) {
        List<Completed> l = retention.takeUnacknowledged(epoch);
        for (Completed c : l) {
            Completed old = completed.put(c.itt(), c);
            if (old != null) {
                old.release();
            }
        }
    }

    /**
     * @param itt a task's ITT
     * @return true when an answered command of that ITT is kept
     */
    public boolean has(int itt) {
        return completed.containsKey(itt);
    }

    /**
     * TASK REASSIGN of an answered command (RFC 7143 §11.5.1): its read data from ExpDataSN on, and
     * its status, go again on the connection the task now belongs to, with that connection's next
     * StatSN; the connection keeps them until acknowledged (ErrorRecoveryLevel 2 implies 1).
     *
     * @param itt the task
     * @param expDataSn the TMF's ExpDataSN: the first DataSN not received (0: all)
     * @param port the connection
     * @param window the session's command window
     * @return false when nothing is kept for that ITT
     */
    public boolean resend(int itt, int expDataSn, ConnectionPort port, CommandWindow window) {
        Completed c = completed.remove(itt);
        if (c == null) {
            return false;
        }
        Retention retention = port.retention();
        if (c.read() != null) {
            DataInPlan plan = c.read().plan();
            boolean collapsed = plan.collapse();
            int statusSn = collapsed ? port.nextStatSn() : 0;
            DataInPlan now = new DataInPlan(plan.itt(), plan.lun(), plan.moved(), plan.segment(), plan.burst(),
                    collapsed, plan.status(), plan.overflow(), plan.underflow(), plan.residual(), statusSn);
            ByteBuf data = c.read().data().buffer();
            int count = now.count();
            int first = Math.max(0, Math.min(expDataSn, count));
            int offset = now.offset(first);
            for (int sn = first; sn < count; sn++) {
                DataIn d = now.pdu(sn, offset, data, port.statSn(), window.expCmdSn(), window.maxCmdSn());
                offset += d.data().readableBytes();
                port.send(d);
            }
            if (!collapsed) {
                statusSn = sendResponse(c.response(), port, window);
            }
            if (retention != null) {
                retention.keepRead(now, statusSn, c.read().data());
            } else {
                c.read().data().release();
            }
        } else if (c.response() != null) {
            sendResponse(c.response(), port, window);
        }
        if (c.response() != null) {
            c.response().data().release();
        }
        port.flushSoon();
        return true;
    }

    /** Sends a kept SCSI Response again with this connection's next StatSN; @return that StatSN */
    private static int sendResponse(Replay r, ConnectionPort port, CommandWindow window) {
        if (r == null) {
            return port.statSn();
        }
        int sn = port.nextStatSn();
        byte[] h = r.header().clone();
        Bhs.put32(h, 24, sn);
        port.send(new Replay(sn, h, r.data()).again(window.expCmdSn(), window.maxCmdSn()));
        return sn;
    }

    /**
     * Forgets what the failures up to {@code epoch} left (no TASK REASSIGN came in time).
     *
     * @param epoch a connection failure whose time is up
     * @return how many are still kept
     */
    public int expireBefore(long epoch) {
        for (Iterator<Completed> i = completed.values().iterator(); i.hasNext();) {
            Completed c = i.next();
            if (c.at() <= epoch) {
                c.release();
                i.remove();
            }
        }
        return completed.size();
    }

    /** The session ended: everything kept is released. */
    public void clear() {
        completed.values().forEach(Completed::release);
        completed.clear();
    }
}
