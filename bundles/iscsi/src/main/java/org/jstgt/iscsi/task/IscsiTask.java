package org.jstgt.iscsi.task;

import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;

import org.jstgt.api.scsi.Cdb;
import org.jstgt.api.scsi.DataDirection;
import org.jstgt.api.scsi.ScsiTask;
import org.jstgt.api.scsi.TaskAttribute;
import org.jstgt.api.target.Nexus;
import org.jstgt.api.target.PreparedCommand;
import org.jstgt.api.target.ScsiResult;
import org.jstgt.iscsi.flow.ByteBudget;
import org.jstgt.iscsi.recovery.Retention;
import org.jstgt.iscsi.session.ConnectionPort;
import org.jstgt.iscsi.session.Session;

/**
 * One SCSI command of a session: what the SCSI core sees ({@link ScsiTask}) and the fabric's data
 * phase bookkeeping (RFC 7143 §4.2.5.2: immediate, unsolicited and solicited Data-Out; Data-In).
 * It keeps allegiance to the connection its command came on (§4.2.2): its R2Ts, Data-In and
 * status leave there. Touched only on the session's event loop, except {@link #dataIn(int)} and
 * {@link #dataOut()} which the device may call from its own threads while executing ({@link
 * #sendDataIn} declines there).
 */
public final class IscsiTask implements ScsiTask {

    enum State { COLLECTING, EXECUTING, DONE }

    /** An outstanding R2T (RFC 7143 §11.8). */
    static final class Burst {
        final int r2tSn;
        final int offset;
        final int length;
        int next;
        int dataSn;

        Burst(int r2tSn, int offset, int length) {
            this.r2tSn = r2tSn;
            this.offset = offset;
            this.length = length;
            this.next = offset;
        }
    }

    private final Session session;
    /** The connection the task is allegiant to (RFC 7143 §4.2.2); TASK REASSIGN moves it (ERL 2). */
    ConnectionPort connection;
    /** The engine of that connection: its responses, data collection and completions. */
    ScsiCommands engine;
    /**
     * Its connection failed at ErrorRecoveryLevel 2: the task waits (at most DefaultTime2Wait +
     * DefaultTime2Retain) for a TASK REASSIGN; a completion meanwhile is {@link #held}.
     */
    boolean orphaned;
    /** The session's connection failure that orphaned it (an epoch count, see Session). */
    long orphanedAt;
    /** The device's result of an orphaned task, answered on the connection it is reassigned to. */
    ScsiResult held;
    private final ByteBufAllocator alloc;
    /** {@link System#nanoTime()} when its command arrived (in CmdSN order), for the session's latency. */
    final long arrived = System.nanoTime();
    final int itt;
    final int cmdSn;
    final boolean immediate;
    final long lunField;
    private final int lun;
    private final Cdb cdb;
    private final TaskAttribute attribute;
    final int edtl;
    private final DataDirection declared;

    PreparedCommand prepared;
    State state = State.COLLECTING;
    boolean aborted;
    /** The device's stage once executing: completes when the command is done with the store. */
    CompletionStage<ScsiResult> execution;
    /** Set when the task counts against the command window (non-immediate). */
    boolean inWindow;

    /** Data-Out buffer of {@link #transferLength} bytes. */
    ByteBuf out;
    int transferLength;
    /** Bytes [0, covered) of the transfer have arrived. */
    int covered;
    boolean unsolicitedDone = true;
    int unsolicitedLimit;
    int unsolicitedNext;
    int unsolicitedDataSn;
    int nextR2tOffset;
    int r2tSn;
    /** R2Ts sent, by R2TSN: {TTT, offset, length}, for an R2T SNACK (ErrorRecoveryLevel 1 only). */
    Map<Integer, int[]> sentR2ts;
    /** Recovery R2Ts sent for this task's data (ErrorRecoveryLevel 1), against its share. */
    int recoveries;
    /** Target Transfer Tags of bursts a recovery R2T replaced: their late Data-Out is dropped. */
    java.util.Set<Integer> retiredTtts;
    /** The unsolicited data was cut short by a recovery R2T: later unsolicited Data-Out is dropped. */
    boolean unsolicitedRecovered;
    final Map<Integer, Burst> bursts = new HashMap<>();

    private volatile ByteBuf in;
    int dataInPdus;
    /** Bytes sent ahead of the status from a lent buffer ({@link DataInStream}), -1 when none were. */
    int streamed = -1;
    /** The lent buffer's size: the Data-In bytes the device produced (of which {@link #streamed} went). */
    int streamProduced;

    /** Bytes of the session's write budget this task's {@link #out} holds (given back when it ends). */
    int budgeted;
    /** Bytes of the session's read budget this task's Data-In buffer holds. */
    private int inBudgeted;
    /** What the task is answered instead of the device's result: its Data-In buffer was refused. */
    volatile ScsiResult refused;
    /** The task counts against the session's immediate commands. */
    boolean immediateSlot;
    /** {@link #covered} at the data phase timer's last sweep, and sweeps since it last grew. */
    int sweepCovered;
    int staleSweeps;

    IscsiTask(Session session, ConnectionPort connection, int itt, int cmdSn, boolean immediate, long lunField,
            Cdb cdb, TaskAttribute attribute, int edtl, DataDirection declared) {
        this.session = session;
        this.connection = connection;
        this.alloc = connection.alloc();
        this.itt = itt;
        this.cmdSn = cmdSn;
        this.immediate = immediate;
        this.lunField = lunField;
        this.lun = lunNumber(lunField);
        this.cdb = cdb;
        this.attribute = attribute;
        this.edtl = edtl;
        this.declared = declared;
    }

