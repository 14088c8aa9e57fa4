package org.jstgt.device.tape;

import java.io.IOException;

import org.jstgt.api.scsi.Cdb;
import org.jstgt.api.scsi.CommandDescriptor;
import org.jstgt.api.scsi.CommandResult;
import org.jstgt.api.scsi.DataDirection;
import org.jstgt.api.scsi.ReservationClass;
import org.jstgt.api.scsi.ScsiException;
import org.jstgt.api.scsi.ScsiTask;
import org.jstgt.api.scsi.SenseReason;
import org.jstgt.device.tape.image.TapeImage;
import org.jstgt.scsi.spc.CdbChecks;
import org.jstgt.scsi.spc.OpcodeTable;

/**
 * The cartridge and the mechanism: TEST UNIT READY (SPC-4 §6.47), LOAD UNLOAD (SSC-3), PREVENT
 * ALLOW MEDIUM REMOVAL (SPC-4 §6.13, SSC-3: per I_T nexus) and ERASE(6) (SSC-3).
 */
final class MediumControl implements CommandFamily {
    static final int TEST_UNIT_READY = 0x00;
    static final int ERASE_6 = 0x19;
    static final int LOAD_UNLOAD = 0x1B;
    static final int PREVENT_ALLOW = 0x1E;

    private final TapeUnit unit;

    MediumControl(TapeUnit unit) {
        this.unit = unit;
    }

    @Override
    public void register(OpcodeTable.Builder table) {
        table.command(TEST_UNIT_READY, "TEST UNIT READY", 6).reservation(ReservationClass.ALLOWED)
                .usage(0, 0, 0, 0, 0, 0)
                .handler(this::testUnitReady)
                .command(ERASE_6, "ERASE(6)", 6)
                .usage(0, 0x03, 0, 0, 0, 0)
                .handler(this::erase)
                .command(LOAD_UNLOAD, "LOAD UNLOAD", 6)
                .usage(0, 0x01, 0, 0, 0x0F, 0)
                .handler(this::loadUnload)
                .command(PREVENT_ALLOW, "PREVENT ALLOW MEDIUM REMOVAL", 6)
                .reservation(ReservationClass.WRITE, MediumControl::preventAllowClass)
                .usage(0, 0, 0, 0, 0x03, 0)
                .handler(this::preventAllow);
    }

    /** SPC-4 §5.13.1: PREVENT ALLOW MEDIUM REMOVAL with PREVENT 00b is allowed under every reservation. */
    static ReservationClass preventAllowClass(Cdb cdb) {
        return (cdb.u8(4) & 0x03) == 0 ? ReservationClass.ALLOWED : ReservationClass.WRITE;
    }

    /**
     * TEST UNIT READY: bytes 1-4 reserved. GOOD with a loaded cartridge; NOT READY, MEDIUM NOT
     * PRESENT (3Ah/00h) without one; NOT READY, INITIALIZING COMMAND REQUIRED (04h/02h) with an
     * unloaded one.
     */
    private CommandDescriptor testUnitReady(ScsiTask task) throws ScsiException {
        CdbChecks.requireZeroBytes(task.cdb(), 1, 4);
        return unit.command(DataDirection.NONE, 0, (t, d) -> {
            d.ready();
            return CommandResult.good();
        });
    }

    /**
     * ERASE(6): byte 1 IMMED (1), LONG (0); bytes 2-4 reserved. Both forms make the position the
     * end of data (everything after it is gone); a write-protected cartridge refuses (DATA PROTECT,
     * WRITE PROTECTED), a WORM one unless nothing follows the position.
     */
    private CommandDescriptor erase(ScsiTask task) throws ScsiException {
        Cdb cdb = task.cdb();
        CdbChecks.requireZero(cdb, 1, 0xFC);
        CdbChecks.requireZeroBytes(cdb, 2, 4);
        return unit.command(DataDirection.NONE, 0, (t, d) -> {
            TapeImage image = d.ready();
            Transfers.prepareWrite(d, image);
            d.syncOrFail();
            return CommandResult.good();
        });
    }

    /**
     * LOAD UNLOAD: byte 1 IMMED (0); byte 4 HOLD (3), EOT (2), RETEN (1), LOAD (0). LOAD threads
     * the cartridge in the drive and positions it at beginning of partition (NOT READY, MEDIUM NOT
     * PRESENT without one); LOAD 0 makes written data durable, rewinds and unloads: the cartridge
     * stays in the drive, not ready until a LOAD or until the shell or a changer takes it out.
     * Unloading is refused while an I_T nexus prevents medium removal (ILLEGAL REQUEST, MEDIUM
     * REMOVAL PREVENTED), unless HOLD keeps the cartridge where it is. RETEN and EOT move the tape
     * of a real drive and change nothing here; EOT with LOAD is an INVALID FIELD IN CDB.
     */
    private CommandDescriptor loadUnload(ScsiTask task) throws ScsiException {
        Cdb cdb = task.cdb();
        CdbChecks.requireZero(cdb, 1, 0xFE);
        CdbChecks.requireZeroBytes(cdb, 2, 3);
        CdbChecks.requireZero(cdb, 4, 0xF0);
        boolean hold = cdb.bit(4, 3);
        boolean load = cdb.bit(4, 0);
        if (load && cdb.bit(4, 2)) {
            throw ScsiException.invalidCdbField(4, 2);
        }
        return unit.command(DataDirection.NONE, 0, (t, d) -> {
            switch (d.state()) {
                case EMPTY -> throw new ScsiException(SenseReason.MEDIUM_NOT_PRESENT);
                case EJECTED -> {
                    if (load) {
                        try {
                            d.load(d.path());
                        } catch (IOException e) {
                            throw new ScsiException(SenseReason.LOGICAL_UNIT_NOT_READY_CAUSE_NOT_REPORTABLE,
                                    d.path() + ": " + e);
                        }
                        unit.loadedByInitiator(t);
                    }
                    return CommandResult.good();
                }
                default -> {
                    if (load) {
                        d.syncOrFail();
                        d.position(0);
                        return CommandResult.good();
                    }
                    if (!hold && unit.removalPrevented()) {
                        throw new ScsiException(SenseReason.MEDIUM_REMOVAL_PREVENTED);
                    }
                    d.syncOrFail();
                    try {
                        d.unload();
                    } catch (IOException e) {
                        throw new ScsiException(SenseReason.WRITE_ERROR, "unload: " + e);
                    } finally {
                        unit.saveState();
                    }
                    return CommandResult.good();
                }
            }
        });
    }

    /**
     * PREVENT ALLOW MEDIUM REMOVAL: byte 4 PREVENT (1-0), 00b allow, 01b prevent (10b and 11b are
     * for changers). Kept per I_T nexus; removal stays prevented while any nexus prevents it.
     */
    private CommandDescriptor preventAllow(ScsiTask task) throws ScsiException {
        Cdb cdb = task.cdb();
        CdbChecks.requireZeroBytes(cdb, 1, 3);
        CdbChecks.requireZero(cdb, 4, 0xFE);
        boolean prevent = cdb.bit(4, 0);
        return unit.command(DataDirection.NONE, 0, (t, d) -> {
            unit.prevent(TapeUnit.nexus(t), prevent);
            return CommandResult.good();
        });
    }
}
