package org.jstgt.iscsi.task;

import java.util.function.BiConsumer;
import java.util.function.Consumer;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;

import org.jstgt.iscsi.log.LogSafe;
import org.jstgt.iscsi.login.Negotiated;
import org.jstgt.iscsi.pdu.Bhs;
import org.jstgt.iscsi.pdu.DataOut;
import org.jstgt.iscsi.pdu.MalformedPduException;
import org.jstgt.iscsi.pdu.Opcode;
import org.jstgt.iscsi.pdu.Pdu;
import org.jstgt.iscsi.pdu.PduCodec;
import org.jstgt.iscsi.pdu.R2t;
import org.jstgt.iscsi.pdu.RejectReason;
import org.jstgt.iscsi.pdu.ScsiCommand;
import org.jstgt.iscsi.pdu.SegmentPlacement;
import org.jstgt.iscsi.session.ConnectionPort;
import org.jstgt.iscsi.session.Session;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Write data of one connection's tasks (RFC 7143 §4.2.5.2, §11.7, §11.8; DataPDUInOrder=Yes):
 * chooses where a large segment lands while it arrives, checks and stores each Data-Out, sends
 * R2Ts while MaxOutstandingR2T allows, and hands a task to execution once all its data is in.
 *
 * <p>A Data-Out that is not the next one its task expects (DataSN, buffer offset, length, F bit,
 * Target Transfer Tag) cannot be recovered at ErrorRecoveryLevel 0, where there is no recovery R2T.
 * The PDU is rejected (Protocol Error) and the task is concluded with a SCSI Response of its own, as
 * RFC 7143 §7.3 (Usage of Reject PDU in Recovery) asks of a target that ends a task whose PDU it
 * rejected (a Reject alone never ends one); the Data-Out still on its way for it is dropped as that
 * of an ended task. The session and its other commands go on.
 */
public final class DataOutCollector implements SegmentPlacement {
    private static final Logger LOG = LoggerFactory.getLogger(DataOutCollector.class);

    /**
     * Largest Data-Out buffer allocated ahead, from a SCSI Command's header, to receive its
     * immediate data in place (larger transfers get their buffer when the command starts).
     */
    static final int ADOPT_MAX = 8 * 1024 * 1024;

    private final ConnectionPort port;
    private final Session session;
    private final TaskTable tasks;
    private final Consumer<IscsiTask> dataComplete;
    private final BiConsumer<IscsiTask, String> sequenceError;
    /**
     * ITTs of queued commands whose unsolicited Data-Out failed its digest (ErrorRecoveryLevel 1);
     * at most the command window's worth, each removed when its command starts.
     */
    private final java.util.Set<Integer> lostEarly = new java.util.HashSet<>();
    private static final int LOST_EARLY_MAX = 1024;
    /** Recovery R2Ts any write command may get; longer ones get one more per MaxBurstLength. */
    static final int RECOVERIES_MIN = 16;
    /** Bounds the recovery lines a peer's losses can write, as for its other PDUs. */
    private final org.jstgt.iscsi.log.LogBudget recoveryLog = new org.jstgt.iscsi.log.LogBudget();
    /** Data segment handed to the decoder by {@link #place}; the next PDU delivered carries it. */
    private ByteBuf placed;
    /** The placed data segment of the PDU being processed, or null (compared by identity). */
    private ByteBuf placedNow;

    /**
     * @param port the connection
     * @param session its session
     * @param dataComplete a task whose data is all in
     * @param sequenceError a task one of whose Data-Out was out of sequence (rejected already), with
     *     what was wrong: it must be concluded with a SCSI Response
     */
    DataOutCollector(ConnectionPort port, Session session, Consumer<IscsiTask> dataComplete,
            BiConsumer<IscsiTask, String> sequenceError) {
        this.port = port;
        this.session = session;
        this.tasks = session.tasks();
        this.dataComplete = dataComplete;
        this.sequenceError = sequenceError;
    }

