package org.jstgt.device.disk;

import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;

import org.jstgt.api.scsi.Cdb;
import org.jstgt.api.scsi.CommandDescriptor;
import org.jstgt.api.scsi.CommandResult;
import org.jstgt.api.scsi.DataDirection;
import org.jstgt.api.scsi.ScsiException;
import org.jstgt.api.scsi.ScsiTask;
import org.jstgt.api.scsi.SenseReason;
import org.jstgt.scsi.spc.CdbChecks;
import org.jstgt.scsi.spc.CdbLayout;
import org.jstgt.scsi.spc.Commands;
import org.jstgt.scsi.spc.OpcodeTable;

/**
 * WRITE SAME(10) and (16) (SBC-4 §5.45, §5.46): one block of data written to every block of a
 * range, or the range deallocated.
 *
 * <p>Byte 1: WRPROTECT (7-5, must be 000b: no protection information), ANCHOR (4: anchored LBAs
 * are not supported, ANC_SUP 0, so 1 is an invalid field whatever UNMAP says),
 * UNMAP (3), bits 2-1 obsolete (PBDATA, LBDATA; refused), bit 0 reserved in (10) and NDOB in (16):
 * no Data-Out, the block is all zeros. LOGICAL BLOCK ADDRESS and NUMBER OF LOGICAL BLOCKS sit where
 * the size's {@link CdbLayout} says; GROUP NUMBER is ignored. NUMBER OF LOGICAL BLOCKS 0 means up
 * to the last block (WSNZ 0 in the Block Limits page). A range longer than
 * {@link #maxBlocks(DiskUnit)} (MAXIMUM WRITE SAME LENGTH) is an invalid NUMBER OF LOGICAL BLOCKS.
 *
 * <p>UNMAP 1 on a thin provisioned unit deallocates the range through the store, whatever the
 * Data-Out block holds: the bit asks for deallocation (SBC-4 §4.7.3.4), and a read afterwards
 * returns what LBPRZ 1 promises, zeros. This is what initiators and libiscsi's WriteSame
 * UnmapUntilEnd tests expect (they send a block of FFh with UNMAP and read zeros back), and what
 * LIO does. On a fully provisioned unit the blocks are written. The range is held in the unit's
 * {@link RangeGuard} while it is written or deallocated.
 */
final class WriteSame implements CommandFamily {
    /** MAXIMUM WRITE SAME LENGTH in bytes: 1 GiB, written through {@link BlockFill}'s 1 MiB buffer. */
    static final long MAX_BYTES = 1L << 30;
    /** byte 1 bits looked at: WRPROTECT, ANCHOR, UNMAP (and NDOB in the 16-byte form) */
    private static final int FLAGS = 0xF8;
    private static final int NDOB = 0x01;

    private final DiskUnit disk;
    private final int blockSize;

    WriteSame(DiskUnit disk) {
        this.disk = disk;
        this.blockSize = disk.blockSize();
    }

    /**
     * @param disk the unit
     * @return MAXIMUM WRITE SAME LENGTH in blocks
     */
    static long maxBlocks(DiskUnit disk) {
        return MAX_BYTES / disk.blockSize();
    }

    @Override
    public void register(OpcodeTable.Builder table) {
        table.command(0x41, "WRITE SAME(10)", 10).out().usage(CdbLayout.SBC_10.usage(FLAGS))
                .handler(t -> parse(CdbLayout.SBC_10, t));
        table.command(0x93, "WRITE SAME(16)", 16).out().usage(CdbLayout.SBC_16.usage(FLAGS | NDOB))
                .handler(t -> parse(CdbLayout.SBC_16, t));
    }

    private CommandDescriptor parse(CdbLayout layout, ScsiTask task) throws ScsiException {
        Cdb cdb = task.cdb();
        // every byte 1 bit but UNMAP (and NDOB): WRPROTECT, ANCHOR, the obsolete and reserved bits
        CdbChecks.requireZero(cdb, 1, layout == CdbLayout.SBC_16 ? 0xF6 : 0xF7);
        Same c = new Same(layout, cdb);
        long max = maxBlocks(disk);
        c.checkTransferLength(max);
        if (disk.readOnly()) {
            throw new ScsiException(SenseReason.WRITE_PROTECTED);
        }
        c.checkRange(disk.capacity());
        if (c.range() > max) {
            // NUMBER OF LOGICAL BLOCKS 0: to the last block, which is further than the limit
            throw ScsiException.invalidCdbField(layout.transferLengthByte(), -1);
        }
        if (c.range() == 0) {
            return Commands.good();
        }
        int out = c.transferLength();
        if (out != 0 && task.expectedTransferLength() != out) {
            throw new ScsiException(SenseReason.INVALID_FIELD_IN_COMMAND_INFORMATION_UNIT,
                    "expected transfer length " + task.expectedTransferLength() + ", WRITE SAME takes one block");
        }
        return c;
    }

    /** A parsed WRITE SAME. */
    private final class Same extends DiskCommand {
        private final boolean ndob;
        /** the blocks written, fixed at parse (NUMBER OF LOGICAL BLOCKS 0 reads the capacity then) */
        private final long range;

        Same(CdbLayout layout, Cdb cdb) {
            this(layout, cdb, layout == CdbLayout.SBC_16 && (cdb.u8(1) & NDOB) != 0);
        }

        private Same(CdbLayout layout, Cdb cdb, boolean ndob) {
            super(layout, cdb, ndob ? DataDirection.NONE : DataDirection.OUT);
            this.ndob = ndob;
            // an LBA past the end gives a negative range here; checkRange refuses it before use
            this.range = count() == 0 ? disk.capacity() - lba() : count();
        }

        private boolean unmap() {
            return (flags() & 0x08) != 0;
        }

        /** @return the blocks written: NUMBER OF LOGICAL BLOCKS, or up to the last block for 0 */
        long range() {
            return range;
        }

        @Override
        public int transferLength() {
            return ndob ? 0 : blockSize;
        }

        @Override
        CompletionStage<CommandResult> run(ScsiTask task) {
            ByteBuffer block;
            if (ndob) {
                block = ByteBuffer.allocate(blockSize);
            } else {
                block = task.dataOut();
                if (block.remaining() != blockSize) {
                    return CompletableFuture.failedFuture(
                            new ScsiException(SenseReason.INVALID_FIELD_IN_COMMAND_INFORMATION_UNIT));
                }
            }
            long blocks = range();
            Executor loop = task.executor();
            boolean deallocate = unmap() && disk.thin();
            long offset = lba() * blockSize;
            long bytes = blocks * blockSize;
            return disk.guard().run(lba(), blocks, loop, () -> (deallocate ? disk.io().unmap(offset, bytes, loop)
                    : BlockFill.write(disk.io(), block, offset, bytes, loop)).thenApply(v -> CommandResult.good()));
        }
    }
}
