package org.jstgt.device.disk;

import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;

import org.jstgt.api.scsi.Cdb;
import org.jstgt.api.scsi.CommandDescriptor;
import org.jstgt.api.scsi.CommandResult;
import org.jstgt.api.scsi.ScsiException;
import org.jstgt.api.scsi.ScsiTask;
import org.jstgt.api.scsi.SenseReason;
import org.jstgt.scsi.spc.CdbChecks;
import org.jstgt.scsi.spc.Commands;
import org.jstgt.scsi.spc.OpcodeTable;

/**
 * COMPARE AND WRITE (SBC-4 §5.3), the atomic test-and-set that clusters use for locks (VMware
 * ATS). CDB: byte 1 WRPROTECT (7-5, must be 000b), DPO (4, accepted), FUA (3), reserved (2),
 * FUA_NV (1, obsolete, ignored), reserved (0); bytes 2-9 LOGICAL BLOCK ADDRESS; bytes 10-12
 * reserved; byte 13 NUMBER OF LOGICAL BLOCKS (0: nothing to do, GOOD; above
 * {@link #maxBlocks(DiskUnit)}, the MAXIMUM COMPARE AND WRITE LENGTH of the Block Limits page: an
 * invalid field); byte 14 GROUP NUMBER (ignored).
 *
 * <p>The Data-Out buffer holds 2 x N blocks: the verify data, then the write data; an initiator
 * whose expected length says otherwise is refused before any data moves (INVALID FIELD IN COMMAND
 * INFORMATION UNIT, as LIO does). The blocks are read and compared with the verify data; on the
 * first difference the command ends with MISCOMPARE, MISCOMPARE DURING VERIFY OPERATION (1Dh/00h),
 * INFORMATION the offset of that byte in the Data-Out buffer, and nothing is written; else the
 * write data is written (durably with FUA). Read, compare and write run while the unit's
 * {@link RangeGuard} holds the blocks, so no other write of the unit touches them in between.
 */
final class CompareAndWrite implements CommandFamily {
    private static final int OPCODE = 0x89;
    /** The most NUMBER OF LOGICAL BLOCKS can say (one byte). */
    private static final int LIMIT = 255;

    private final DiskUnit disk;
    private final int blockSize;

    CompareAndWrite(DiskUnit disk) {
        this.disk = disk;
        this.blockSize = disk.blockSize();
    }

    /**
     * @param disk the unit
     * @return MAXIMUM COMPARE AND WRITE LENGTH in blocks: 255, or the unit's MAXIMUM TRANSFER
     *     LENGTH when smaller
     */
    static int maxBlocks(DiskUnit disk) {
        return Math.min(LIMIT, disk.maxTransferBlocks());
    }

    @Override
    public void register(OpcodeTable.Builder table) {
        int full = 0xFF;
        table.command(OPCODE, "COMPARE AND WRITE", 16).out()
                .usage(0, 0xF8, full, full, full, full, full, full, full, full, 0, 0, 0, full, 0, 0)
                .handler(this::parse);
    }

    private CommandDescriptor parse(ScsiTask task) throws ScsiException {
        Cdb cdb = task.cdb();
        CdbChecks.requireZero(cdb, 1, 0xE5);
        CdbChecks.requireZeroBytes(cdb, 10, 12);
        long lba = cdb.u64(2);
        int blocks = cdb.u8(13);
        if (blocks > maxBlocks(disk)) {
            throw ScsiException.invalidCdbField(13, -1);
        }
        if (disk.readOnly()) {
            throw new ScsiException(SenseReason.WRITE_PROTECTED);
        }
        CdbChecks.checkRange(lba, blocks, disk.capacity());
        if (blocks == 0) {
            // nothing to compare, but data on its way says the CDB is not what the initiator meant
            // (a 256-block request truncated to the one-byte field): refuse it, as LIO does
            if (task.expectedTransferLength() != 0) {
                throw ScsiException.invalidCdbField(13, -1);
            }
            return Commands.good();
        }
        int length = 2 * blocks * blockSize;
        if (task.expectedTransferLength() != length) {
            throw new ScsiException(SenseReason.INVALID_FIELD_IN_COMMAND_INFORMATION_UNIT,
                    "expected transfer length " + task.expectedTransferLength() + ", the CDB needs " + length);
        }
        boolean fua = cdb.bit(1, 3);
        return new OutCommand(length, lba, blocks) {
            @Override
            CompletionStage<CommandResult> run(ScsiTask t) {
                ByteBuffer data = t.dataOut();
                if (data.remaining() != length) {
                    return CompletableFuture.failedFuture(
                            new ScsiException(SenseReason.INVALID_FIELD_IN_COMMAND_INFORMATION_UNIT));
                }
                Executor loop = t.executor();
                return disk.guard().run(lba, blocks, loop, () -> compareAndWrite(lba, blocks, data, fua, loop));
            }
        };
    }

    /** The read, compare and write, run while the guard holds the blocks. */
    private CompletionStage<CommandResult> compareAndWrite(long lba, int blocks, ByteBuffer data, boolean fua,
            Executor loop) {
        long offset = lba * blockSize;
        int half = blocks * blockSize;
        ByteBuffer verify = data.duplicate();
        verify.limit(verify.position() + half);
        ByteBuffer write = data.duplicate();
        write.position(write.position() + half);
        return Verify.compare(disk.io(), blockSize, offset, half, verify, false, loop)
                .thenCompose(v -> ReadWrite.write(disk, offset, write, fua, loop))
                .thenApply(v -> CommandResult.good());
    }
}