    /**
     * Chooses where a large data segment lands while it arrives ({@link SegmentPlacement}): a
     * Data-Out that fits its task's current burst goes straight into the task's buffer; a write
     * command's immediate data goes into a new buffer big enough for the whole transfer, which the
     * task adopts when it starts. Anything else (or anything doubtful) is left to the decoder and
     * checked as usual when the PDU arrives.
     */
    @Override
    public ByteBuf place(byte[] bhs, int length) {
        placed = null;
        if (!port.fullFeature() || session.discovery()) {
            return null;
        }
        Pdu header;
        try {
            // The header alone, parsed as the PDU will be (the data is not here yet).
            Opcode opcode = Opcode.of(Bhs.opcode(bhs));
            if (opcode != Opcode.DATA_OUT && opcode != Opcode.SCSI_COMMAND) {
                return null;
            }
            header = PduCodec.decode(opcode, bhs, new byte[0], Unpooled.EMPTY_BUFFER);
        } catch (MalformedPduException e) {
            return null;
        }
        if (header instanceof DataOut d) {
            IscsiTask task = tasks.get(d.itt());
            if (task == null || task.state != IscsiTask.State.COLLECTING || task.prepared == null || task.out == null) {
                return null;
            }
            int off = d.bufferOffset();
            if (off < 0 || (long) off + length > task.transferLength
                    || problem(task, d.ttt(), d.dataSn(), off, length) != null) {
                return null;
            }
            placed = task.out.retainedSlice(off, length).writerIndex(0);
            return placed;
        }
        ScsiCommand c = (ScsiCommand) header;
        Negotiated n = session.negotiated();
        if (c.write() && n.immediateData() && length <= n.firstBurstLength()) {
            long edtl = c.expectedDataTransferLength() & 0xffffffffL;
            if (edtl < length) {
                return null;
            }
            int capacity = (int) Math.max(length, Math.min(edtl, ADOPT_MAX));
            // null when out of direct memory: the decoder then tries a buffer of the segment's size
            placed = Overload.directBuffer(port.alloc(), capacity);
            return placed;
        }
        return null;
    }

    /** A PDU is being delivered: the segment placed last, if any, is its data. */
    public void delivering() {
        placedNow = placed;
        placed = null;
    }

    /** The PDU delivered is handled. */
    public void delivered() {
        placedNow = null;
    }

    /** @return true when {@code data} was received in place for the PDU being delivered */
    boolean isPlaced(ByteBuf data) {
        return data == placedNow;
    }

    /**
     * A Data-Out PDU.
     *
     * @param d the PDU (the caller releases it)
     */
    public void dataOut(DataOut d) {
        IscsiTask task = tasks.get(d.itt());
        if (task == null) {
            if (session.window().isQueued(d.itt())) {
                String problem = session.window().keepEarlyData(d, session.negotiated().firstBurstLength(),
                        session.flow().settings().earlyDataPdusMax());
                if (problem != null) {
                    port.protocolError(d, problem);
                }
                return;
            }
            // Data for a task that already ended (error answered at once, aborted): ignore.
            LOG.debug("{}: Data-Out for unknown ITT 0x{} ignored", port.remoteDescription(), Integer.toHexString(d.itt()));
            return;
        }
        if (task.state != IscsiTask.State.COLLECTING || task.prepared == null || task.out == null) {
            LOG.debug("{}: Data-Out for ITT 0x{} outside its data phase ignored", port.remoteDescription(),
                    Integer.toHexString(d.itt()));
            return;
        }
        accept(task, d);
        if (port.fullFeature() && tasks.get(task.itt) == task) {
            progress(task);
        }
    }

