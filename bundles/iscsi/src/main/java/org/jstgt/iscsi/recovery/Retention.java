package org.jstgt.iscsi.recovery;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.netty.buffer.ByteBuf;

import org.jstgt.iscsi.flow.ByteBudget;
import org.jstgt.iscsi.pdu.AsyncMessage;
import org.jstgt.iscsi.pdu.Bhs;
import org.jstgt.iscsi.pdu.DataIn;
import org.jstgt.iscsi.pdu.DataOut;
import org.jstgt.iscsi.pdu.LogoutRequest;
import org.jstgt.iscsi.pdu.LogoutResponse;
import org.jstgt.iscsi.pdu.NopIn;
import org.jstgt.iscsi.pdu.NopOut;
import org.jstgt.iscsi.pdu.Pdu;
import org.jstgt.iscsi.pdu.Reject;
import org.jstgt.iscsi.pdu.RejectReason;
import org.jstgt.iscsi.pdu.ScsiCommand;
import org.jstgt.iscsi.pdu.ScsiResponse;
import org.jstgt.iscsi.pdu.SnackRequest;
import org.jstgt.iscsi.pdu.TaskMgmtRequest;
import org.jstgt.iscsi.pdu.TaskMgmtResponse;
import org.jstgt.iscsi.pdu.TextRequest;
import org.jstgt.iscsi.pdu.TextResponse;

/**
 * What one connection keeps at ErrorRecoveryLevel 1 until the initiator acknowledges it (RFC 7143
 * §4.2.2.2: ExpStatSN acknowledges every StatSN below it): each numbered response, for a Status
 * SNACK, and the data of each read with how it was split, for a Data SNACK or an R-Data SNACK
 * (§11.16). A status phase-collapsed into a Data-In is replayed from its read.
 *
 * <p>Bounded: the reads' buffers stay within the session's read budget they were taken from (an
 * initiator that never acknowledges ends up with TASK SET FULL, not with the target's memory), and
 * the responses kept are at most {@link #MAX_RESPONSES} and {@link #MAX_BYTES}; beyond them the
 * oldest are forgotten, and a Status SNACK for one of those gets a SNACK Reject. On the session's
 * event loop only.
 */
public final class Retention {
    /** Numbered responses kept at most per connection. */
    static final int MAX_RESPONSES = 4096;
    /** Bytes of numbered responses kept at most per connection (NOP-In echoes may be large). */
    static final long MAX_BYTES = 8L * 1024 * 1024;

    /**
     * A read's data buffer with the read budget it holds.
     *
     * @param buffer the buffer (null when the read had none)
     * @param budgeted bytes of {@code budget} it holds
     * @param budget the session's read budget
     */
    public record Held(ByteBuf buffer, int budgeted, ByteBudget budget) {
        void release() {
            if (buffer != null) {
                buffer.release();
            }
            if (budgeted > 0) {
                budget.give(budgeted);
            }
        }
    }

    /**
     * A read answered and not yet acknowledged.
     *
     * @param plan how its data went out
     * @param statusSn the StatSN of its status
     * @param data its data
     */
    record Read(DataInPlan plan, int statusSn, Held data) {
    }

    /** By StatSN, in the order sent (oldest first). */
    private final LinkedHashMap<Integer, Replay> responses = new LinkedHashMap<>();
    private final Map<Integer, Read> reads = new HashMap<>();
    /** ITT of the kept read whose status went in its last Data-In, by that StatSN. */
    private final Map<Integer, Integer> readsByStatus = new HashMap<>();
    private long bytes;
    /** Every StatSN below it is acknowledged (or was never ours): nothing of them is kept. */
    private int acknowledged;
    /** StatSNs in [acknowledged, forgotten) were dropped by the bounds, unacknowledged. */
    private int forgotten;
    /** The next StatSN the connection will use. */
    private int next;
    /** Set by {@link #clear()}: nothing is kept any more. */
    private boolean closed;

    /** @param nextStatSn the connection's next StatSN when it enters the Full Feature Phase */
    public Retention(int nextStatSn) {
        this.acknowledged = nextStatSn;
        this.forgotten = nextStatSn;
        this.next = nextStatSn;
    }

