package org.jstgt.device.disk;

import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;

import org.jstgt.api.scsi.Cdb;
import org.jstgt.api.scsi.CommandDescriptor;
import org.jstgt.api.scsi.CommandResult;
import org.jstgt.api.scsi.DataDirection;
import org.jstgt.api.scsi.ReservationClass;
import org.jstgt.api.scsi.ScsiException;
import org.jstgt.api.scsi.ScsiTask;
import org.jstgt.api.scsi.SenseReason;
import org.jstgt.scsi.spc.CdbChecks;
import org.jstgt.scsi.spc.CdbLayout;
import org.jstgt.scsi.spc.Commands;
import org.jstgt.scsi.spc.OpcodeTable;
import org.jstgt.scsi.spc.StoreCalls;

/**
 * VERIFY(10)/(12)/(16) (SBC-4 §5.34-5.36): byte 1 VRPROTECT (7-5, must be 000b), DPO (4), bit 3
 * reserved, BYTCHK (2-1): 00b checks the range only, 01b compares the Data-Out with the medium,
 * 11b compares one block of Data-Out with every block of the range; 10b is reserved. Also the
 * compare that WRITE AND VERIFY shares.
 */
final class Verify implements CommandFamily {
    /** byte 1 bits VERIFY looks at: VRPROTECT, DPO, BYTCHK */
    private static final int FLAGS = 0xF6;

    private final DiskUnit disk;
    private final StoreCalls io;
    private final int blockSize;

    Verify(DiskUnit disk) {
        this.disk = disk;
        this.io = disk.io();
        this.blockSize = disk.blockSize();
    }

    @Override
    public void register(OpcodeTable.Builder table) {
        row(table, CdbLayout.SBC_10, 0x2F);
        row(table, CdbLayout.SBC_12, 0xAF);
        row(table, CdbLayout.SBC_16, 0x8F);
    }

    private void row(OpcodeTable.Builder table, CdbLayout layout, int opcode) {
        int size = layout.cdbLength();
        table.command(opcode, "VERIFY(" + size + ")", size).out().reservation(ReservationClass.READ)
                .usage(layout.usage(FLAGS))
                .handler(t -> parse(layout, t.cdb()));
    }

    private CommandDescriptor parse(CdbLayout layout, Cdb cdb) throws ScsiException {
        CdbChecks.requireZero(cdb, 1, 0xE8);
        Check c = new Check(layout, cdb);
        if (c.bytchk() == 0b10) {
            throw ScsiException.invalidCdbField(1, 2);
        }
        if (c.bytchk() != 0) {
            c.checkTransferLength(disk.maxTransferBlocks());
        }
        c.checkRange(disk.capacity());
        if (c.bytchk() == 0 || c.count() == 0) {
            return Commands.good();
        }
        return c;
    }

    /** A VERIFY with BYTCHK 01b or 11b. */
    private final class Check extends DiskCommand {
        Check(CdbLayout layout, Cdb cdb) {
            super(layout, cdb, DataDirection.OUT);
        }

        private boolean oneBlock() {
            return bytchk() == 0b11;
        }

        @Override
        public int transferLength() {
            return oneBlock() ? blockSize : (int) count() * blockSize;
        }

        @Override
        CompletionStage<CommandResult> run(ScsiTask task) {
            int out = transferLength();
            ByteBuffer expected = task.dataOut();
            if (expected.remaining() > out) {
                return CompletableFuture.failedFuture(new IllegalStateException(
                        "Data-Out holds " + expected.remaining() + " bytes, the CDB " + out));
            }
            if (expected.remaining() < out) {
                // EDTL short of what BYTCHK needs (overflow): nothing to compare against
                return CompletableFuture.failedFuture(
                        new ScsiException(SenseReason.INVALID_FIELD_IN_COMMAND_INFORMATION_UNIT));
            }
            return compare(io, blockSize, lba() * blockSize, (int) count() * blockSize, expected, oneBlock(),
                    task.executor()).thenApply(v -> CommandResult.good());
        }
    }

    /**
     * Reads {@code length} bytes at {@code offset} and compares them with {@code expected} (whole,
     * or one block repeated). A difference is MISCOMPARE DURING VERIFY OPERATION with INFORMATION
     * the offset of the first differing byte in the Data-Out buffer (SBC-4 §5.34).
     */
    static CompletionStage<Void> compare(StoreCalls io, int blockSize, long offset, int length, ByteBuffer expected,
            boolean oneBlock, Executor completion) {
        ByteBuffer medium = ByteBuffer.allocate(length);
        return io.read(offset, medium, completion).thenCompose(v -> {
            int step = oneBlock ? blockSize : length;
            ByteBuffer want = expected.slice(expected.position(), step);
            for (int at = 0; at < length; at += step) {
                int i = medium.slice(at, step).mismatch(want);
                if (i >= 0) {
                    return CompletableFuture.failedFuture(new ScsiException(SenseReason.MISCOMPARE_DURING_VERIFY)
                            .withInformation(oneBlock ? i : at + i));
                }
            }
            return CompletableFuture.completedFuture(null);
        });
    }
}