    /** Validates and stores one Data-Out PDU (RFC 7143 §11.7, DataPDUInOrder=Yes). */
    void accept(IscsiTask task, DataOut d) {
        int len = d.data().readableBytes();
        int off = d.bufferOffset();
        String problem = problem(task, d.ttt(), d.dataSn(), off, len);
        if (problem != null) {
            outOfSequence(task, d, problem);
            return;
        }
        task.accept(off, d.data(), isPlaced(d.data()));
        if (d.ttt() == Bhs.NO_TAG) {
            task.unsolicitedDataSn++;
            task.unsolicitedNext += len;
            if (d.finalFlag()) {
                task.unsolicitedDone = true;
                task.nextR2tOffset = Math.min(task.unsolicitedNext, task.transferLength);
            }
            return;
        }
        IscsiTask.Burst b = task.bursts.get(d.ttt());
        b.dataSn++;
        b.next += len;
        boolean end = b.next == b.offset + b.length;
        if (d.finalFlag() != end) {
            outOfSequence(task, d, "F bit " + d.finalFlag() + " at offset " + b.next + " of a burst ending at "
                    + (b.offset + b.length));
            return;
        }
        if (end) {
            task.bursts.remove(d.ttt());
        }
    }

    /**
     * A Data-Out its task did not expect. At ErrorRecoveryLevel 1 the data missing is asked for
     * again with a recovery R2T (RFC 7143 §7.9: a DataSN or offset gap means PDUs were lost); else
     * the PDU is rejected and the task concluded (§7.3).
     */
    private void outOfSequence(IscsiTask task, DataOut d, String problem) {
        if (port.retention() != null && recover(task, d.ttt(), problem)) {
            return;
        }
        port.reject(RejectReason.PROTOCOL_ERROR, d.header());
        sequenceError.accept(task, problem + (port.retention() == null
                ? "; Data-Out rejected (no recovery R2T at ErrorRecoveryLevel 0)" : "; Data-Out rejected"));
    }

    /**
     * A Data-Out whose data digest failed (rejected with reason Data Digest Error already): at
     * ErrorRecoveryLevel 1 its data is asked for again with a recovery R2T (RFC 7143 §7.8 a).
     *
     * @param header the Data-Out's header
     * @return false when nothing could be recovered: the caller gives the connection up
     */
    public boolean lostDataOut(byte[] header) {
        if (port.retention() == null) {
            return false;
        }
        int itt = Bhs.itt(header);
        IscsiTask task = tasks.get(itt);
        if (task == null && Bhs.i32(header, 20) == Bhs.NO_TAG && session.window().isQueued(itt)) {
            // unsolicited data of a command still waiting for its CmdSN: asked for when it starts
            if (lostEarly.size() >= LOST_EARLY_MAX) {
                lostEarly.clear(); // commands aborted while queued leave theirs: bounded, never grows
            }
            lostEarly.add(itt);
            return true;
        }
        if (task == null || task.state != IscsiTask.State.COLLECTING || task.prepared == null || task.out == null
                || task.connection != port) {
            return true; // data of a task that ended or is not ours: nothing to ask for
        }
        if (!recover(task, Bhs.i32(header, 20), "data digest error")) {
            sequenceError.accept(task, "data digest error in a Data-Out that cannot be asked for again");
        }
        return true;
    }

    /**
     * A task reassigned to this connection in its data phase (ErrorRecoveryLevel 2): the bursts
     * of the failed connection are forgotten and R2Ts ask for the data from the first byte not
     * received (RFC 7143 §7.2.2).
     *
     * @param task the task, now allegiant to this connection
     */
    void resume(IscsiTask task) {
        task.bursts.clear();
        task.retiredTtts = null;
        task.unsolicitedDone = true;
        task.unsolicitedRecovered = true;
        task.nextR2tOffset = Math.min(task.covered, task.transferLength);
        progress(task);
    }

    /**
     * A task starts: when unsolicited data of its own was lost while its command waited for its
     * CmdSN, the unsolicited burst ends at what arrived and R2Ts ask for the rest.
     *
     * @param task the task, its immediate and early data taken
     */
    void earlyDataLost(IscsiTask task) {
        if (!lostEarly.isEmpty() && lostEarly.remove(task.itt) && task.state == IscsiTask.State.COLLECTING
                && task.out != null) {
            recover(task, Bhs.NO_TAG, "unsolicited data lost before the command started");
        }
    }

