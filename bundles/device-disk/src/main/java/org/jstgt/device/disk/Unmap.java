package org.jstgt.device.disk;

import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import org.jstgt.api.scsi.Cdb;
import org.jstgt.api.scsi.CommandDescriptor;
import org.jstgt.api.scsi.CommandResult;
import org.jstgt.api.scsi.ScsiException;
import org.jstgt.api.scsi.ScsiTask;
import org.jstgt.api.scsi.SenseReason;
import org.jstgt.scsi.spc.CdbChecks;
import org.jstgt.scsi.spc.Commands;
import org.jstgt.scsi.spc.OpcodeTable;
import org.jstgt.scsi.spc.StoreCalls;

/**
 * Thin provisioning (SBC-4 §4.7.3): UNMAP, on units whose store deallocates and reads zeros after.
 * {@link Capacity} announces the limits and the Logical Block Provisioning page.
 */
final class Unmap implements CommandFamily {
    private static final int UNMAP = 0x42;
    /** MAXIMUM UNMAP BLOCK DESCRIPTOR COUNT announced in the Block Limits page. */
    static final int MAX_DESCRIPTORS = 256;

    private final DiskUnit disk;
    private final StoreCalls io;
    private final int blockSize;

    Unmap(DiskUnit disk) {
        this.disk = disk;
        this.io = disk.io();
        this.blockSize = disk.blockSize();
    }

    @Override
    public void register(OpcodeTable.Builder table) {
        int full = 0xFF;
        table.command(UNMAP, "UNMAP", 10).out()
                .usage(0, 0x01, 0, 0, 0, 0, 0, full, full, 0)
                .handler(this::unmap);
    }

    /**
     * UNMAP (SBC-4 §5.32): byte 1 ANCHOR (0; anchored state is not supported); bytes 7-8 PARAMETER
     * LIST LENGTH (0: nothing to do). The parameter list is checked when it has arrived.
     */
    private CommandDescriptor unmap(ScsiTask task) throws ScsiException {
        Cdb cdb = task.cdb();
        CdbChecks.requireZero(cdb, 1, 0xFF);
        CdbChecks.requireZeroBytes(cdb, 2, 5);
        int length = cdb.u16(7);
        if (length == 0) {
            return Commands.good();
        }
        if (length < 8) {
            throw new ScsiException(SenseReason.PARAMETER_LIST_LENGTH_ERROR).inCdb(7, -1);
        }
        return new OutCommand(length, -1, 0) {
            @Override
            CompletionStage<CommandResult> run(ScsiTask t) {
                return unmapList(t);
            }
        };
    }

    /**
     * UNMAP parameter list (SBC-4 §5.32.2): bytes 0-1 UNMAP DATA LENGTH, 2-3 UNMAP BLOCK
     * DESCRIPTOR DATA LENGTH, then 16-byte descriptors (LBA, NUMBER OF LOGICAL BLOCKS). Every
     * descriptor is checked before any block is deallocated; descriptors beyond the list are
     * ignored, as is a trailing partial descriptor.
     */
    private CompletionStage<CommandResult> unmapList(ScsiTask task) {
        // duplicate(): big-endian whatever the transport's buffer order
        ByteBuffer list = task.dataOut().duplicate();
        int base = list.position();
        int available = list.remaining() - 8;
        int declared = ((list.get(base + 2) & 0xFF) << 8) | (list.get(base + 3) & 0xFF);
        int count = Math.min(declared, available) / 16;
        if (count > MAX_DESCRIPTORS) {
            return CompletableFuture.failedFuture(
                    new ScsiException(SenseReason.INVALID_FIELD_IN_PARAMETER_LIST).inParameterList(2, 7));
        }
        long[] lbas = new long[count];
        long[] counts = new long[count];
        long capacity = disk.capacity();
        for (int i = 0; i < count; i++) {
            int at = base + 8 + 16 * i;
            lbas[i] = list.getLong(at);
            counts[i] = list.getInt(at + 8) & 0xFFFF_FFFFL;
            try {
                CdbChecks.checkRange(lbas[i], counts[i], capacity);
            } catch (ScsiException e) {
                return CompletableFuture.failedFuture(e);
            }
        }
        long first = Long.MAX_VALUE;
        long end = 0;
        for (int i = 0; i < count; i++) {
            if (counts[i] != 0) {
                first = Math.min(first, lbas[i]);
                end = Math.max(end, lbas[i] + counts[i]);
            }
        }
        if (end == 0) {
            return CompletableFuture.completedFuture(CommandResult.good());
        }
        // one claim from the lowest to the highest block named: the list's gaps wait too (rare, and simpler)
        return disk.guard().run(first, end - first, task.executor(), () -> deallocate(lbas, counts, task));
    }

    private CompletionStage<CommandResult> deallocate(long[] lbas, long[] counts, ScsiTask task) {
        CompletionStage<Void> chain = CompletableFuture.completedFuture(null);
        for (int i = 0; i < lbas.length; i++) {
            if (counts[i] == 0) {
                continue;
            }
            long offset = lbas[i] * blockSize;
            long bytes = counts[i] * blockSize;
            chain = chain.thenCompose(v -> io.unmap(offset, bytes, task.executor()));
        }
        return chain.thenApply(v -> CommandResult.good());
    }
}