    /**
     * @param pdu a PDU about to be sent
     * @return its StatSN when it is a numbered response (RFC 7143 §4.2.2.2), else null
     */
    static Integer numbered(Pdu pdu) {
        if (pdu instanceof ScsiResponse r) {
            return r.statSn();
        } else if (pdu instanceof DataIn d) {
            return d.statusPresent() ? d.statSn() : null;
        } else if (pdu instanceof TaskMgmtResponse r) {
            return r.statSn();
        } else if (pdu instanceof TextResponse r) {
            return r.statSn();
        } else if (pdu instanceof LogoutResponse r) {
            return r.statSn();
        } else if (pdu instanceof Reject r) {
            return r.statSn();
        } else if (pdu instanceof AsyncMessage r) {
            return r.statSn();
        } else if (pdu instanceof NopIn n) {
            return n.itt() == Bhs.NO_TAG ? null : n.statSn();
        }
        return null;
    }

    /**
     * @param pdu a PDU of the initiator in the Full Feature Phase
     * @return its ExpStatSN (RFC 7143 §4.2.2.2), read from the decoded PDU
     */
    public static int expStatSn(Pdu pdu) {
        if (pdu instanceof DataOut d) {
            return d.expStatSn();
        } else if (pdu instanceof ScsiCommand c) {
            return c.expStatSn();
        } else if (pdu instanceof NopOut n) {
            return n.expStatSn();
        } else if (pdu instanceof TaskMgmtRequest t) {
            return t.expStatSn();
        } else if (pdu instanceof TextRequest t) {
            return t.expStatSn();
        } else if (pdu instanceof LogoutRequest l) {
            return l.expStatSn();
        } else if (pdu instanceof SnackRequest n) {
            return n.expStatSn();
        }
        return Bhs.i32(pdu.header(), 28);
    }

    /**
     * A PDU is being sent: a numbered response is kept (a status in a Data-In through its read).
     *
     * @param pdu the PDU (not consumed)
     */
    public void sent(Pdu pdu) {
        Integer sn = numbered(pdu);
        if (sn == null || closed) {
            return;
        }
        if (sn + 1 - next > 0) {
            next = sn + 1;
        }
        if (pdu instanceof DataIn) {
            return; // replayed from its read (keepRead)
        }
        Replay r = Replay.of(sn, pdu);
        Replay replaced = responses.put(sn, r);
        if (replaced != null) {
            bytes -= replaced.size();
            replaced.data().release();
        }
        bytes += r.size();
        Iterator<Replay> oldest = responses.values().iterator();
        while (responses.size() > MAX_RESPONSES || bytes > MAX_BYTES) {
            Replay old = oldest.next();
            oldest.remove();
            bytes -= old.size();
            old.data().release();
            if (old.statSn() + 1 - forgotten > 0) {
                forgotten = old.statSn() + 1;
            }
        }
    }

    /**
     * Keeps a read's data until its status is acknowledged.
     *
     * @param plan how its data went out
     * @param statusSn the StatSN of its status
     * @param data its buffer and budget (owned from now on)
     */
    public void keepRead(DataInPlan plan, int statusSn, Held data) {
        if (closed) {
            data.release();
            return;
        }
        Read old = reads.put(plan.itt(), new Read(plan, statusSn, data));
        if (old != null) {
            readsByStatus.remove(old.statusSn());
            old.data().release();
        }
        if (plan.collapse()) {
            readsByStatus.put(statusSn, plan.itt());
        }
        if (statusSn + 1 - next > 0) {
            next = statusSn + 1;
        }
    }

