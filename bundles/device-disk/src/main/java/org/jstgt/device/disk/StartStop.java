package org.jstgt.device.disk;

import org.jstgt.api.scsi.Cdb;
import org.jstgt.api.scsi.CommandDescriptor;
import org.jstgt.api.scsi.ReservationClass;
import org.jstgt.api.scsi.ScsiException;
import org.jstgt.api.scsi.ScsiTask;
import org.jstgt.scsi.spc.CdbChecks;
import org.jstgt.scsi.spc.Commands;
import org.jstgt.scsi.spc.OpcodeTable;
import org.jstgt.scsi.spc.StoreCalls;

/**
 * Readiness and the medium: TEST UNIT READY, START STOP UNIT and PREVENT ALLOW MEDIUM REMOVAL. A
 * virtual disk is always ready, has no spindle to stop and nothing to remove.
 */
final class StartStop implements CommandFamily {
    private final StoreCalls io;
    private final LostWrites lost;

    StartStop(DiskUnit disk) {
        this.io = disk.io();
        this.lost = disk.lostWrites();
    }

    @Override
    public void register(OpcodeTable.Builder table) {
        table.command(0x00, "TEST UNIT READY", 6).reservation(ReservationClass.ALLOWED)
                .usage(0, 0, 0, 0, 0, 0)
                .handler(this::testUnitReady)
                .command(0x1B, "START STOP UNIT", 6).reservation(ReservationClass.WRITE, StartStop::startStopClass)
                .usage(0, 0x01, 0, 0x0F, 0xF7, 0)
                .handler(this::startStopUnit)
                .command(0x1E, "PREVENT ALLOW MEDIUM REMOVAL", 6)
                .reservation(ReservationClass.WRITE, StartStop::preventAllowClass)
                .usage(0, 0, 0, 0, 0x03, 0)
                .handler(this::preventAllow);
    }

    /**
     * SBC-3 §4.17: START STOP UNIT with START 1 and POWER CONDITION 0h (byte 4 bits 7-4) is allowed
     * under every reservation; any other stops or changes the power state.
     */
    static ReservationClass startStopClass(Cdb cdb) {
        return cdb.bit(4, 0) && (cdb.u8(4) >>> 4) == 0 ? ReservationClass.ALLOWED : ReservationClass.WRITE;
    }

    /**
     * SBC-3 §4.17: PREVENT ALLOW MEDIUM REMOVAL with PREVENT 00b (byte 4 bits 1-0) is allowed under
     * every reservation.
     */
    static ReservationClass preventAllowClass(Cdb cdb) {
        return (cdb.u8(4) & 0x03) == 0 ? ReservationClass.ALLOWED : ReservationClass.WRITE;
    }

    /** TEST UNIT READY (SPC-4 §6.47): bytes 1-4 reserved; the unit is always ready. */
    private CommandDescriptor testUnitReady(ScsiTask task) throws ScsiException {
        CdbChecks.requireZeroBytes(task.cdb(), 1, 4);
        return Commands.good();
    }

    /**
     * START STOP UNIT (SBC-4 §5.27): byte 1 IMMED (0); byte 3 POWER CONDITION MODIFIER (3-0);
     * byte 4 POWER CONDITION (7-4), NO_FLUSH (2), LOEJ (1), START (0). The medium is not
     * removable, so LOEJ is refused; a stop flushes the cache unless NO_FLUSH (failing, as every
     * flush, once one failed: {@link LostWrites}), and the unit stays ready (a virtual disk has no
     * spindle to stop).
     */
    private CommandDescriptor startStopUnit(ScsiTask task) throws ScsiException {
        Cdb cdb = task.cdb();
        CdbChecks.requireZero(cdb, 1, 0xFE);
        CdbChecks.requireZeroBytes(cdb, 2, 2);
        CdbChecks.requireZero(cdb, 3, 0xF0);
        CdbChecks.requireZero(cdb, 4, 0x08);
        int powerCondition = cdb.u8(4) >>> 4;
        switch (powerCondition) {
            // 0h START_VALID, 1h ACTIVE, 2h IDLE, 3h STANDBY, 7h LU_CONTROL, Ah FORCE_IDLE_0, Bh FORCE_STANDBY_0
            case 0x0, 0x1, 0x2, 0x3, 0x7, 0xA, 0xB -> {
            }
            default -> throw ScsiException.invalidCdbField(4, 7);
        }
        boolean start = cdb.bit(4, 0);
        boolean loej = cdb.bit(4, 1);
        boolean noFlush = cdb.bit(4, 2);
        if (powerCondition != 0) {
            // START and LOEJ are ignored with a power condition; there are no power states to enter
            return Commands.good();
        }
        if (loej) {
            throw ScsiException.invalidCdbField(4, 1);
        }
        if (!start && !noFlush) {
            return Commands.noData(t -> lost.flush(io, t.executor()));
        }
        return Commands.good();
    }

    /**
     * PREVENT ALLOW MEDIUM REMOVAL (SBC-4 §5.12): byte 4 PREVENT (1-0); 00b allow, 01b prevent.
     * Nothing can be removed from this unit, so both succeed.
     */
    private CommandDescriptor preventAllow(ScsiTask task) throws ScsiException {
        Cdb cdb = task.cdb();
        CdbChecks.requireZeroBytes(cdb, 1, 3);
        CdbChecks.requireZero(cdb, 4, 0xFE);
        return Commands.good();
    }
}
