package org.jstgt.device.dvd;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

import org.jstgt.api.scsi.Cdb;
import org.jstgt.api.scsi.CommandDescriptor;
import org.jstgt.api.scsi.ReservationClass;
import org.jstgt.api.scsi.ScsiException;
import org.jstgt.api.scsi.ScsiTask;
import org.jstgt.scsi.spc.CdbChecks;
import org.jstgt.scsi.spc.Commands;
import org.jstgt.scsi.spc.OpcodeTable;

/**
 * The tray and readiness: TEST UNIT READY, START STOP UNIT (load and eject) and PREVENT ALLOW
 * MEDIUM REMOVAL.
 */
final class Readiness implements CommandFamily {
    private static final CompletionStage<Void> DONE = CompletableFuture.completedFuture(null);

    private final Tray tray;

    Readiness(Tray tray) {
        this.tray = tray;
    }

    @Override
    public void register(OpcodeTable.Builder table) {
        table.command(0x00, "TEST UNIT READY", 6).reservation(ReservationClass.ALLOWED)
                .usage(0, 0, 0, 0, 0, 0)
                .handler(this::testUnitReady)
                .command(0x1B, "START STOP UNIT", 6).reservation(ReservationClass.WRITE, Readiness::startStopClass)
                .usage(0, 0x01, 0, 0, 0xF7, 0)
                .handler(this::startStopUnit)
                .command(0x1E, "PREVENT ALLOW MEDIUM REMOVAL", 6)
                .reservation(ReservationClass.WRITE, Readiness::preventAllowClass)
                .usage(0, 0, 0, 0, 0x03, 0)
                .handler(this::preventAllow);
    }

    /**
     * SPC-4 §5.13.1: START STOP UNIT with START 1, LOEJ 0 and POWER CONDITION 0h is allowed under
     * every reservation.
     */
    static ReservationClass startStopClass(Cdb cdb) {
        return (cdb.u8(4) & 0xF3) == 0x01 ? ReservationClass.ALLOWED : ReservationClass.WRITE;
    }

    /** SPC-4 §5.13.1: PREVENT ALLOW MEDIUM REMOVAL with PREVENT 00b is allowed under every reservation. */
    static ReservationClass preventAllowClass(Cdb cdb) {
        return (cdb.u8(4) & 0x03) == 0 ? ReservationClass.ALLOWED : ReservationClass.WRITE;
    }

    /**
     * TEST UNIT READY (SPC-4 §6.47, MMC-6): bytes 1-4 reserved. Without a disc NOT READY,
     * MEDIUM NOT PRESENT - TRAY OPEN (3Ah/02h) or - TRAY CLOSED (3Ah/01h), or LOGICAL UNIT IS IN
     * PROCESS OF BECOMING READY (04h/01h) while an image opens.
     */
    private CommandDescriptor testUnitReady(ScsiTask task) throws ScsiException {
        CdbChecks.requireZeroBytes(task.cdb(), 1, 4);
        return Commands.noData(t -> readyOrNot(t, System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(LOAD_WAIT_MILLIS)));
    }

    /**
     * Ready, or NOT READY with the tray's reason. While an image is being opened (a START STOP UNIT
     * with IMMED returned before its load finished; opening takes milliseconds) the answer waits
     * for it, bounded by {@link #LOAD_WAIT_MILLIS}, and only then says BECOMING READY: an initiator
     * that loads and then tests, as libiscsi's StartStopUnit tests and Linux do, sees the disc.
     */
    private static final long LOAD_WAIT_MILLIS = 2_000;
    private static final long LOAD_POLL_MILLIS = 10;

    private CompletionStage<Void> readyOrNot(ScsiTask t, long deadline) throws ScsiException {
        if (tray.peek() != null) {
            return DONE;
        }
        if (!tray.isLoading() || System.nanoTime() - deadline >= 0) {
            throw new ScsiException(tray.notReady());
        }
        CompletableFuture<Void> later = new CompletableFuture<>();
        CompletableFuture.delayedExecutor(LOAD_POLL_MILLIS, TimeUnit.MILLISECONDS, t.executor()).execute(() -> {
            try {
                readyOrNot(t, deadline).whenComplete((v, e) -> {
                    if (e != null) {
                        later.completeExceptionally(e);
                    } else {
                        later.complete(null);
                    }
                });
            } catch (ScsiException e) {
                later.completeExceptionally(e);
            }
        });
        return later;
    }

    /**
     * START STOP UNIT (MMC-6): byte 1 IMMED (bit 0); byte 3 FORMAT-LAYER NUMBER (1-0); byte
     * 4 POWER CONDITION (7-4), FL (2), LOEJ (1), START (0). A power condition other than 0h makes
     * the drive ignore LOEJ and START (a virtual drive has no power states to enter). LOEJ 1 with
     * START 0 ejects (ILLEGAL REQUEST, MEDIUM REMOVAL PREVENTED while an I_T nexus prevents it), with
     * START 1 closes the tray and loads the disc an eject left there; with IMMED the load finishes
     * after GOOD. LOEJ 0 spins the disc up or down: nothing to do. FL (format layer) is accepted
     * and ignored: a read-only disc has no layer to close, and initiators written for disks set the
     * bit SBC calls NO_FLUSH. The initiator that closes the tray gets no unit attention for its own
     * load; the other nexuses get NOT READY TO READY CHANGE.
     */
    private CommandDescriptor startStopUnit(ScsiTask task) throws ScsiException {
        Cdb cdb = task.cdb();
        CdbChecks.requireZero(cdb, 1, 0xFE);
        CdbChecks.requireZeroBytes(cdb, 2, 3);
        CdbChecks.requireZero(cdb, 4, 0x08);
        int powerCondition = cdb.u8(4) >>> 4;
        switch (powerCondition) {
            // 0h START_VALID, 1h ACTIVE, 2h IDLE, 3h STANDBY, 5h SLEEP, 7h LU_CONTROL, Ah/Bh FORCE_IDLE/STANDBY_0
            case 0x0, 0x1, 0x2, 0x3, 0x5, 0x7, 0xA, 0xB -> {
            }
            default -> throw ScsiException.invalidCdbField(4, 7);
        }
        boolean immed = cdb.bit(1, 0);
        boolean loej = cdb.bit(4, 1);
        boolean start = cdb.bit(4, 0);
        if (powerCondition != 0 || !loej) {
            return Commands.good();
        }
        if (!start) {
            return Commands.noData(t -> {
                tray.hostEject();
                return DONE;
            });
        }
        return Commands.noData(t -> {
            CompletionStage<Void> load = tray.hostLoad(t.initiatorPortName(), t.targetPortName());
            return immed ? DONE : load;
        });
    }

    /**
     * PREVENT ALLOW MEDIUM REMOVAL (MMC-6): bytes 1-3 reserved; byte 4 PERSISTENT (bit 1),
     * PREVENT (bit 0), held per I_T nexus ({@link Tray#prevent}).
     */
    private CommandDescriptor preventAllow(ScsiTask task) throws ScsiException {
        Cdb cdb = task.cdb();
        CdbChecks.requireZeroBytes(cdb, 1, 3);
        CdbChecks.requireZero(cdb, 4, 0xFC);
        int field = cdb.u8(4) & 0x03;
        return Commands.noData(t -> {
            tray.prevent(DvdUnit.nexus(t.initiatorPortName(), t.targetPortName()), field);
            return DONE;
        });
    }
}