    /**
     * Within-command recovery (RFC 7143 §7.1.4.1, §11.8): the burst a lost Data-Out belonged to is
     * asked for again from the first byte not received, with the next R2TSN and a new Target
     * Transfer Tag (late Data-Out of the old one is dropped); lost unsolicited data ends the
     * unsolicited burst, and R2Ts ask for the rest.
     *
     * @return false when the problem is not a loss (the caller concludes the task)
     */
    private boolean recover(IscsiTask task, int ttt, String problem) {
        if (ttt == Bhs.NO_TAG) {
            if (task.unsolicitedDone) {
                return task.unsolicitedRecovered; // late unsolicited data after a recovery: dropped
            }
            if (!mayRecover(task, problem)) {
                return true;
            }
            task.unsolicitedDone = true;
            task.unsolicitedRecovered = true;
            task.nextR2tOffset = Math.min(task.unsolicitedNext, task.transferLength);
            if (recoveryLog.allow(LOG, port.remoteDescription())) {
                LOG.info("{} session {}: ITT 0x{}: {}; recovery: R2T for the data from offset {}",
                        port.remoteDescription(), session.tsih(), Integer.toHexString(task.itt),
                        LogSafe.of(problem, LogSafe.MESSAGE), task.nextR2tOffset);
            }
            progress(task);
            return true;
        }
        IscsiTask.Burst b = task.bursts.get(ttt);
        if (b == null) {
            return task.retiredTtts != null && task.retiredTtts.contains(ttt);
        }
        int end = b.offset + b.length;
        if (b.next >= end) {
            return false;
        }
        if (!mayRecover(task, problem)) {
            return true;
        }
        task.bursts.remove(ttt);
        if (task.retiredTtts == null) {
            task.retiredTtts = new java.util.HashSet<>();
        }
        task.retiredTtts.add(ttt);
        if (recoveryLog.allow(LOG, port.remoteDescription())) {
            LOG.info("{} session {}: ITT 0x{}: {}; recovery R2T for offset {} length {}", port.remoteDescription(),
                    session.tsih(), Integer.toHexString(task.itt), LogSafe.of(problem, LogSafe.MESSAGE), b.next,
                    end - b.next);
        }
        sendR2t(task, b.next, end - b.next);
        return true;
    }

    /**
     * Counts a recovery R2T against the task's share: {@value #RECOVERIES_MIN}, plus one per
     * MaxBurstLength of its transfer, which a link that loses a PDU now and then never reaches. A
     * peer that keeps losing (or sending bad digests for) one command's data would otherwise get
     * R2Ts, and the target keep Target Transfer Tags and R2Ts for SNACK, until
     * {@code data.phase.timeout}.
     *
     * @return false when the share is spent: the task is concluded with DATA PHASE ERROR (which
     *     the initiator may retry)
     */
    private boolean mayRecover(IscsiTask task, String problem) {
        int most = RECOVERIES_MIN + task.transferLength / Math.max(1, session.negotiated().maxBurstLength());
        if (task.recoveries < most) {
            task.recoveries++;
            return true;
        }
        sequenceError.accept(task, problem + "; the command had " + most + " recovery R2Ts already, its share");
        return false;
    }

    /** Sends an R2T for a new burst of the task (RFC 7143 §11.8) and records it. */
    private void sendR2t(IscsiTask task, int offset, int length) {
        int ttt = port.newTargetTransferTag();
        IscsiTask.Burst b = new IscsiTask.Burst(task.r2tSn++, offset, length);
        task.bursts.put(ttt, b);
        if (port.retention() != null) {
            if (task.sentR2ts == null) {
                task.sentR2ts = new java.util.HashMap<>();
            }
            task.sentR2ts.put(b.r2tSn, new int[] {ttt, offset, length});
        }
        port.send(new R2t(task.lunField, task.itt, ttt, port.statSn(), session.window().expCmdSn(),
                session.window().maxCmdSn(), b.r2tSn, b.offset, b.length));
    }