    /**
     * @param lunField the 8-byte LUN field of a PDU
     * @return the LUN it addresses (SAM-5 §4.7: single level, peripheral (00b) or flat space (01b))
     */
    public static int lunNumber(long lunField) {
        int b0 = (int) (lunField >>> 56) & 0xff;
        int b1 = (int) (lunField >>> 48) & 0xff;
        return (b0 & 0x3f) << 8 | b1;
    }

    /** @return true while its connection failed and it waits for a TASK REASSIGN (ERL 2) */
    public boolean orphaned() {
        return orphaned;
    }

    /** @return the Initiator Task Tag */
    public int itt() {
        return itt;
    }

    /** @return the CmdSN of its command */
    public int cmdSn() {
        return cmdSn;
    }

    /** @return true for a command sent as immediate (outside the window) */
    public boolean immediate() {
        return immediate;
    }

    /** @return the LUN field of its command, as sent */
    public long lunField() {
        return lunField;
    }

    @Override
    public int lun() {
        return lun;
    }

    @Override
    public Cdb cdb() {
        return cdb;
    }

    @Override
    public TaskAttribute attribute() {
        return attribute;
    }

    @Override
    public DataDirection declaredDirection() {
        return declared;
    }

    /** @return the connection's event loop: stores complete there, where the command started */
    @Override
    public Executor executor() {
        return connection.executor();
    }

    @Override
    public int expectedTransferLength() {
        return edtl;
    }

    @Override
    public ByteBuffer dataOut() {
        ByteBuf b = out;
        return b == null ? ByteBuffer.allocate(0) : b.nioBuffer(0, transferLength);
    }

    /** Sent at once from the lent buffer when the connection can ({@link DataInStream}), else null. */
    @Override
    public CompletionStage<Void> sendDataIn(ByteBuffer data) {
        return DataInStream.send(this, session, data);
    }

    @Override
    public synchronized ByteBuffer dataIn(int length) {
        if (in != null || streamed >= 0) {
            throw new IllegalStateException("dataIn already allocated or sent");
        }
        if (length < 0) {
            throw new IllegalArgumentException("length " + length);
        }
        ByteBudget budget = session.flow().readBudget();
        if (budget.tooLarge(length)) {
            throw refuse(Overload.TOO_LARGE, length);
        }
        if (!budget.tryTake(length)) {
            throw refuse(Overload.TASK_SET_FULL, length);
        }
        ByteBuf b = Overload.directBuffer(alloc, length);
        if (b == null) {
            budget.give(length);
            throw refuse(Overload.BUSY, length);
        }
        inBudgeted = length;
        b.writerIndex(length);
        in = b;
        return b.nioBuffer(0, length);
    }

    /**
     * Notes what the task is answered (the SCSI core turns any exception of the device into CHECK
     * CONDITION; the fabric answers the overload status instead).
     */
    private RuntimeException refuse(ScsiResult answer, int length) {
        refused = answer;
        return new Overload.NoBuffer(length);
    }

    /** @return the Data-In buffer or null */
    ByteBuf dataInBuffer() {
        return in;
    }

    @Override
    public String initiatorPortName() {
        return session.initiatorPortName();
    }

    @Override
    public String initiatorName() {
        return session.initiatorName();
    }

    @Override
    public String targetName() {
        return session.targetName();
    }

    @Override
    public String targetPortName() {
        return session.targetPortName();
    }

    @Override
    public int relativeTargetPortId() {
        return session.portalTag();
    }

    @Override
    public int targetPortGroup() {
        return session.portalTag();
    }

    @Override
    public int targetPortGroupSupport() {
        Nexus n = session.nexus();
        return n == null ? 0 : n.targetPortGroupSupport();
    }

    /**
     * Copies part of a Data-Out segment into the buffer; bytes at or beyond the transfer length
     * (initiator's EDTL larger than the device's) are dropped.
     *
     * @param offset BufferOffset
     * @param data the segment
     * @param inPlace the decoder already received the segment into {@link #out} at {@code offset}
     */
    void accept(int offset, ByteBuf data, boolean inPlace) {
        int len = data.readableBytes();
        int usable = Math.max(0, Math.min(len, transferLength - offset));
        if (usable > 0 && !inPlace) {
            out.setBytes(offset, data, data.readerIndex(), usable);
        }
        covered = Math.max(covered, offset + len);
    }

    /** @return true when every byte of the transfer has arrived and no unsolicited data is due */
    boolean dataComplete() {
        return unsolicitedDone && nextR2tOffset >= transferLength && bursts.isEmpty();
    }

    /**
     * Hands the Data-In buffer over with the read budget it holds (ErrorRecoveryLevel 1 keeps them
     * until the status is acknowledged); the task no longer releases them.
     *
     * @return the buffer and its budgeted bytes
     */
    synchronized Retention.Held takeDataIn() {
        Retention.Held held = new Retention.Held(in, inBudgeted, session.flow().readBudget());
        in = null;
        inBudgeted = 0;
        return held;
    }

    /**
     * Releases both buffers and what the task holds of its session's limits (write and read
     * budgets, immediate command slot). Idempotent; on the session's event loop.
     */
    synchronized void releaseBuffers() {
        if (budgeted > 0) {
            session.flow().writeBudget().give(budgeted, connection.executor());
            budgeted = 0;
        }
        if (immediateSlot) {
            immediateSlot = false;
            session.flow().immediateEnded();
        }
        if (out != null) {
            out.release();
            out = null;
        }
        if (in != null) {
            in.release();
            in = null;
        }
        if (inBudgeted > 0) {
            session.flow().readBudget().give(inBudgeted);
            inBudgeted = 0;
        }
    }
}
