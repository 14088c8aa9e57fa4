package org.jstgt.device.changer;

import java.util.concurrent.CompletableFuture;

import org.jstgt.api.scsi.Cdb;
import org.jstgt.api.scsi.CommandDescriptor;
import org.jstgt.api.scsi.ReservationClass;
import org.jstgt.api.scsi.ScsiException;
import org.jstgt.api.scsi.ScsiTask;
import org.jstgt.scsi.spc.CdbChecks;
import org.jstgt.scsi.spc.Commands;
import org.jstgt.scsi.spc.OpcodeTable;

/**
 * TEST UNIT READY (SPC-4 §6.47: the library is always ready; a drive that is not is reported per
 * element by READ ELEMENT STATUS) and PREVENT ALLOW MEDIUM REMOVAL (SMC-3 §6.8: prevents
 * cartridges from passing through the import/export elements), kept per I_T nexus.
 */
final class Readiness implements CommandFamily {
    private final Robot robot;

    Readiness(Robot robot) {
        this.robot = robot;
    }

    @Override
    public void register(OpcodeTable.Builder table) {
        table.command(0x00, "TEST UNIT READY", 6).reservation(ReservationClass.ALLOWED)
                .usage(0, 0, 0, 0, 0, 0)
                .handler(this::testUnitReady)
                .command(0x1E, "PREVENT ALLOW MEDIUM REMOVAL", 6)
                .reservation(ReservationClass.WRITE, Readiness::preventAllowClass)
                .usage(0, 0, 0, 0, 0x03, 0)
                .handler(this::preventAllow);
    }

    /** SPC-4 §5.13.1: PREVENT ALLOW MEDIUM REMOVAL with PREVENT 00b is allowed under every reservation. */
    static ReservationClass preventAllowClass(Cdb cdb) {
        return (cdb.u8(4) & 0x03) == 0 ? ReservationClass.ALLOWED : ReservationClass.WRITE;
    }

    /** TEST UNIT READY (SPC-4 §6.47): bytes 1-4 reserved (byte 1 bits 7-5, the obsolete LUN, ignored). */
    private CommandDescriptor testUnitReady(ScsiTask task) throws ScsiException {
        Cdb cdb = task.cdb();
        CdbChecks.requireZero(cdb, 1, 0x1F);
        CdbChecks.requireZeroBytes(cdb, 2, 4);
        return Commands.good();
    }

    /**
     * PREVENT ALLOW MEDIUM REMOVAL (SMC-3 §6.8): byte 1 bits 7-5 obsolete LUN (ignored),
     * 4-0 reserved; bytes 2-3 reserved; byte 4 PREVENT (1-0): 00b allow, 01b prevent; 10b and 11b
     * are obsolete for a changer and refused. The prevention is saved with the library's state,
     * so that a bundle update keeps it (a restart of the framework drops it).
     */
    private CommandDescriptor preventAllow(ScsiTask task) throws ScsiException {
        Cdb cdb = task.cdb();
        CdbChecks.requireZero(cdb, 1, 0x1F);
        CdbChecks.requireZeroBytes(cdb, 2, 3);
        CdbChecks.requireZero(cdb, 4, 0xFE);
        boolean prevent = cdb.bit(4, 0);
        return Commands.noData(t -> {
            if (!robot.prevention().prevent(Prevention.nexus(t.initiatorPortName(), t.targetPortName()), prevent)) {
                return CompletableFuture.completedFuture(null);
            }
            return Motion.onTask(t, robot.savePrevention());
        });
    }
}
