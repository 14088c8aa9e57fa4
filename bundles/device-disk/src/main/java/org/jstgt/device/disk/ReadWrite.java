package org.jstgt.device.disk;

import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.function.Supplier;

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
 * READ and WRITE (6), (10), (12), (16) and WRITE AND VERIFY (10), (12), (16) (SBC-4 §5.15-5.16,
 * §5.41ff.): one row per command and CDB size from the size's {@link CdbLayout}.
 *
 * <p>Byte 1 of the 10-, 12- and 16-byte forms: RDPROTECT/WRPROTECT (7-5), which must be 000b (no
 * protection information on this unit), DPO (4, accepted), FUA (3); WRITE AND VERIFY has BYTCHK
 * (2-1: 00b no compare, 01b compare, 1xb refused) where the others have FUA, and bit 3 reserved.
 * The 6-byte forms have byte 1 bits 7-5 reserved. TRANSFER LENGTH 0 transfers nothing and is not an
 * error (6-byte: 0 means 256 blocks); above MAXIMUM TRANSFER LENGTH it is an invalid field.
 */
final class ReadWrite implements CommandFamily {
    /** byte 1 bits the READ/WRITE forms look at: xxPROTECT, DPO, FUA */
    private static final int RW_FLAGS = 0xF8;
    /** byte 1 bits WRITE AND VERIFY looks at: WRPROTECT, DPO, BYTCHK */
    private static final int WV_FLAGS = 0xF6;
    /** Smallest read sent from the store's view of its medium ({@link Read}). */
    static final int SEND_FROM_VIEW = 64 * 1024;

    private final DiskUnit disk;
    private final StoreCalls io;
    private final LostWrites lost;
    private final int blockSize;

    ReadWrite(DiskUnit disk) {
        this.disk = disk;
        this.io = disk.io();
        this.lost = disk.lostWrites();
        this.blockSize = disk.blockSize();
    }

    @Override
    public void register(OpcodeTable.Builder table) {
        rows(table, CdbLayout.SBC_6, 0x08, 0x0A, -1);
        rows(table, CdbLayout.SBC_10, 0x28, 0x2A, 0x2E);
        rows(table, CdbLayout.SBC_12, 0xA8, 0xAA, 0xAE);
        rows(table, CdbLayout.SBC_16, 0x88, 0x8A, 0x8E);
    }

    /** The rows of one CDB size: READ, WRITE and (except in the 6-byte size) WRITE AND VERIFY. */
    private void rows(OpcodeTable.Builder table, CdbLayout layout, int read, int write, int writeAndVerify) {
        int size = layout.cdbLength();
        int flags = layout == CdbLayout.SBC_6 ? 0 : RW_FLAGS;
        table.command(read, "READ(" + size + ")", size).in().reservation(ReservationClass.READ)
                .usage(layout.usage(flags))
                .handler(t -> read(layout, t.cdb()));
        table.command(write, "WRITE(" + size + ")", size).out()
                .usage(layout.usage(flags))
                .handler(t -> write(layout, t.cdb(), false));
        if (writeAndVerify >= 0) {
            table.command(writeAndVerify, "WRITE AND VERIFY(" + size + ")", size).out()
                    .usage(layout.usage(WV_FLAGS))
                    .handler(t -> write(layout, t.cdb(), true));
        }
    }

    private CommandDescriptor read(CdbLayout layout, Cdb cdb) throws ScsiException {
        CdbChecks.requireZero(cdb, 1, 0xE0);
        return admit(new Read(layout, cdb), false);
    }

    private CommandDescriptor write(CdbLayout layout, Cdb cdb, boolean andVerify) throws ScsiException {
        CdbChecks.requireZero(cdb, 1, 0xE0);
        if (andVerify) {
            // byte 1 bit 3 reserved; BYTCHK 1xb reserved
            CdbChecks.requireZero(cdb, 1, 0x0C);
        }
        return admit(new Write(layout, cdb, andVerify), true);
    }

    /** The checks every READ and WRITE passes at parse, in this order: length, write protection, range. */
    private CommandDescriptor admit(Transfer c, boolean write) throws ScsiException {
        c.checkTransferLength(disk.maxTransferBlocks());
        if (write && disk.readOnly()) {
            throw new ScsiException(SenseReason.WRITE_PROTECTED);
        }
        c.checkRange(disk.capacity());
        return c.count() == 0 ? Commands.good() : c;
    }

    /**
     * Writes {@code src} at {@code offset}. A durable write (FUA, WRITE AND VERIFY, COMPARE AND
     * WRITE with FUA, and every write while the Caching mode page's WCE is 0,
     * {@link DiskUnit#writeThrough()}) goes to the store as force unit access when it honours it,
     * else as a write followed by a flush when it has a volatile cache (SBC-4 §4.15); once a flush
     * of the unit failed, a durable write fails at once ({@link LostWrites}).
     */
    static CompletionStage<Void> write(DiskUnit disk, long offset, ByteBuffer src, boolean durable, Executor loop) {
        StoreCalls io = disk.io();
        if (!durable && !disk.writeThrough()) {
            return io.write(offset, src, false, loop);
        }
        LostWrites lost = disk.lostWrites();
        CompletionStage<Void> refused = lost.refusal();
        if (refused != null) {
            return refused;
        }
        if (disk.storeFua()) {
            return io.write(offset, src, true, loop);
        }
        if (disk.writeCache()) {
            return io.write(offset, src, false, loop).thenCompose(v -> lost.flush(io, loop));
        }
        return io.write(offset, src, false, loop);
    }

