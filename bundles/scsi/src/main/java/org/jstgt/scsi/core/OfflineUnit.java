package org.jstgt.scsi.core;

import org.jstgt.api.scsi.CommandDescriptor;
import org.jstgt.api.scsi.ScsiException;
import org.jstgt.api.scsi.ScsiTask;
import org.jstgt.api.scsi.SenseReason;
import org.jstgt.api.target.PreparedCommand;
import org.jstgt.scsi.config.LunConfig;
import org.jstgt.scsi.sense.SenseFormat;
import org.jstgt.scsi.sense.SenseRenderer;
import org.jstgt.scsi.spc.Inquiry;

/**
 * What the core answers for a LUN taken offline ({@code offline = true}) while it has no unit:
 * INQUIRY from the LUN's definition (standard data and the VPD pages every unit has: 00h, 80h,
 * 83h, 86h), with the peripheral device type and RMB of the unit it had, so that an initiator that
 * rescans keeps the same device; everything else gets NOT READY, LOGICAL UNIT NOT READY, MANUAL
 * INTERVENTION REQUIRED (04h/03h, SPC-4 table 63 / SBC-4 §4.8) until the LUN is back online.
 */
final class OfflineUnit {
    /** PERIPHERAL DEVICE TYPE 1Fh: unknown or no device type (SPC-4 table 140). */
    static final int UNKNOWN_TYPE = 0x1F;

    private final Inquiry inquiry;
    private final int peripheralType;
    private final boolean removable;
    private final long capacity;

    private OfflineUnit(LunConfig config, int peripheralType, boolean removable, long capacity) {
        this.peripheralType = peripheralType;
        this.removable = removable;
        this.capacity = capacity;
        this.inquiry = Inquiry.builder(config.lunSpec(), peripheralType).removable(removable).build();
    }

    /**
     * @param config the LUN's offline definition
     * @param last the unit it is leaving, or null
     * @param previous what it answered while already offline, or null
     * @return the answers for the LUN offline
     */
    static OfflineUnit of(LunConfig config, UnitHandle last, OfflineUnit previous) {
        if (last != null) {
            int type;
            boolean rmb;
            try {
                type = last.unit.peripheralDeviceType();
                rmb = last.unit.removableMedium().isPresent();
            } catch (RuntimeException e) {
                type = peripheralType(config.deviceType());
                rmb = false;
            }
            return new OfflineUnit(config, type, rmb, last.capacity());
        }
        if (previous != null) {
            return new OfflineUnit(config, previous.peripheralType, previous.removable, previous.capacity);
        }
        return new OfflineUnit(config, peripheralType(config.deviceType()), false, -1);
    }

    /**
     * The peripheral device type of a LUN never active since it started: the standard device types
     * by name (SPC-4 table 140), else {@value #UNKNOWN_TYPE}.
     */
    static int peripheralType(String deviceType) {
        return switch (deviceType) {
            case "disk" -> 0x00;
            case "tape" -> 0x01;
            case "dvd" -> 0x05;
            case "changer" -> 0x08;
            default -> UNKNOWN_TYPE;
        };
    }

    /** @return the capacity of the unit it had, -1 when unknown */
    long capacity() {
        return capacity;
    }

    /** @return PERIPHERAL DEVICE TYPE it reports */
    int peripheralType() {
        return peripheralType;
    }

    /**
     * @param task an INQUIRY
     * @param format the LUN's sense format
     * @return its answer: the data, or CHECK CONDITION for a bad CDB field or a page not offered
     */
    PreparedCommand inquiry(ScsiTask task, SenseFormat format) {
        CommandDescriptor d;
        try {
            d = inquiry.parse(task);
        } catch (ScsiException e) {
            return new Prepared.Immediate(SenseRenderer.checkCondition(e, format));
        }
        boolean evpd = task.cdb().bit(1, 0);
        int page = task.cdb().u8(2);
        return new Prepared.Core(task, d.transferLength(),
                () -> evpd ? inquiry.vpd(page, task) : inquiry.standard(task), format);
    }

    /** @return what any other command gets */
    static PreparedCommand notReady(SenseFormat format) {
        return new Prepared.Immediate(SenseRenderer.checkCondition(
                SenseReason.LOGICAL_UNIT_NOT_READY_MANUAL_INTERVENTION_REQUIRED, format));
    }
}