    /**
     * ExpStatSN of a PDU received (RFC 7143 §4.2.2.2): what it acknowledges is released. A value
     * outside [acknowledged, next] (serial arithmetic) acknowledges nothing.
     *
     * @param expStatSn the ExpStatSN
     */
    public void acknowledge(int expStatSn) {
        if (expStatSn - acknowledged <= 0 || expStatSn - next > 0) {
            return;
        }
        acknowledged = expStatSn;
        if (forgotten - acknowledged < 0) {
            forgotten = acknowledged;
        }
        for (Iterator<Replay> i = responses.values().iterator(); i.hasNext();) {
            Replay r = i.next();
            if (r.statSn() - expStatSn >= 0) {
                break;
            }
            i.remove();
            bytes -= r.size();
            r.data().release();
        }
        if (!reads.isEmpty()) {
            for (Iterator<Read> i = reads.values().iterator(); i.hasNext();) {
                Read r = i.next();
                if (r.statusSn() - expStatSn < 0) {
                    readsByStatus.remove(r.statusSn());
                    r.data().release();
                    i.remove();
                }
            }
        }
    }

    /**
     * @param statSn a StatSN a Status SNACK asks for
     * @return whether it can be sent again: {@code 0} yes, else the Reject reason (RFC 7143 §11.16:
     *     never sent or acknowledged, Protocol Error; kept no longer, SNACK Reject)
     */
    int check(int statSn) {
        if (statSn - acknowledged < 0 || statSn - next >= 0) {
            return RejectReason.PROTOCOL_ERROR;
        }
        if (statSn - forgotten < 0) {
            return RejectReason.SNACK_REJECT;
        }
        return 0;
    }

    /** @return the oldest StatSN not acknowledged */
    int acknowledged() {
        return acknowledged;
    }

    /** @return the next StatSN of the connection */
    int next() {
        return next;
    }

    /**
     * @param statSn a StatSN {@link #check} accepted
     * @return the response kept with it, or null when it went in a Data-In (see {@link #readWithStatus})
     */
    Replay response(int statSn) {
        return responses.get(statSn);
    }

    /**
     * @param statSn a StatSN
     * @return the read whose status went with that StatSN in its last Data-In, or null
     */
    Read readWithStatus(int statSn) {
        Integer itt = readsByStatus.get(statSn);
        return itt == null ? null : reads.get(itt);
    }

    /**
     * @param itt a task's ITT
     * @return its read kept, or null
     */
    Read read(int itt) {
        return reads.get(itt);
    }

    /**
     * An R-Data SNACK split a read's data anew; its status now goes in a SCSI Response (kept when
     * it is sent), not in its last Data-In.
     *
     * @param read the read
     * @param plan its new split
     * @param status the SCSI Response about to be sent
     */
    void resegmented(Read read, DataInPlan plan, ScsiResponse status) {
        readsByStatus.remove(read.statusSn());
        reads.put(plan.itt(), new Read(plan, read.statusSn(), read.data()));
    }

    /**
     * The connection failed at ErrorRecoveryLevel 2: the SCSI commands whose status it sent but
     * the initiator did not acknowledge are handed over (their SCSI Response and read data), for a
     * TASK REASSIGN on another connection (RFC 7143 §7.2.2). The rest stays here for {@link #clear()}.
     *
     * @param epoch the session's count of connection failures, this one included
     * @return the commands, by ITT
     */
    List<Orphans.Completed> takeUnacknowledged(long epoch) {
        Map<Integer, Replay> statuses = new HashMap<>();
        for (Iterator<Replay> i = responses.values().iterator(); i.hasNext();) {
            Replay r = i.next();
            if (Bhs.opcode(r.header()) == org.jstgt.iscsi.pdu.Opcode.SCSI_RESPONSE.code()) {
                statuses.put(Bhs.itt(r.header()), r);
                bytes -= r.size();
                i.remove();
            }
        }
        List<Orphans.Completed> l = new ArrayList<>();
        for (Read r : reads.values()) {
            l.add(new Orphans.Completed(r.plan().itt(), statuses.remove(r.plan().itt()), r, epoch));
        }
        reads.clear();
        readsByStatus.clear();
        statuses.forEach((itt, r) -> l.add(new Orphans.Completed(itt, r, null, epoch)));
        return l;
    }

    /** The connection is gone: everything kept is released. */
    public void clear() {
        closed = true;
        responses.values().forEach(r -> r.data().release());
        responses.clear();
        bytes = 0;
        reads.values().forEach(r -> r.data().release());
        reads.clear();
        readsByStatus.clear();
    }
}
