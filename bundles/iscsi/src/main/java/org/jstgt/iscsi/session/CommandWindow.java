package org.jstgt.iscsi.session;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.netty.util.ReferenceCountUtil;

import org.jstgt.iscsi.flow.EarlyData;
import org.jstgt.iscsi.pdu.DataOut;
import org.jstgt.iscsi.pdu.Pdu;

/**
 * The session's command window and CmdSN ordering (RFC 7143 §3.2.2.1, §4.2.2.1): commands of
 * every connection of the session are delivered in CmdSN order, each on the connection it came on;
 * early ones wait here, together with the unsolicited Data-Out that arrived for them. MaxCmdSN
 * offers only free command slots and never shrinks.
 *
 * <p>Confined to the session's event loop (connections joining a session run on the same loop);
 * no locks. Delivery lists are reused, so ordering allocates nothing for commands in order.
 */
public final class CommandWindow {
    private record Waiting(Pdu pdu, ConnectionPort from) {
    }

    private final int depth;
    private int expCmdSn;
    private int maxCmdSnAdvertised;
    private int active;
    private final Map<Integer, Waiting> queued = new HashMap<>();
    private final Map<Integer, Integer> queuedItts = new HashMap<>();
    private final Set<Integer> skipped = new HashSet<>();
    private final EarlyData earlyData = new EarlyData();
    private final ArrayList<Pdu> ready = new ArrayList<>();
    private final ArrayList<ConnectionPort> readyFrom = new ArrayList<>();

    /**
     * @param expCmdSn the first CmdSN expected (from the leading login)
     * @param depth the window size (queue depth)
     */
    public CommandWindow(int expCmdSn, int depth) {
        this.depth = depth;
        this.expCmdSn = expCmdSn;
        this.maxCmdSnAdvertised = expCmdSn + depth - 1;
    }

    /** @return ExpCmdSN */
    public int expCmdSn() {
        return expCmdSn;
    }

    /** @return MaxCmdSN: the window offers only free command slots and never shrinks (§4.2.2.1) */
    public int maxCmdSn() {
        int m = expCmdSn - 1 + Math.max(0, depth - active);
        if (m - maxCmdSnAdvertised > 0) {
            maxCmdSnAdvertised = m;
        }
        return maxCmdSnAdvertised;
    }

    /** @return the MaxCmdSN last advertised, without offering freed slots (a listing off the event loop) */
    public int advertisedMaxCmdSn() {
        return maxCmdSnAdvertised;
    }

    /** @return true when {@code cmdSn} lies in [ExpCmdSN, MaxCmdSN] (serial arithmetic, RFC 1982) */
    public boolean inWindow(int cmdSn) {
        return cmdSn - expCmdSn >= 0 && maxCmdSn() - cmdSn >= 0;
    }

    /** A non-immediate command took a slot of the window. */
    public void commandStarted() {
        active++;
    }

    /** A non-immediate command gave its slot back. */
    public void commandEnded() {
        active--;
    }

    /**
     * Orders a non-immediate command PDU (RFC 7143 §4.2.2.1). Afterwards {@link #ready(int)} and
     * {@link #readyFrom(int)} hold the PDUs now deliverable in CmdSN order, each retained once for
     * the caller, who releases them before ordering the next PDU; PDUs outside the window are
     * dropped silently; early ones are queued (retained). A command whose CmdSN an ABORT TASK
     * marked as received before it came ({@link #skip}) is dropped with its early data: it was
     * aborted and gets no response (RFC 7143 §11.5.1).
     *
     * @param pdu the PDU (the caller keeps its own reference)
     * @param cmdSn its CmdSN
     * @param from the connection it came on
     * @return how many PDUs are ready
     */
    public int order(Pdu pdu, int cmdSn, ConnectionPort from) {
        ready.clear();
        readyFrom.clear();
        if (!inWindow(cmdSn) || queued.containsKey(cmdSn)) {
            return 0;
        }
        if (skipped.contains(cmdSn)) {
            // aborted before it arrived: its CmdSN counts as received, the command itself is dropped
            releaseEarlyData(pdu.itt());
        } else if (cmdSn != expCmdSn) {
            queued.put(cmdSn, new Waiting(pdu.retain(), from));
            queuedItts.put(pdu.itt(), cmdSn);
        } else {
            expCmdSn++;
            ready.add(pdu.retain());
            readyFrom.add(from);
        }
        for (;;) {
            if (skipped.remove(expCmdSn)) {
                expCmdSn++;
                continue;
            }
            Waiting next = queued.remove(expCmdSn);
            if (next == null) {
                break;
            }
            queuedItts.remove(next.pdu().itt());
            expCmdSn++;
            ready.add(next.pdu());
            readyFrom.add(next.from());
        }
        return ready.size();
    }