    /**
     * An R2T SNACK (RFC 7143 §11.16): the R2Ts asked for are sent again as they were, with the
     * current StatSN, ExpCmdSN and MaxCmdSN.
     *
     * @param itt the task
     * @param begRun first R2TSN
     * @param runLength how many, 0 for every one from begRun
     * @return -1 when sent, else the next R2TSN of the task (0 for no task) for the Reject
     */
    public int resendR2ts(int itt, int begRun, int runLength) {
        IscsiTask task = tasks.get(itt);
        if (task == null || task.connection != port || task.state != IscsiTask.State.COLLECTING
                || task.sentR2ts == null) {
            return task == null ? 0 : task.r2tSn;
        }
        long end = runLength == 0 ? task.r2tSn : (begRun & 0xffffffffL) + (runLength & 0xffffffffL);
        if (begRun < 0 || begRun >= task.r2tSn || end > task.r2tSn) {
            return task.r2tSn;
        }
        for (int sn = begRun; sn < end; sn++) {
            int[] r = task.sentR2ts.get(sn);
            if (r != null) {
                port.send(new R2t(task.lunField, task.itt, r[0], port.statSn(), session.window().expCmdSn(),
                        session.window().maxCmdSn(), sn, r[1], r[2]));
            }
        }
        return -1;
    }

    /**
     * Checks a Data-Out against the task's unsolicited burst (TTT 0xffffffff) or the R2T it answers
     * (RFC 7143 §11.7, DataPDUInOrder=Yes); shared by {@link #place} and {@link #accept}.
     *
     * @return what is wrong, or null when the PDU is the next one expected
     */
    private static String problem(IscsiTask task, int ttt, int dataSn, int off, int len) {
        if (ttt == Bhs.NO_TAG) {
            if (task.unsolicitedDone) {
                return "unsolicited Data-Out after the unsolicited burst ended";
            }
            if (dataSn != task.unsolicitedDataSn || off != task.unsolicitedNext
                    || (long) off + len > task.unsolicitedLimit) {
                return "unsolicited Data-Out DataSN " + dataSn + " offset " + off + " length " + len
                        + " (expected DataSN " + task.unsolicitedDataSn + " offset " + task.unsolicitedNext
                        + ", limit " + task.unsolicitedLimit + ")";
            }
            return null;
        }
        IscsiTask.Burst b = task.bursts.get(ttt);
        if (b == null) {
            return "Data-Out with unknown Target Transfer Tag 0x" + Integer.toHexString(ttt);
        }
        if (dataSn != b.dataSn || off != b.next || (long) off + len > b.offset + b.length) {
            return "solicited Data-Out DataSN " + dataSn + " offset " + off + " length " + len
                    + " (expected DataSN " + b.dataSn + " offset " + b.next + ", burst ends at "
                    + (b.offset + b.length) + ")";
        }
        return null;
    }

    /** Sends R2Ts while allowed and starts the command once all data is in (RFC 7143 §4.2.5.2). */
    void progress(IscsiTask task) {
        if (task.state != IscsiTask.State.COLLECTING) {
            return;
        }
        Negotiated n = session.negotiated();
        if (task.unsolicitedDone) {
            while (task.bursts.size() < n.maxOutstandingR2t() && task.nextR2tOffset < task.transferLength) {
                int len = Math.min(n.maxBurstLength(), task.transferLength - task.nextR2tOffset);
                int offset = task.nextR2tOffset;
                task.nextR2tOffset += len;
                sendR2t(task, offset, len);
            }
        }
        if (task.dataComplete()) {
            dataComplete.accept(task);
        }
    }
}
