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
 * ORWRITE(16) (SBC-4 §5.20): each block addressed becomes the bitwise OR of what it holds and the
 * Data-Out block. CDB: byte 1 ORPROTECT (7-5, must be 000b: no protection information), DPO (4,
 * accepted), FUA (3), reserved (2), FUA_NV (1, obsolete, ignored), reserved (0); bytes 2-9 LOGICAL
 * BLOCK ADDRESS; bytes 10-13 TRANSFER LENGTH (0: nothing; above MAXIMUM TRANSFER LENGTH an
 * invalid field); byte 14 GROUP NUMBER (4-0, ignored). The read, the OR and the write run while
 * the unit's {@link RangeGuard} holds the blocks, so the operation is atomic against every other
 * write of the unit, as SBC-4 asks.
 */
final class OrWrite implements CommandFamily {
    private static final int OPCODE = 0x8B;

    private final DiskUnit disk;
    private final int blockSize;

    OrWrite(DiskUnit disk) {
        this.disk = disk;
        this.blockSize = disk.blockSize();
    }

    @Override
    public void register(OpcodeTable.Builder table) {
        int full = 0xFF;
        table.command(OPCODE, "ORWRITE(16)", 16).out()
                .usage(0, 0xFA, full, full, full, full, full, full, full, full, full, full, full, full, 0x1F, 0)
                .handler(this::parse);
    }

    private CommandDescriptor parse(ScsiTask task) throws ScsiException {
        Cdb cdb = task.cdb();
        CdbChecks.requireZero(cdb, 1, 0xE5);
        CdbChecks.requireZero(cdb, 14, 0xE0);
        long lba = cdb.u64(2);
        long blocks = cdb.u32(10);
        if (blocks > disk.maxTransferBlocks()) {
            throw ScsiException.invalidCdbField(10, -1);
        }
        if (disk.readOnly()) {
            throw new ScsiException(SenseReason.WRITE_PROTECTED);
        }
        CdbChecks.checkRange(lba, blocks, disk.capacity());
        if (blocks == 0) {
            return Commands.good();
        }
        int length = (int) blocks * blockSize;
        boolean fua = cdb.bit(1, 3);
        return new OutCommand(length, lba, blocks) {
            @Override
            CompletionStage<CommandResult> run(ScsiTask t) {
                ByteBuffer data = t.dataOut();
                // an initiator's shorter expected length (SAM-5 overflow): OR the whole blocks sent
                int whole = Math.min(data.remaining(), length) / blockSize;
                if (whole == 0) {
                    return CompletableFuture.completedFuture(CommandResult.good());
                }
                Executor loop = t.executor();
                return disk.guard().run(lba, whole, loop, () -> orWrite(lba, whole * blockSize, data, fua, loop));
            }
        };
    }

    /** Reads the blocks, ORs the Data-Out into them and writes the result back, under the guard. */
    private CompletionStage<CommandResult> orWrite(long lba, int bytes, ByteBuffer data, boolean fua, Executor loop) {
        long offset = lba * blockSize;
        ByteBuffer medium = ByteBuffer.allocate(bytes);
        return disk.io().read(offset, medium, loop).thenCompose(v -> {
            int base = data.position();
            for (int i = 0; i < bytes; i++) {
                medium.put(i, (byte) (medium.get(i) | data.get(base + i)));
            }
            return ReadWrite.write(disk, offset, medium.clear(), fua, loop);
        }).thenApply(v -> CommandResult.good());
    }
}
