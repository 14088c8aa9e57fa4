package org.jstgt.device.dvd;

import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import org.jstgt.api.scsi.Cdb;
import org.jstgt.api.scsi.CommandDescriptor;
import org.jstgt.api.scsi.CommandResult;
import org.jstgt.api.scsi.DataDirection;
import org.jstgt.api.scsi.ReservationClass;
import org.jstgt.api.scsi.ScsiException;
import org.jstgt.api.scsi.ScsiTask;
import org.jstgt.scsi.spc.BlockCommand;
import org.jstgt.scsi.spc.Bytes;
import org.jstgt.scsi.spc.CdbChecks;
import org.jstgt.scsi.spc.CdbLayout;
import org.jstgt.scsi.spc.Commands;
import org.jstgt.scsi.spc.OpcodeTable;

/**
 * The disc's blocks: READ CAPACITY(10), READ(10), READ(12) and SEEK(10) (MMC-6; the Random
 * Readable feature). Each holds a reference on the disc from execution to
 * completion, so an eject in between waits for the read to end before the image closes. The LBA
 * range is checked when the command parses (against the disc then loaded) and again when it runs
 * (against the disc it reads). Writes are not in the table: a CD/DVD-ROM drive has no write
 * command (INVALID COMMAND OPERATION CODE).
 */
final class Reads implements CommandFamily {
    /** The most blocks one READ transfers (64 MiB): each command's data is held in memory whole. */
    static final int MAX_BLOCKS = 32_768;

    private final Tray tray;

    Reads(Tray tray) {
        this.tray = tray;
    }

    @Override
    public void register(OpcodeTable.Builder table) {
        table.command(0x25, "READ CAPACITY(10)", 10).in().reservation(ReservationClass.READ)
                .usage(0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
                .handler(this::readCapacity)
                .command(0x28, "READ(10)", 10).in().reservation(ReservationClass.READ)
                .usage(CdbLayout.SBC_10.usage(0x18))
                .handler(t -> read(t, CdbLayout.SBC_10))
                .command(0x2B, "SEEK(10)", 10).reservation(ReservationClass.READ)
                .usage(0, 0, 0xFF, 0xFF, 0xFF, 0xFF, 0, 0, 0, 0)
                .handler(this::seek)
                .command(0xA8, "READ(12)", 12).in().reservation(ReservationClass.READ)
                .usage(usage12())
                .handler(t -> read(t, CdbLayout.SBC_12));
    }

    private static int[] usage12() {
        int[] u = CdbLayout.SBC_12.usage(0x18);
        u[10] = 0x80;
        return u;
    }

    /**
     * READ CAPACITY (MMC-6): bytes 1-8 reserved. Data: bytes 0-3 LOGICAL BLOCK ADDRESS of
     * the last block, bytes 4-7 BLOCK LENGTH IN BYTES (2048).
     */
    private CommandDescriptor readCapacity(ScsiTask task) throws ScsiException {
        CdbChecks.requireZeroBytes(task.cdb(), 1, 8);
        return Commands.dataIn(8, t -> {
            Disc d = tray.acquire();
            try {
                byte[] b = new byte[8];
                Bytes.putU32(b, 0, Math.min(d.lastLba(), 0xFFFF_FFFFL));
                Bytes.putU32(b, 4, Disc.BLOCK);
                return b;
            } finally {
                d.release();
            }
        });
    }

    /**
     * READ(10) (MMC-6): byte 1 DPO (4) and FUA (3), taken and without effect (the image is
     * read-only, there is no cache to bypass), bits 7-5 and 2-0 reserved; bytes 2-5 LOGICAL BLOCK
     * ADDRESS; byte 6 reserved; bytes 7-8 TRANSFER LENGTH. READ(12): bytes 6-9 TRANSFER
     * LENGTH, byte 10 STREAMING (7), its other bits reserved.
     */
    private CommandDescriptor read(ScsiTask task, CdbLayout layout) throws ScsiException {
        Cdb cdb = task.cdb();
        CdbChecks.requireZero(cdb, 1, 0xE7);
        if (layout == CdbLayout.SBC_10) {
            CdbChecks.requireZeroBytes(cdb, 6, 6);
        } else {
            CdbChecks.requireZero(cdb, 10, 0x7F);
        }
        Read r = new Read(layout, cdb);
        r.checkTransferLength(MAX_BLOCKS);
        Disc d = tray.peek();
        if (d == null) {
            throw new ScsiException(tray.notReady());
        }
        r.checkRange(d.blocks());
        return r;
    }

    /** SEEK(10) (MMC-6): bytes 2-5 LOGICAL BLOCK ADDRESS; bytes 1 and 6-8 reserved. */
    private CommandDescriptor seek(ScsiTask task) throws ScsiException {
        Cdb cdb = task.cdb();
        CdbChecks.requireZeroBytes(cdb, 1, 1);
        CdbChecks.requireZeroBytes(cdb, 6, 8);
        long lba = cdb.u32(2);
        return Commands.noData(t -> {
            Disc d = tray.acquire();
            try {
                if (lba >= d.blocks()) {
                    throw new ScsiException(org.jstgt.api.scsi.SenseReason.LBA_OUT_OF_RANGE).withInformation(lba);
                }
            } finally {
                d.release();
            }
            return CompletableFuture.completedFuture(null);
        });
    }

    /** A parsed READ(10) or READ(12). */
    private final class Read extends BlockCommand {
        Read(CdbLayout layout, Cdb cdb) {
            super(layout, cdb);
        }

        @Override
        public DataDirection direction() {
            return count() == 0 ? DataDirection.NONE : DataDirection.IN;
        }

        @Override
        public int transferLength() {
            return (int) count() * Disc.BLOCK;
        }

        @Override
        public CompletionStage<CommandResult> execute(ScsiTask task) {
            Disc d;
            try {
                d = tray.acquire();
            } catch (ScsiException e) {
                return CompletableFuture.failedFuture(e);
            }
            try {
                checkRange(d.blocks());
                if (count() == 0) {
                    d.release();
                    return CompletableFuture.completedFuture(CommandResult.good());
                }
                int length = transferLength();
                ByteBuffer dst = task.dataIn(length);
                return d.io().read(lba() * Disc.BLOCK, dst, task.executor())
                        .thenApply(v -> CommandResult.good(length))
                        .whenComplete((v, e) -> d.release());
            } catch (ScsiException | RuntimeException e) {
                d.release();
                return CompletableFuture.failedFuture(e);
            }
        }
    }
}
