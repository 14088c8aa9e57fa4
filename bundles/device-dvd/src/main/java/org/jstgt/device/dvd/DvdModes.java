package org.jstgt.device.dvd;

import java.util.concurrent.CompletableFuture;

import org.jstgt.api.scsi.ReservationClass;
import org.jstgt.scsi.spc.Bytes;
import org.jstgt.scsi.spc.ModePage;
import org.jstgt.scsi.spc.ModePages;
import org.jstgt.scsi.spc.ModeSelect;
import org.jstgt.scsi.spc.ModeSense;
import org.jstgt.scsi.spc.OpcodeTable;

/**
 * The drive's mode pages (MMC-6; SPC-4 §7.5), none changeable or saveable: Read/Write Error
 * Recovery (01h), Control (0Ah, SPC-4 §7.5.8: D_SENSE is the LUN's sense format), Power Condition (1Ah) and CD/DVD Capabilities and Mechanical Status (2Ah, the
 * MMC-3 page Linux's sr and Windows still read). No block descriptors. MODE SENSE(6) and (10)
 * show them; MODE SELECT(6) and (10) accept a list that changes nothing (SPC-4 §6.9: a change of a
 * bit that is not changeable is INVALID FIELD IN PARAMETER LIST).
 */
final class DvdModes implements CommandFamily {
    static final int READ_WRITE_ERROR_RECOVERY = 0x01;
    static final int POWER_CONDITION = 0x1A;
    static final int CAPABILITIES = 0x2A;
    /** The read speed reported and the most SET CD SPEED selects, kB/s (48x CD-ROM, about 6x DVD). */
    static final int MAX_READ_SPEED = 48 * 176;

    private final Tray tray;
    private final ModeSense sense;
    private final ModeSelect select;
    private volatile int readSpeed = MAX_READ_SPEED;

    /**
     * @param tray the tray
     * @param descriptorSense D_SENSE of the Control page: the LUN's {@code sense.format}
     */
    DvdModes(Tray tray, boolean descriptorSense) {
        this.tray = tray;
        // MMC-6: 10 parameter bytes, all 0: no retries or time limit to state
        byte[] recovery = new byte[10];
        // Power Condition page, MMC-6 layout: byte 3 IDLE, STANDBY 0; timers 0: no power states entered
        byte[] power = new byte[10];
        this.sense = ModeSense.builder()
                .page(ModePage.fixed(READ_WRITE_ERROR_RECOVERY, recovery::clone))
                .page(ModePages.control(descriptorSense))
                .page(ModePage.fixed(POWER_CONDITION, power::clone))
                .page(ModePage.fixed(CAPABILITIES, this::capabilities))
                .build();
        this.select = new ModeSelect(sense, (task, pages, save) -> CompletableFuture.completedFuture(null));
    }

    @Override
    public void register(OpcodeTable.Builder table) {
        table.command(0x15, "MODE SELECT(6)", 6).out()
                .usage(0, 0x11, 0, 0, 0xFF, 0)
                .handler(select::parse6)
                .command(0x1A, "MODE SENSE(6)", 6).in().reservation(ReservationClass.READ)
                .usage(0, 0x08, 0xFF, 0xFF, 0xFF, 0)
                .handler(sense::parse6)
                .command(0x55, "MODE SELECT(10)", 10).out()
                .usage(0, 0x11, 0, 0, 0, 0, 0, 0xFF, 0xFF, 0)
                .handler(select::parse10)
                .command(0x5A, "MODE SENSE(10)", 10).in().reservation(ReservationClass.READ)
                .usage(0, 0x18, 0xFF, 0xFF, 0, 0, 0, 0xFF, 0xFF, 0)
                .handler(sense::parse10);
    }

    /** @param kbps the read speed SET CD SPEED selected, kB/s */
    void readSpeed(int kbps) {
        readSpeed = kbps;
    }

    /** @return the current read speed, kB/s */
    int readSpeed() {
        return readSpeed;
    }

    /**
     * CD/DVD Capabilities and Mechanical Status page (MMC-3), 30 parameter bytes (page
     * bytes 2-31, no write speed descriptors): byte 2 DVD-ROM READ (3); byte 3 no write
     * capability; byte 4 no audio, no Mode 2, no multi-session; byte 5 no CD-DA commands; byte 6
     * LOADING MECHANISM TYPE (7-5) 001b tray, EJECT (3), PREVENT JUMPER (2) 0, LOCK STATE (1) while
     * an I_T nexus prevents removal, LOCK (0); bytes 8-9 MAXIMUM READ SPEED and 14-15 CURRENT READ
     * SPEED (kB/s, obsolete but read by Linux); bytes 10-11 volume levels, 12-13 buffer size 0;
     * write speeds 0; bytes 30-31 NUMBER OF WRITE SPEED PERFORMANCE DESCRIPTORS 0.
     */
    private byte[] capabilities() {
        byte[] p = new byte[30];
        p[0] = 0x08;
        p[4] = (byte) (0x20 | 0x08 | (tray.locked() ? 0x02 : 0) | 0x01);
        Bytes.putU16(p, 6, MAX_READ_SPEED);
        Bytes.putU16(p, 12, readSpeed);
        return p;
    }
}
