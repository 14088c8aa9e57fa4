package org.jstgt.device.disk;

import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.function.BiConsumer;

import org.jstgt.api.scsi.Cdb;
import org.jstgt.api.scsi.CommandDescriptor;
import org.jstgt.api.scsi.CommandResult;
import org.jstgt.api.scsi.DataDirection;
import org.jstgt.api.scsi.ReservationClass;
import org.jstgt.api.scsi.ScsiException;
import org.jstgt.api.scsi.ScsiTask;
import org.jstgt.api.store.StoreExtent;
import org.jstgt.scsi.spc.Bytes;
import org.jstgt.scsi.spc.CdbChecks;
import org.jstgt.scsi.spc.Commands;
import org.jstgt.scsi.spc.OpcodeTable;
import org.jstgt.scsi.spc.StoreCalls;

/**
 * GET LBA STATUS (SBC-4 §5.8), SERVICE ACTION IN(16) service action 12h beside READ CAPACITY(16):
 * which blocks from STARTING LOGICAL BLOCK ADDRESS on are mapped and which deallocated, drawn
 * from the store's extents ({@link StoreCalls#extent}).
 *
 * <p>CDB: byte 1 bits 7-5 reserved; bytes 2-9 STARTING LOGICAL BLOCK ADDRESS (past the last block:
 * LBA OUT OF RANGE); bytes 10-13 ALLOCATION LENGTH (0: nothing, GOOD); byte 14 reserved. Parameter
 * data (SBC-4 §5.8.2): PARAMETER DATA LENGTH (bytes 0-3, the bytes that follow), 4 reserved bytes,
 * then 16-byte LBA status descriptors: LBA (0-7), NUMBER OF LOGICAL BLOCKS (8-11), PROVISIONING
 * STATUS (byte 12 bits 3-0: 0 mapped, 1 deallocated). The first descriptor starts at the starting
 * LBA; each next one where the previous ended, with the other status.
 *
 * <p>The store answers in bytes; a block with any mapped byte is mapped, and a block is
 * deallocated only when all its bytes are. The descriptors stop at the allocation length (at least
 * one is built; a short allocation length truncates it), at {@link #MAX_DESCRIPTORS}, after
 * {@link #MAX_QUERIES} store queries, or at the last block; the initiator asks again from where
 * they ended.
 */
final class GetLbaStatus implements CommandFamily {
    private static final int SERVICE_ACTION_IN_16 = 0x9E;
    private static final int SERVICE_ACTION = 0x12;
    /** The most descriptors one command returns. */
    static final int MAX_DESCRIPTORS = 1024;
    /** The most store extent queries one command makes. */
    static final int MAX_QUERIES = 4096;
    private static final int MAPPED = 0;
    private static final int DEALLOCATED = 1;
    private static final long MAX_DESCRIPTOR_BLOCKS = 0xFFFF_FFFFL;

    private final DiskUnit disk;
    private final int blockSize;

    GetLbaStatus(DiskUnit disk) {
        this.disk = disk;
        this.blockSize = disk.blockSize();
    }

    @Override
    public void register(OpcodeTable.Builder table) {
        int full = 0xFF;
        table.command(SERVICE_ACTION_IN_16, SERVICE_ACTION, "GET LBA STATUS", 16).in()
                .reservation(ReservationClass.READ)
                .usage(0, 0, full, full, full, full, full, full, full, full, full, full, full, full, 0, 0)
                .handler(this::parse);
    }

