package org.jstgt.iscsi;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import org.jstgt.api.scsi.ScsiException;
import org.jstgt.api.scsi.SenseData;
import org.jstgt.api.scsi.SenseReason;
import org.jstgt.api.scsi.DataDirection;
import org.jstgt.api.scsi.ScsiStatus;
import org.jstgt.api.scsi.ScsiTask;
import org.jstgt.api.target.Nexus;
import org.jstgt.api.target.PreparedCommand;
import org.jstgt.api.target.ScsiResult;

/** A byte[] disk at LUN 0 answering INQUIRY, TEST UNIT READY, READ(10) and WRITE(10). */
final class FakeDisk implements Nexus {
    static final int BLOCK = 512;

    final byte[] bytes;
    boolean closed;
    int resets;
    /** When set, execute() stages stay pending until the test completes them. */
    boolean hold;
    final List<Runnable> held = new ArrayList<>();
    final List<ScsiTask> abandoned = new ArrayList<>();
    final List<ScsiTask> executed = new ArrayList<>();

    FakeDisk(int blocks) {
        bytes = new byte[blocks * BLOCK];
        for (int i = 0; i < bytes.length; i++) {
            bytes[i] = (byte) (i * 7 + i / 512);
        }
    }

    static ScsiResult check(SenseReason reason) {
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
                    ByteBuffer b = task.dataIn(alloc);
                    byte[] inq = new byte[36];
                    inq[2] = 6;
                    inq[4] = 31;
                    System.arraycopy("JSTGT   FAKEDISK        ".getBytes(), 0, inq, 8, 24);
                    int n = Math.min(alloc, inq.length);
                    b.put(inq, 0, n);
                    return ScsiResult.good(n);
                });
            }
            case 0x25:
                return command(task, DataDirection.IN, 8, () -> {
                    ByteBuffer b = task.dataIn(8);
                    b.putInt(bytes.length / BLOCK - 1).putInt(BLOCK);
                    return ScsiResult.good(8);
                });
            case 0xa0: {
                int alloc = (int) task.cdb().u32(6);
                return command(task, DataDirection.IN, alloc, () -> {
                    ByteBuffer b = task.dataIn(alloc);
                    byte[] r = new byte[16];
                    r[3] = 8;
                    int n = Math.min(alloc, 16);
                    b.put(r, 0, n);
                    return ScsiResult.good(n);
                });
            }
            case 0x28, 0x2a: {
                long lba = task.cdb().u32(2);
                int blocks = task.cdb().u16(7);
                if ((lba + blocks) * BLOCK > bytes.length) {
                    return fixed(check(SenseReason.LBA_OUT_OF_RANGE));
                }
                int len = blocks * BLOCK;
                int off = (int) lba * BLOCK;
                if (op == 0x28) {
                    return command(task, DataDirection.IN, len, () -> {
                        ByteBuffer b = task.dataIn(len);
                        b.put(bytes, off, len);
                        return ScsiResult.good(len);
                    });
                }
                return command(task, DataDirection.OUT, len, () -> {
                    ByteBuffer src = task.dataOut();
                    // an overflow hands over fewer bytes than the CDB asks: store what came
                    src.get(bytes, off, Math.min(len, src.remaining()));
                    return ScsiResult.GOOD;
                });
            }
            default:
                return fixed(check(SenseReason.INVALID_COMMAND_OPERATION_CODE));
        }
    }

    private PreparedCommand fixed(ScsiResult r) {
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

    private PreparedCommand command(ScsiTask task, DataDirection dir, int len, java.util.function.Supplier<ScsiResult> run) {
        return new PreparedCommand() {
            boolean done;

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
                CompletableFuture<ScsiResult> f = new CompletableFuture<>();
                if (hold) {
                    held.add(() -> f.complete(run.get()));
                } else {
                    f.complete(run.get());
                }
                return f;
            }

            @Override
            public void abandon() {
                abandoned.add(task);
            }
        };
    }

    void releaseHeld() {
        List<Runnable> l = new ArrayList<>(held);
        held.clear();
        l.forEach(Runnable::run);
    }

    @Override
    public boolean logicalUnitReset(int lun) {
        resets++;
        return lun == 0;
    }

    @Override
    public int[] luns() {
        return new int[] {0};
    }

    @Override
    public void close() {
        closed = true;
    }
}
