package org.jstgt.device.disk;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import org.jstgt.api.scsi.Cdb;
import org.jstgt.api.scsi.CommandDescriptor;
import org.jstgt.api.scsi.CommandResult;
import org.jstgt.api.scsi.DataDirection;
import org.jstgt.api.scsi.ReservationClass;
import org.jstgt.api.scsi.ScsiException;
import org.jstgt.api.scsi.ScsiTask;
import org.jstgt.scsi.spc.CdbChecks;
import org.jstgt.scsi.spc.CdbLayout;
import org.jstgt.scsi.spc.Commands;
import org.jstgt.scsi.spc.OpcodeTable;
import org.jstgt.scsi.spc.StoreCalls;

/**
 * The cache commands. PRE-FETCH(10)/(16) (SBC-4 §5.9, §5.10): byte 1 bits 7-2 reserved, IMMED
 * (1), bit 0 obsolete (ignored); LOGICAL BLOCK ADDRESS and PREFETCH LENGTH (0: to the last block)
 * at the positions of the size's {@link CdbLayout}, checked against the capacity. The unit keeps no
 * cache of its own to load (the store's page cache is its own business), so the blocks never fit
 * in it: SBC-4 then asks for GOOD, keeping CONDITION MET for blocks that were (or, with IMMED,
 * will be) all placed in the cache; libiscsi's PreFetch10/PreFetch16 tests expect GOOD too.
 *
 * <p>SYNCHRONIZE CACHE(10)/(16) (SBC-4 §5.29, §5.30): byte 1 bits 7-3 reserved, SYNC_NV (2) obsolete,
 * IMMED (1), bit 0 obsolete; LOGICAL BLOCK ADDRESS and NUMBER OF LOGICAL BLOCKS (0: to the end of
 * the medium) at the positions of the size's {@link CdbLayout}. The store flushes everything
 * written, which covers the range. IMMED returns GOOD once the CDB is valid and no earlier flush
 * failed; a failure of that flush is reported as a deferred error on the nexus's next command, and
 * every later flush fails ({@link LostWrites}).
 */
final class Cache implements CommandFamily {
    /** byte 1 bits looked at: IMMED */
    private static final int FLAGS = 0x02;
    private static final CompletionStage<CommandResult> GOOD = CompletableFuture.completedFuture(CommandResult.good());

    private final DiskUnit disk;
    private final StoreCalls io;
    private final LostWrites lost;

    Cache(DiskUnit disk) {
        this.disk = disk;
        this.io = disk.io();
        this.lost = disk.lostWrites();
    }

    @Override
    public void register(OpcodeTable.Builder table) {
        table.command(0x35, "SYNCHRONIZE CACHE(10)", 10).usage(CdbLayout.SBC_10.usage(FLAGS))
                .handler(t -> synchronizeCache(CdbLayout.SBC_10, t.cdb()));
        table.command(0x91, "SYNCHRONIZE CACHE(16)", 16).usage(CdbLayout.SBC_16.usage(FLAGS))
                .handler(t -> synchronizeCache(CdbLayout.SBC_16, t.cdb()));
        table.command(0x34, "PRE-FETCH(10)", 10).reservation(ReservationClass.READ)
                .usage(CdbLayout.SBC_10.usage(FLAGS))
                .handler(t -> preFetch(CdbLayout.SBC_10, t.cdb()));
        table.command(0x90, "PRE-FETCH(16)", 16).reservation(ReservationClass.READ)
                .usage(CdbLayout.SBC_16.usage(FLAGS))
                .handler(t -> preFetch(CdbLayout.SBC_16, t.cdb()));
    }

    private CommandDescriptor preFetch(CdbLayout layout, Cdb cdb) throws ScsiException {
        CdbChecks.requireZero(cdb, 1, 0xFC);
        CdbChecks.checkRange(layout.lba(cdb), layout.transferLength(cdb), disk.capacity());
        return Commands.good();
    }

    private CommandDescriptor synchronizeCache(CdbLayout layout, Cdb cdb) throws ScsiException {
        CdbChecks.requireZero(cdb, 1, 0xF8);
        Sync s = new Sync(layout, cdb);
        s.checkRange(disk.capacity());
        return s;
    }

    /** A parsed SYNCHRONIZE CACHE; {@link #lba()} and {@link #blocks()} are the range the CDB names. */
    private final class Sync extends DiskCommand {
        Sync(CdbLayout layout, Cdb cdb) {
            super(layout, cdb, DataDirection.NONE);
        }

        @Override
        public int transferLength() {
            return 0;
        }

        @Override
        CompletionStage<CommandResult> run(ScsiTask task) {
            if (!immed()) {
                return lost.flush(io, task.executor()).thenApply(v -> CommandResult.good());
            }
            CompletionStage<Void> refused = lost.refusal();
            if (refused != null) {
                return refused.thenApply(v -> CommandResult.good());
            }
            String nexus = LostWrites.nexus(task);
            lost.flush(io, task.executor()).whenComplete((v, err) -> {
                if (err != null) {
                    lost.defer(nexus, err);
                }
            });
            return GOOD;
        }
    }
}