    private CommandDescriptor parse(ScsiTask task) throws ScsiException {
        Cdb cdb = task.cdb();
        CdbChecks.requireZero(cdb, 1, 0xE0);
        CdbChecks.requireZero(cdb, 14, 0xFF);
        long lba = cdb.u64(2);
        int allocation = CdbChecks.cap(cdb.u32(10));
        CdbChecks.checkRange(lba, 1, disk.capacity());
        if (allocation == 0) {
            return Commands.good();
        }
        int descriptors = Math.max(1, Math.min(MAX_DESCRIPTORS, (allocation - 8) / 16));
        return new CommandDescriptor() {
            @Override
            public DataDirection direction() {
                return DataDirection.IN;
            }

            @Override
            public int transferLength() {
                return allocation;
            }

            @Override
            public CompletionStage<CommandResult> execute(ScsiTask t) {
                Scan s = new Scan(lba, descriptors, t.executor());
                s.probe();
                return s.done.thenApply(data -> CommandResult.good(CdbChecks.truncate(t, data, allocation)));
            }
        };
    }

    /**
     * One walk over the store's extents from the starting block, building descriptors as it goes.
     * A store that answers at once is driven by a loop, not by nested callbacks.
     */
    private final class Scan implements BiConsumer<StoreExtent, Throwable> {
        final CompletableFuture<byte[]> done = new CompletableFuture<>();
        private final Executor loop;
        private final long capacity = disk.capacity();
        private final byte[] data;
        private int count;
        private int queries;
        /** the next byte whose state is unknown: a block's first byte, or inside a block all deallocated so far */
        private long at;
        /** the descriptor being grown: status, first block, end block; status -1 before the first */
        private int status = -1;
        private long first;
        private long end;

        Scan(long lba, int descriptors, Executor loop) {
            this.loop = loop;
            this.data = new byte[8 + 16 * descriptors];
            this.at = lba * blockSize;
            this.first = lba;
            this.end = lba;
        }

        /** Queries the store while it answers at once and there is room and block left. */
        void probe() {
            while (!done.isDone()) {
                if (end >= capacity || queries == MAX_QUERIES) {
                    finish();
                    return;
                }
                queries++;
                CompletableFuture<StoreExtent> e = disk.io().extent(at, loop).toCompletableFuture();
                if (!e.isDone() || e.isCompletedExceptionally()) {
                    e.whenComplete(this);
                    return;
                }
                take(e.join());
            }
        }

        @Override
        public void accept(StoreExtent e, Throwable failure) {
            if (failure != null) {
                done.completeExceptionally(failure);
                return;
            }
            take(e);
            probe();
        }

        /** Turns one store extent into blocks of one status. */
        private void take(StoreExtent e) {
            if (e.offset() != at) {
                done.completeExceptionally(new IllegalStateException(
                        "store extent starts at " + e.offset() + ", asked for " + at));
                return;
            }
            long stop = e.offset() + e.length();
            if (e.mapped()) {
                // the block holding the extent's last byte is mapped whatever follows
                grow(MAPPED, Math.min(capacity, (stop + blockSize - 1) / blockSize));
            } else if (stop / blockSize > end) {
                grow(DEALLOCATED, Math.min(capacity, stop / blockSize));
            } else {
                // the hole ends inside the block: its remaining bytes decide
                at = stop;
            }
        }

        /** Adds the blocks from {@link #end} to {@code to} with {@code s}, closing a descriptor first when the status changes. */
        private void grow(int s, long to) {
            if (s != status && status >= 0) {
                if (!emit()) {
                    finish();
                    return;
                }
                first = end;
            }
            status = s;
            end = to;
            at = end * blockSize;
        }

        /** Writes the descriptor(s) for {@code first .. end - 1}; false when there is no room. */
        private boolean emit() {
            while (first < end) {
                if (8 + 16 * count >= data.length) {
                    return false;
                }
                long blocks = Math.min(end - first, MAX_DESCRIPTOR_BLOCKS);
                int p = 8 + 16 * count++;
                Bytes.putU64(data, p, first);
                Bytes.putU32(data, p + 8, blocks);
                data[p + 12] = (byte) status;
                first += blocks;
            }
            return true;
        }

        private void finish() {
            if (done.isDone()) {
                return;
            }
            if (status >= 0) {
                emit();
            }
            byte[] out = Arrays.copyOf(data, 8 + 16 * count);
            Bytes.putU32(out, 0, out.length - 4L);
            done.complete(out);
        }
    }
}