    /** @return how many CmdSNs are marked received ahead of ExpCmdSN (aborted before they came) */
    int skippedCount() {
        return skipped.size();
    }

    /** @return how many commands wait for their CmdSN */
    int queuedCount() {
        return queued.size();
    }

    /**
     * @param i 0 .. the count {@link #order} returned
     * @return the i-th deliverable PDU
     */
    public Pdu ready(int i) {
        return ready.get(i);
    }

    /**
     * @param i 0 .. the count {@link #order} returned
     * @return the connection the i-th deliverable PDU came on
     */
    public ConnectionPort readyFrom(int i) {
        return readyFrom.get(i);
    }

    /** @return true when a command with this ITT waits in the ordering queue */
    public boolean isQueued(int itt) {
        return queuedItts.containsKey(itt);
    }

    /**
     * Drops a queued command (ABORT TASK of a command not yet received in order) and marks its
     * CmdSN as received (RFC 7143 §11.5.1).
     *
     * @param itt its ITT
     * @return true when one was queued
     */
    public boolean dropQueued(int itt) {
        Integer sn = queuedItts.remove(itt);
        if (sn == null) {
            return false;
        }
        Waiting w = queued.remove(sn);
        if (w != null) {
            ReferenceCountUtil.release(w.pdu());
        }
        skipped.add(sn);
        releaseEarlyData(itt);
        return true;
    }

    /**
     * Marks a CmdSN in the window but not yet received as received (RFC 7143 §11.5.1 b).
     *
     * @param cmdSn the CmdSN
     */
    public void skip(int cmdSn) {
        if (cmdSn - expCmdSn >= 0 && !queued.containsKey(cmdSn)) {
            skipped.add(cmdSn);
        }
    }

    /**
     * Keeps unsolicited Data-Out that arrived for a command still waiting for its CmdSN.
     *
     * @param d the PDU (its data is copied when kept; the caller keeps its reference)
     * @param maxBytes FirstBurstLength: the most unsolicited data a command may have
     * @param maxPdus the most Data-Out PDUs kept for one command (zero-length ones count)
     * @return null when kept, else why not (nothing kept): a protocol error
     */
    public String keepEarlyData(DataOut d, int maxBytes, int maxPdus) {
        if (!isQueued(d.itt())) {
            return "unsolicited Data-Out for ITT 0x" + Integer.toHexString(d.itt()) + ", which is not queued";
        }
        return earlyData.keep(d, maxBytes, maxPdus);
    }

    /**
     * @param itt a command about to start
     * @return the Data-Out kept for it (the caller releases them), or null
     */
    public List<DataOut> takeEarlyData(int itt) {
        return earlyData.take(itt);
    }

    private void releaseEarlyData(int itt) {
        earlyData.release(itt);
    }

    /** Releases queued PDUs and early data (session over). */
    public void release() {
        queued.values().forEach(w -> ReferenceCountUtil.release(w.pdu()));
        queued.clear();
        queuedItts.clear();
        earlyData.releaseAll();
    }
}
