package org.jstgt.device.dvd;

import java.util.concurrent.CompletableFuture;

import org.jstgt.api.scsi.Cdb;
import org.jstgt.api.scsi.CommandDescriptor;
import org.jstgt.api.scsi.ReservationClass;
import org.jstgt.api.scsi.ScsiException;
import org.jstgt.api.scsi.ScsiTask;
import org.jstgt.scsi.spc.CdbChecks;
import org.jstgt.scsi.spc.Commands;
import org.jstgt.scsi.spc.OpcodeTable;

/** MECHANISM STATUS and SET CD SPEED (MMC-6). */
final class Mechanism implements CommandFamily {
    private final Tray tray;
    private final DvdModes modes;

    Mechanism(Tray tray, DvdModes modes) {
        this.tray = tray;
        this.modes = modes;
    }

    @Override
    public void register(OpcodeTable.Builder table) {
        table.command(0xBB, "SET CD SPEED", 12)
                .usage(0, 0x03, 0xFF, 0xFF, 0xFF, 0xFF, 0, 0, 0, 0, 0, 0)
                .handler(this::setCdSpeed)
                .command(0xBD, "MECHANISM STATUS", 12).in().reservation(ReservationClass.READ)
                .usage(0, 0, 0, 0, 0, 0, 0, 0, 0xFF, 0xFF, 0, 0)
                .handler(this::mechanismStatus);
    }

    /**
     * MECHANISM STATUS: bytes 1-7 reserved, bytes 8-9 ALLOCATION LENGTH, byte 10 reserved. Data: the
     * 8-byte header only (no changer, so no slot tables): byte 0 FAULT (7) 0, CHANGER STATE (6-5)
     * ready, CURRENT SLOT (4-0) 0; byte 1 MECHANISM STATE (7-5) idle, DOOR OPEN (4); bytes 2-4
     * CURRENT LBA (obsolete) 0; byte 5 NUMBER OF SLOTS AVAILABLE 0; bytes 6-7 LENGTH OF SLOT TABLES 0.
     */
    private CommandDescriptor mechanismStatus(ScsiTask task) throws ScsiException {
        Cdb cdb = task.cdb();
        CdbChecks.requireZeroBytes(cdb, 1, 7);
        CdbChecks.requireZeroBytes(cdb, 10, 10);
        return Commands.dataIn(cdb.u16(8), t -> {
            byte[] b = new byte[8];
            b[1] = (byte) (tray.isOpen() ? 0x10 : 0);
            return b;
        });
    }

    /**
     * SET CD SPEED: byte 1 ROTATIONAL CONTROL (1-0) 00b CLV or 01b pure CAV, bits 7-2 reserved;
     * bytes 2-3 LOGICAL UNIT READ SPEED (kB/s, FFFFh the fastest); bytes 4-5 LOGICAL UNIT WRITE
     * SPEED (ignored: nothing is written); bytes 6-10 reserved. The speed selected is the one asked
     * for, at most {@link DvdModes#MAX_READ_SPEED}; the Capabilities page reports it.
     */
    private CommandDescriptor setCdSpeed(ScsiTask task) throws ScsiException {
        Cdb cdb = task.cdb();
        CdbChecks.requireZero(cdb, 1, 0xFC);
        if ((cdb.u8(1) & 0x03) > 1) {
            throw ScsiException.invalidCdbField(1, 1);
        }
        CdbChecks.requireZeroBytes(cdb, 6, 10);
        int speed = cdb.u16(2);
        return Commands.noData(t -> {
            modes.readSpeed(speed == 0 ? DvdModes.MAX_READ_SPEED : Math.min(speed, DvdModes.MAX_READ_SPEED));
            return CompletableFuture.completedFuture(null);
        });
    }
}
