package org.jstgt.device.disk;

import java.util.concurrent.CompletionStage;

import org.jstgt.api.scsi.CommandDescriptor;
import org.jstgt.api.scsi.CommandResult;
import org.jstgt.api.scsi.DataDirection;
import org.jstgt.api.scsi.ScsiTask;

/**
 * A parsed disk command whose fields sit in no {@link org.jstgt.scsi.spc.CdbLayout} (UNMAP,
 * COMPARE AND WRITE, WRITE SAME, FORMAT UNIT): the Data-Out length it takes (0: none) and the
 * blocks it addresses, decoded at parse, plus the work.
 */
abstract class OutCommand implements CommandDescriptor {
    private final int length;
    private final long lba;
    private final long blocks;

    /**
     * @param length Data-Out bytes, 0 for none
     * @param lba first block addressed, -1 for none
     * @param blocks blocks addressed
     */
    OutCommand(int length, long lba, long blocks) {
        this.length = length;
        this.lba = lba;
        this.blocks = blocks;
    }

    @Override
    public final DataDirection direction() {
        return length == 0 ? DataDirection.NONE : DataDirection.OUT;
    }

    @Override
    public final int transferLength() {
        return length;
    }

    @Override
    public final long lba() {
        return lba;
    }

    @Override
    public final long blocks() {
        return blocks;
    }

    /**
     * @param task the task (Data-Out, completion executor)
     * @return completes with the result
     */
    abstract CompletionStage<CommandResult> run(ScsiTask task);

    @Override
    public final CompletionStage<CommandResult> execute(ScsiTask task) {
        return DiskCommand.execute(this::run, task);
    }
}
