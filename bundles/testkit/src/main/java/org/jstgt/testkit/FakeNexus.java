package org.jstgt.testkit;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;

import org.jstgt.api.scsi.DataDirection;
import org.jstgt.api.scsi.ScsiStatus;
import org.jstgt.api.scsi.ScsiTask;
import org.jstgt.api.scsi.Sense;
import org.jstgt.api.scsi.SenseData;
import org.jstgt.api.scsi.SenseReason;
import org.jstgt.api.target.Nexus;
import org.jstgt.api.target.PreparedCommand;
import org.jstgt.api.target.ScsiResult;
import org.jstgt.api.target.UnitAttentionListener;

/**
 * The I_T nexus of a {@link FakeScsiTarget}: a {@code byte[]} disk of 512-byte blocks at LUN 0
 * answering TEST UNIT READY, INQUIRY, READ CAPACITY(10), REPORT LUNS, READ(10) and WRITE(10); any
 * other opcode is INVALID COMMAND OPERATION CODE, any other LUN LOGICAL UNIT NOT SUPPORTED. The disk
 * starts with a pattern (byte {@code i} is {@code i * 7 + i / 512}), so a read of unwritten blocks
 * is not all zeros.
 *
 * <p>It records what the fabric does with it: the commands executed and abandoned, logical unit
 * resets, close. With {@link #hold(boolean) hold} set, executions stay pending until
 * {@link #releaseHeld()}. Not thread-safe beyond its recording lists: drive it from one thread (a
 * fabric's event loop) or hand over through that thread, as the fabric does.
 */
public final class FakeNexus implements Nexus {
    /** Logical block length. */
    public static final int BLOCK = 512;

    private final byte[] bytes;
    private volatile boolean closed;
    private volatile int resets;
    private volatile int clears;
    private volatile int targetResets;
    private volatile boolean hold;
    private volatile boolean sendReads;
    /** What the fabric returned to READ's sendDataIn, in order: null when it declined. */
    private final List<CompletionStage<Void>> sends = new CopyOnWriteArrayList<>();
    /** The access listener the fabric registered, or null. */
    private volatile Runnable accessListener;
    private volatile UnitAttentionListener unitAttentionListener;
    private final List<Runnable> held = new CopyOnWriteArrayList<>();
    private final List<ScsiTask> abandoned = new CopyOnWriteArrayList<>();
    private final List<ScsiTask> executed = new CopyOnWriteArrayList<>();

    /**
     * @param blocks capacity in 512-byte blocks
     */
    public FakeNexus(int blocks) {
        bytes = new byte[blocks * BLOCK];
        for (int i = 0; i < bytes.length; i++) {
            bytes[i] = (byte) (i * 7 + i / 512);
        }
    }

    /** @return the disk itself (not a copy): what WRITE stored, what READ returns */
    public byte[] bytes() {
        return bytes;
    }

    /** @return whether the fabric closed this nexus */
    public boolean closed() {
        return closed;
    }

    /** @return how many LOGICAL UNIT RESETs arrived */
    public int resets() {
        return resets;
    }

    /** @return how many CLEAR TASK SETs arrived */
    public int clears() {
        return clears;
    }

    /** @return how many target resets arrived */
    public int targetResets() {
        return targetResets;
    }

    /** @return the tasks whose prepared command was executed, in order */
    public List<ScsiTask> executed() {
        return executed;
    }

    /** @return the tasks whose prepared command was abandoned, in order */
    public List<ScsiTask> abandoned() {
        return abandoned;
    }

    /**
     * @param on when true, executions stay pending until {@link #releaseHeld()}
     * @return this
     */
    public FakeNexus hold(boolean on) {
        hold = on;
        return this;
    }

    /**
     * @param on when true, READ(10) lends the fabric a view of the disk ({@link ScsiTask#sendDataIn})
     *     and completes once the fabric says it left; a fabric that declines gets a copy as usual
     * @return this
     */
    public FakeNexus sendReads(boolean on) {
        sendReads = on;
        return this;
    }

    /** @return the stages the fabric returned to the READs' sendDataIn, in order (null: declined) */
    public List<CompletionStage<Void>> sends() {
        return sends;
    }

    /** @return how many executions are pending under {@link #hold(boolean)} */
    public int heldCount() {
        return held.size();
    }

    /** Completes the pending executions, in the order they started. */
    public void releaseHeld() {
        List<Runnable> l = new ArrayList<>(held);
        held.clear();
        l.forEach(Runnable::run);
    }

    /**
     * @param reason the sense reason
     * @return CHECK CONDITION with fixed-format sense for {@code reason}
     */
    public static ScsiResult check(SenseReason reason) {
        return new ScsiResult(ScsiStatus.CHECK_CONDITION, SenseData.fixed(reason.sense()), 0);
    }

