package org.jstgt.iscsi;

import java.net.InetAddress;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import org.jstgt.api.scsi.DataDirection;
import org.jstgt.api.scsi.ScsiTask;
import org.jstgt.api.target.Nexus;
import org.jstgt.api.target.PreparedCommand;
import org.jstgt.api.target.ScsiResult;
import org.jstgt.api.target.ScsiTarget;
import org.jstgt.testkit.FakeScsiTarget;

/**
 * A target whose commands complete when the test says so, as a SCSI core with aborts would: each
 * command's execution and abort are futures the test completes. Identity and ACL come from a
 * {@link FakeScsiTarget}; READ(10) is a Data-In command of its expected length, anything else has
 * no data.
 */
final class ScriptedTarget implements ScsiTarget {
    /** One command the fabric executed. */
    static final class Command {
        final ScsiTask task;
        final CompletableFuture<ScsiResult> execution = new CompletableFuture<>();
        final CompletableFuture<Void> aborted = new CompletableFuture<>();
        final AtomicBoolean abortCalled = new AtomicBoolean();

        Command(ScsiTask task) {
            this.task = task;
        }
    }

    private final FakeScsiTarget identity;
    final List<Command> executed = new CopyOnWriteArrayList<>();
    /** How many nexuses were opened. */
    final AtomicInteger opened = new AtomicInteger();
    /** When set, a command's direction() throws once it executed (a broken PreparedCommand). */
    volatile boolean breakAfterExecute;
    /** Completes LOGICAL UNIT RESET when the test says so. */
    volatile CompletableFuture<Boolean> reset = CompletableFuture.completedFuture(true);
    /** Completes CLEAR TASK SET when the test says so. */
    volatile CompletableFuture<Boolean> clear = CompletableFuture.completedFuture(true);
    /** Completes a target reset when the test says so. */
    volatile CompletableFuture<Void> targetReset = CompletableFuture.completedFuture(null);
    /** How many target resets reached the core. */
    final AtomicInteger targetResets = new AtomicInteger();

    ScriptedTarget(FakeScsiTarget identity) {
        this.identity = identity;
    }

    @Override
    public String name() {
        return identity.name();
    }

    @Override
    public String iqn() {
        return identity.iqn();
    }

    @Override
    public String alias() {
        return identity.alias();
    }

    @Override
    public List<String> portals() {
        return identity.portals();
    }

    @Override
    public Map<String, String> properties() {
        return identity.properties();
    }

    @Override
    public String origin() {
        return identity.origin();
    }

    @Override
    public boolean allows(String initiatorName, InetAddress address) {
        return identity.allows(initiatorName, address);
    }

    @Override
    public Nexus openNexus(String initiatorName, String initiatorPortName, String targetPortName,
            int relativeTargetPortId) {
        opened.incrementAndGet();
        return new Nexus() {
            @Override
            public PreparedCommand prepare(ScsiTask task) {
                return command(task);
            }

            @Override
            public boolean logicalUnitReset(int lun) {
                return true;
            }

            @Override
            public CompletionStage<Boolean> resetLogicalUnit(int lun) {
                return reset;
            }

            @Override
            public CompletionStage<Boolean> clearTaskSet(int lun) {
                return lun == 0 ? clear : CompletableFuture.completedFuture(false);
            }

            @Override
            public CompletionStage<Void> resetTarget() {
                targetResets.incrementAndGet();
                return targetReset;
            }

            @Override
            public int[] luns() {
                return new int[] {0};
            }

            @Override
            public void close() {
            }
        };
    }

    private PreparedCommand command(ScsiTask task) {
        boolean read = task.cdb().opcode() == 0x28;
        Command c = new Command(task);
        return new PreparedCommand() {
            private volatile boolean started;

            @Override
            public ScsiResult immediateResult() {
                return null;
            }

            @Override
            public DataDirection direction() {
                if (started && breakAfterExecute) {
                    throw new IllegalStateException("broken command view");
                }
                return read ? DataDirection.IN : DataDirection.NONE;
            }

            @Override
            public int transferLength() {
                return read ? task.expectedTransferLength() : 0;
            }

            @Override
            public CompletionStage<ScsiResult> execute() {
                started = true;
                if (read) {
                    task.dataIn(task.expectedTransferLength());
                }
                executed.add(c);
                return c.execution;
            }

            @Override
            public CompletionStage<Void> abort() {
                c.abortCalled.set(true);
                return c.aborted;
            }
        };
    }
}
