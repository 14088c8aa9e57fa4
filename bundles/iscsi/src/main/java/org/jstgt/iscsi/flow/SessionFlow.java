package org.jstgt.iscsi.flow;

/**
 * One session's share of memory and of the target's attention: its write and read data budgets and
 * its count of outstanding immediate SCSI commands, which the command window does not bound
 * (RFC 7143 §3.2.2.1). Confined to the session's event loop, except the read budget (any thread).
 */
public final class SessionFlow {
    private final FlowSettings settings;
    private final WriteBudget writeBudget;
    private final ByteBudget readBudget;
    private int immediate;

    /** @param settings the target's limits */
    public SessionFlow(FlowSettings settings) {
        this.settings = settings;
        this.writeBudget = new WriteBudget(settings.writeBufferMax());
        this.readBudget = new ByteBudget(settings.readBufferMax());
    }

    /** @return the target's limits */
    public FlowSettings settings() {
        return settings;
    }

    /** @return the write data budget */
    public WriteBudget writeBudget() {
        return writeBudget;
    }

    /** @return the Data-In budget (any thread) */
    public ByteBudget readBudget() {
        return readBudget;
    }

    /** @return true when the session has {@code immediate.commands.max} immediate SCSI commands outstanding */
    public boolean immediateFull() {
        return immediate >= settings.immediateCommandsMax();
    }

    /** An immediate SCSI command started (counted until {@link #immediateEnded()}). */
    public void immediateStarted() {
        immediate++;
    }

    /** An immediate SCSI command ended. */
    public void immediateEnded() {
        immediate--;
    }

    /** @return immediate SCSI commands outstanding */
    public int immediateOutstanding() {
        return immediate;
    }
}