    /** A READ or WRITE: TRANSFER LENGTH whole blocks. */
    private abstract class Transfer extends DiskCommand {
        Transfer(CdbLayout layout, Cdb cdb, DataDirection direction) {
            super(layout, cdb, direction);
        }

        @Override
        public final int transferLength() {
            return (int) count() * blockSize;
        }
    }

    /**
     * A read: with FUA (SBC-4 §5.16) the data must come from the medium, so cached writes are
     * made durable first when the store has a volatile cache.
     *
     * <p>A read of at least {@link #SEND_FROM_VIEW} bytes goes to the fabric straight from the
     * store's view of its medium when both can ({@link StoreCalls#view}, {@link
     * ScsiTask#sendDataIn}): one copy of the data fewer. It completes once the data has left the
     * view, so no write that its completion lets start can change what is sent. Smaller reads are
     * copied: there a separate status PDU would cost more than the copy saves.
     */
    private final class Read extends Transfer {
        Read(CdbLayout layout, Cdb cdb) {
            super(layout, cdb, DataDirection.IN);
        }

        @Override
        CompletionStage<CommandResult> run(ScsiTask task) {
            int length = transferLength();
            long offset = lba() * blockSize;
            Executor loop = task.executor();
            if (fua() && disk.writeCache()) {
                return lost.flush(io, loop).thenCompose(v -> copy(task, offset, length, loop));
            }
            CompletionStage<CommandResult> sent = length >= SEND_FROM_VIEW ? fromView(task, offset, length) : null;
            return sent != null ? sent : copy(task, offset, length, loop);
        }

        private CompletionStage<CommandResult> copy(ScsiTask task, long offset, int length, Executor loop) {
            ByteBuffer dst = task.dataIn(length);
            return io.read(offset, dst, loop).thenApply(v -> CommandResult.good(length));
        }

        /** @return the read sent from the store's view, or null when the store or fabric can't */
        private CompletionStage<CommandResult> fromView(ScsiTask task, long offset, int length) {
            ByteBuffer view = io.view(offset, length);
            CompletionStage<Void> sent = view == null ? null : task.sendDataIn(view);
            return sent == null ? null : sent.thenApply(v -> CommandResult.good(length));
        }
    }

    /**
     * A write, durable with FUA, and always while the Caching mode page's WCE is 0
     * ({@link #write(DiskUnit, long, ByteBuffer, boolean, Executor)}). WRITE AND VERIFY is always
     * durable and, with BYTCHK 01b, reads the blocks back and compares them. The blocks are held in
     * the unit's {@link RangeGuard} from the write's start to its end (compare included).
     */
    private final class Write extends Transfer implements Supplier<CompletionStage<CommandResult>> {
        private final boolean andVerify;
        /** set by {@link #run} for {@link #get}: the command is its own work for the guard (no lambda) */
        private ByteBuffer src;
        private Executor loop;

        Write(CdbLayout layout, Cdb cdb, boolean andVerify) {
            super(layout, cdb, DataDirection.OUT);
            this.andVerify = andVerify;
        }

        @Override
        CompletionStage<CommandResult> run(ScsiTask task) {
            ByteBuffer data = task.dataOut();
            int length = transferLength();
            if (data.remaining() > length) {
                return CompletableFuture.failedFuture(new IllegalStateException(
                        "Data-Out holds " + data.remaining() + " bytes, the CDB " + length));
            }
            if (data.remaining() < length) {
                // The initiator's expected length was short (SAM-5 §5.4.2 overflow): store the whole
                // blocks it sent and nothing else; the fabric reports the overflow residual.
                int whole = data.remaining() - data.remaining() % blockSize;
                if (whole == 0) {
                    return CompletableFuture.completedFuture(CommandResult.good());
                }
                data = data.duplicate();
                data.limit(data.position() + whole);
            }
            src = data;
            loop = task.executor();
            return disk.guard().run(lba(), data.remaining() / blockSize, loop, this);
        }

        /** The write itself, run while the unit's {@link RangeGuard} holds its blocks. */
        @Override
        public CompletionStage<CommandResult> get() {
            long offset = lba() * blockSize;
            int length = src.remaining();
            boolean compare = andVerify && bytchk() == 0b01;
            ByteBuffer data = compare ? src.duplicate() : null;
            CompletionStage<Void> done = write(disk, offset, src, andVerify || fua(), loop);
            if (!compare) {
                return done.thenApply(v -> CommandResult.good());
            }
            return done.thenCompose(v -> Verify.compare(io, blockSize, offset, length, data, false, loop))
                    .thenApply(v -> CommandResult.good());
        }
    }
}