    @Override
    public PreparedCommand prepare(ScsiTask task) {
        if (task.lun() != 0) {
            return fixed(check(SenseReason.LOGICAL_UNIT_NOT_SUPPORTED));
        }
        int op = task.cdb().opcode();
        switch (op) {
            case 0x00:
                return command(task, DataDirection.NONE, 0, () -> ScsiResult.GOOD);
            case 0x12: {
                int alloc = task.cdb().u16(3);
                return command(task, DataDirection.IN, alloc, () -> {
                    byte[] inq = new byte[36];
                    inq[2] = 6;
                    inq[4] = 31;
                    System.arraycopy("JSTGT   FAKEDISK        ".getBytes(StandardCharsets.US_ASCII), 0, inq, 8, 24);
                    int n = Math.min(alloc, inq.length);
                    task.dataIn(alloc).put(inq, 0, n);
                    return ScsiResult.good(n);
                });
            }
            case 0x25:
                return command(task, DataDirection.IN, 8, () -> {
                    task.dataIn(8).putInt(bytes.length / BLOCK - 1).putInt(BLOCK);
                    return ScsiResult.good(8);
                });
            case 0xa0: {
                int alloc = (int) task.cdb().u32(6);
                return command(task, DataDirection.IN, alloc, () -> {
                    byte[] r = new byte[16];
                    r[3] = 8;
                    int n = Math.min(alloc, 16);
                    task.dataIn(alloc).put(r, 0, n);
                    return ScsiResult.good(n);
                });
            }
            case 0x28, 0x2a:
                return readWrite(task, op == 0x28);
            default:
                return fixed(check(SenseReason.INVALID_COMMAND_OPERATION_CODE));
        }
    }

    private PreparedCommand readWrite(ScsiTask task, boolean read) {
        long lba = task.cdb().u32(2);
        int blocks = task.cdb().u16(7);
        if ((lba + blocks) * BLOCK > bytes.length) {
            return fixed(check(SenseReason.LBA_OUT_OF_RANGE));
        }
        int len = blocks * BLOCK;
        int off = (int) lba * BLOCK;
        if (read) {
            return started(task, DataDirection.IN, len, () -> {
                if (sendReads) {
                    CompletionStage<Void> sent = task.sendDataIn(ByteBuffer.wrap(bytes, off, len).slice().asReadOnlyBuffer());
                    sends.add(sent);
                    if (sent != null) {
                        return sent.thenApply(v -> ScsiResult.good(len));
                    }
                }
                task.dataIn(len).put(bytes, off, len);
                return CompletableFuture.completedFuture(ScsiResult.good(len));
            });
        }
        return command(task, DataDirection.OUT, len, () -> {
            ByteBuffer src = task.dataOut();
            // an overflow hands over fewer bytes than the CDB asks: store what came
            src.get(bytes, off, Math.min(len, src.remaining()));
            return ScsiResult.GOOD;
        });
    }

    private static PreparedCommand fixed(ScsiResult r) {
        return new PreparedCommand() {
            @Override
            public ScsiResult immediateResult() {
                return r;
            }

            @Override
            public DataDirection direction() {
                return DataDirection.NONE;
            }

            @Override
            public int transferLength() {
                return 0;
            }

            @Override
            public CompletionStage<ScsiResult> execute() {
                throw new IllegalStateException("not executable");
            }
        };
    }

    private PreparedCommand command(ScsiTask task, DataDirection dir, int len, Supplier<ScsiResult> run) {
        return started(task, dir, len, () -> CompletableFuture.completedFuture(run.get()));
    }

    private PreparedCommand started(ScsiTask task, DataDirection dir, int len,
            Supplier<CompletionStage<ScsiResult>> run) {
        return new PreparedCommand() {
            private boolean done;

            @Override
            public ScsiResult immediateResult() {
                return null;
            }

            @Override
            public DataDirection direction() {
                return dir;
            }

            @Override
            public int transferLength() {
                return len;
            }

            @Override
            public CompletionStage<ScsiResult> execute() {
                if (done) {
                    throw new IllegalStateException("executed twice");
                }
                done = true;
                executed.add(task);
                if (!hold) {
                    return run.get();
                }
                CompletableFuture<ScsiResult> f = new CompletableFuture<>();
                held.add(() -> run.get().whenComplete((r, e) -> {
                    if (e != null) {
                        f.completeExceptionally(e);
                    } else {
                        f.complete(r);
                    }
                }));
                return f;
            }

            @Override
            public void abandon() {
                abandoned.add(task);
            }
        };
    }

    @Override
    public boolean logicalUnitReset(int lun) {
        resets++;
        return lun == 0;
    }

    /** Counts the request; the fake's commands are not aborted (see {@link #hold}). LUN 0 exists. */
    @Override
    public CompletionStage<Boolean> clearTaskSet(int lun) {
        clears++;
        return CompletableFuture.completedFuture(lun == 0);
    }

    /** Counts the request; the fake's commands are not aborted (see {@link #hold}). */
    @Override
    public CompletionStage<Void> resetTarget() {
        targetResets++;
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public int[] luns() {
        return new int[] {0};
    }

    @Override
    public void close() {
        closed = true;
    }

    @Override
    public void onAccessChange(Runnable listener) {
        accessListener = listener;
    }

    @Override
    public void onUnitAttention(UnitAttentionListener listener) {
        unitAttentionListener = listener;
    }

    /**
     * Tells the fabric of a unit attention condition, as the core does when it establishes one.
     *
     * @param lun the LUN
     * @param reason the condition
     */
    public void unitAttention(int lun, Sense reason) {
        UnitAttentionListener l = unitAttentionListener;
        if (l != null && !closed) {
            l.raised(lun, reason);
        }
    }

    /** Tells the fabric that the target's access rules changed (as the core does on an ACL change). */
    public void accessChanged() {
        Runnable l = accessListener;
        if (l != null && !closed) {
            l.run();
        }
    }
}
