package org.jstgt.device.dvd;

import org.jstgt.api.scsi.Cdb;
import org.jstgt.api.scsi.CommandDescriptor;
import org.jstgt.api.scsi.ReservationClass;
import org.jstgt.api.scsi.ScsiException;
import org.jstgt.api.scsi.ScsiTask;
import org.jstgt.scsi.spc.Bytes;
import org.jstgt.scsi.spc.CdbChecks;
import org.jstgt.scsi.spc.Commands;
import org.jstgt.scsi.spc.OpcodeTable;

/**
 * GET EVENT STATUS NOTIFICATION (MMC-6), polled only: classes operational change (1),
 * power management (2) and media (4). Media events come from the tray (new media, media removal,
 * an operator's eject request under persistent prevention); the other classes never have one
 * (the drive is always available and active). A media event is reported once, to whichever
 * initiator polls first. The class reported is the lowest requested one with an event, else the
 * lowest requested one (with "no change"). Runs while a unit attention is pending (MMC-6)
 * and does not clear it.
 */
final class EventStatus implements CommandFamily {
    static final int OPERATIONAL_CHANGE = 1;
    static final int POWER_MANAGEMENT = 2;
    static final int MEDIA = 4;
    /** SUPPORTED EVENT CLASSES: bit per class. */
    static final int SUPPORTED = (1 << OPERATIONAL_CHANGE) | (1 << POWER_MANAGEMENT) | (1 << MEDIA);

    private final Tray tray;

    EventStatus(Tray tray) {
        this.tray = tray;
    }

    @Override
    public void register(OpcodeTable.Builder table) {
        table.command(0x4A, "GET EVENT STATUS NOTIFICATION", 10).in().allowedWithUnitAttention()
                .reservation(ReservationClass.ALLOWED)
                .usage(0, 0x01, 0, 0, 0xFF, 0, 0, 0xFF, 0xFF, 0)
                .handler(this::parse);
    }

    /**
     * CDB: byte 1 POLLED (bit 0), bits 7-1 reserved; bytes 2-3 reserved; byte 4 NOTIFICATION CLASS
     * REQUEST; bytes 5-6 reserved; bytes 7-8 ALLOCATION LENGTH. POLLED 0 asks for asynchronous
     * operation, which the drive does not offer: INVALID FIELD IN CDB.
     */
    private CommandDescriptor parse(ScsiTask task) throws ScsiException {
        Cdb cdb = task.cdb();
        CdbChecks.requireZero(cdb, 1, 0xFE);
        if (!cdb.bit(1, 0)) {
            throw ScsiException.invalidCdbField(1, 0);
        }
        CdbChecks.requireZeroBytes(cdb, 2, 3);
        CdbChecks.requireZeroBytes(cdb, 5, 6);
        int request = cdb.u8(4);
        return Commands.dataIn(cdb.u16(7), t -> data(request));
    }

    /**
     * Event header: bytes 0-1 EVENT DESCRIPTOR LENGTH (the bytes after this field),
     * byte 2 NEA (7), NOTIFICATION CLASS (2-0), byte 3 SUPPORTED EVENT CLASSES; then 4 bytes of
     * event data, none with NEA.
     */
    byte[] data(int request) {
        int wanted = request & SUPPORTED;
        if (wanted == 0) {
            byte[] b = new byte[4];
            Bytes.putU16(b, 0, 2);
            b[2] = (byte) 0x80;
            b[3] = (byte) SUPPORTED;
            return b;
        }
        int mediaEvent = (wanted & (1 << MEDIA)) != 0 ? tray.takeMediaEvent() : Tray.NO_CHANGE;
        int cls = mediaEvent != Tray.NO_CHANGE ? MEDIA : Integer.numberOfTrailingZeros(wanted);
        byte[] b = new byte[8];
        Bytes.putU16(b, 0, 6);
        b[2] = (byte) cls;
        b[3] = (byte) SUPPORTED;
        switch (cls) {
            case OPERATIONAL_CHANGE -> {
                // byte 4 OPERATIONAL EVENT 0h (no change); byte 5 PERSISTENT PREVENTED (7),
                // OPERATIONAL STATUS (3-0) 0h available; bytes 6-7 OPERATIONAL REPORT
                b[5] = (byte) (tray.persistentlyPrevented() ? 0x80 : 0);
            }
            case POWER_MANAGEMENT -> {
                // byte 4 POWER EVENT 0h (no change); byte 5 POWER STATUS 1h (active)
                b[5] = 0x01;
            }
            default -> {
                // byte 4 MEDIA EVENT CODE (3-0); byte 5 MEDIA PRESENT (1), DOOR OR TRAY OPEN (0);
                // bytes 6-7 START SLOT, END SLOT 0 (no changer)
                b[4] = (byte) mediaEvent;
                b[5] = (byte) ((tray.peek() != null ? 0x02 : 0) | (tray.isOpen() ? 0x01 : 0));
            }
        }
        return b;
    }
}
