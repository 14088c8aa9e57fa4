package org.jstgt.iscsi;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.netty.util.ReferenceCountUtil;

import org.jstgt.api.mgmt.SessionInfo;
import org.jstgt.api.target.Nexus;
import org.jstgt.api.target.ScsiTarget;
import org.jstgt.iscsi.login.LoginResult;
import org.jstgt.iscsi.login.Negotiated;
import org.jstgt.iscsi.login.TargetSettings;
import org.jstgt.iscsi.pdu.DataOut;
import org.jstgt.iscsi.pdu.Pdu;

/**
 * An iSCSI session (RFC 7143 §4.2.1): identity, negotiated parameters, the command window and
 * ordering (§4.2.2.1), and the task table. One connection per session (MaxConnections=1), so all
 * mutable state lives on that connection's event loop; {@link #info()} reads a few volatile fields
 * from other threads.
 */
final class Session {
    final int tsih;
    final long isid;
    final int cid;
    final boolean discovery;
    private final String initiatorName;
    final String initiatorAlias;
    final ScsiTarget target;
    final TargetSettings settings;
    final Negotiated negotiated;
    final String portalName;
    private final int portalTag;
    final Nexus nexus;
    final IscsiConnection connection;

    int expCmdSn;
    private int maxCmdSnAdvertised;
    private int active;
    final Map<Integer, IscsiTask> tasks = new HashMap<>();
    private final Map<Integer, Pdu> queued = new HashMap<>();
    private final Map<Integer, Integer> queuedItts = new HashMap<>();
    private final Set<Integer> skipped = new HashSet<>();
    final Map<Integer, List<DataOut>> pendingData = new HashMap<>();
    private volatile int inFlight;
    private volatile String remote;

    Session(int tsih, LoginResult r, String portalName, int portalTag, Nexus nexus, IscsiConnection connection) {
        this.tsih = tsih;
        this.isid = r.isid();
        this.cid = r.cid();
        this.discovery = r.discovery();
        this.initiatorName = r.initiatorName();
        this.initiatorAlias = r.initiatorAlias();
        this.target = r.target();
        this.settings = r.settings();
        this.negotiated = r.negotiated();
        this.portalName = portalName;
        this.portalTag = portalTag;
        this.nexus = nexus;
        this.connection = connection;
        this.expCmdSn = r.expCmdSn();
        this.maxCmdSnAdvertised = r.expCmdSn() + settings.queueDepth() - 1;
        this.remote = connection == null ? "" : connection.remoteDescription();
    }

    String initiatorName() {
        return initiatorName;
    }

    /** @return {@code <iqn>,i,0x<isid>} (RFC 7143 §4.2.7.4) */
    String initiatorPortName() {
        return initiatorName + ",i,0x" + String.format("%012x", isid);
    }

    String targetName() {
        return target == null ? "" : target.iqn();
    }

    /** @return {@code <iqn>,t,0x<tpgt>} (RFC 7143 §4.2.7.4) */
    String targetPortName() {
        return targetName() + ",t,0x" + String.format("%04x", portalTag);
    }

    int portalTag() {
        return portalTag;
    }

    /** @return MaxCmdSN: the window offers only free command slots and never shrinks (§4.2.2.1) */
    int maxCmdSn() {
        int m = expCmdSn - 1 + Math.max(0, settings.queueDepth() - active);
        if (m - maxCmdSnAdvertised > 0) {
            maxCmdSnAdvertised = m;
        }
        return maxCmdSnAdvertised;
    }

    /** @return true when {@code cmdSn} lies in [ExpCmdSN, MaxCmdSN] (serial arithmetic, RFC 1982) */
    boolean inWindow(int cmdSn) {
        return cmdSn - expCmdSn >= 0 && maxCmdSn() - cmdSn >= 0;
    }

    /**
     * Orders a non-immediate command PDU (RFC 7143 §4.2.2.1). Returns the PDUs now deliverable in
     * CmdSN order; PDUs outside the window are dropped (released) silently; early ones are queued
     * (retained).
     *
     * @param pdu the PDU (the caller keeps its own reference)
     * @param cmdSn its CmdSN
     * @return PDUs to dispatch, each retained once for the caller to release
     */
    List<Pdu> order(Pdu pdu, int cmdSn) {
        List<Pdu> ready = new ArrayList<>();
        if (!inWindow(cmdSn) || queued.containsKey(cmdSn)) {
            return ready;
        }
        if (cmdSn != expCmdSn) {
            queued.put(cmdSn, pdu.retain());
            queuedItts.put(pdu.itt(), cmdSn);
            return ready;
        }
        expCmdSn++;
        ready.add(pdu.retain());
        for (;;) {
            if (skipped.remove(expCmdSn)) {
                expCmdSn++;
                continue;
            }
            Pdu next = queued.remove(expCmdSn);
            if (next == null) {
                break;
            }
            queuedItts.remove(next.itt());
            expCmdSn++;
            ready.add(next);
        }
        return ready;
    }

    /** @return true when a command with this ITT waits in the ordering queue */
    boolean isQueued(int itt) {
        return queuedItts.containsKey(itt);
    }

    /**
     * Drops a queued command (ABORT TASK of a command not yet received in order) and marks its
     * CmdSN as received (RFC 7143 §11.5.1).
     *
     * @param itt its ITT
     * @return true when one was queued
     */
    boolean dropQueued(int itt) {
        Integer sn = queuedItts.remove(itt);
        if (sn == null) {
            return false;
        }
        ReferenceCountUtil.release(queued.remove(sn));
        skipped.add(sn);
        releasePendingData(itt);
        return true;
    }

    /** Marks a CmdSN in the window but not yet received as received (RFC 7143 §11.5.1 b). */
    void skip(int cmdSn) {
        if (cmdSn - expCmdSn >= 0 && !queued.containsKey(cmdSn)) {
            skipped.add(cmdSn);
        }
    }

    void taskStarted(IscsiTask t) {
        tasks.put(t.itt, t);
        if (!t.immediate) {
            t.inWindow = true;
            active++;
        }
        inFlight = tasks.size();
    }

    void taskEnded(IscsiTask t) {
        if (tasks.get(t.itt) == t) {
            tasks.remove(t.itt);
        }
        if (t.inWindow) {
            t.inWindow = false;
            active--;
        }
        inFlight = tasks.size();
    }

    /**
     * @param t a task about to report its status
     * @return MaxCmdSN with the task's slot already freed, so the status opens the window
     */
    int maxCmdSnAfter(IscsiTask t) {
        taskEnded(t);
        return maxCmdSn();
    }

    void releasePendingData(int itt) {
        List<DataOut> l = pendingData.remove(itt);
        if (l != null) {
            l.forEach(DataOut::release);
        }
    }

    /** Releases queued PDUs and early data (connection gone). */
    void releaseQueues() {
        queued.values().forEach(ReferenceCountUtil::release);
        queued.clear();
        queuedItts.clear();
        pendingData.values().forEach(l -> l.forEach(DataOut::release));
        pendingData.clear();
    }

    /** @return a listing row */
    SessionInfo info() {
        Map<String, String> neg = new LinkedHashMap<>(negotiated.values());
        List<String> list = new ArrayList<>();
        neg.forEach((k, v) -> list.add(k + "=" + v));
        return new SessionInfo(tsih, discovery ? "Discovery" : "Normal", initiatorName, String.format("%012x", isid),
                targetName(), portalTag, List.of(remote), inFlight, list);
    }
}
