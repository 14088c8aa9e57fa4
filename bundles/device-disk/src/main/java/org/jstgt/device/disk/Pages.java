package org.jstgt.device.disk;

import org.jstgt.api.scsi.ReservationClass;
import org.jstgt.scsi.spc.Inquiry;
import org.jstgt.scsi.spc.ModeSelect;
import org.jstgt.scsi.spc.ModeSense;
import org.jstgt.scsi.spc.OpcodeTable;

/**
 * What the unit says about itself: INQUIRY (standard data claiming SBC-3, and the VPD pages of
 * {@link Capacity}), MODE SENSE(6)/(10) and MODE SELECT(6)/(10) over the mode pages of
 * {@link DiskModes}.
 */
final class Pages implements CommandFamily {
    private final Inquiry inquiry;
    private final ModeSense modeSense;
    private final ModeSelect modeSelect;

    /**
     * @param disk the unit
     * @param capacity the family whose VPD pages INQUIRY lists
     * @param modes the unit's mode parameters
     */
    Pages(DiskUnit disk, Capacity capacity, DiskModes modes) {
        Inquiry.Builder inq = Inquiry.builder(disk.spec(), 0).thirdPartyCopy(true)
                .versionDescriptors(Inquiry.VERSION_SAM5, Inquiry.VERSION_ISCSI, Inquiry.VERSION_SPC4,
                        Inquiry.VERSION_SBC3)
                // the core's task set for concurrent units honours ORDERED and HEAD OF QUEUE
                .taskAttributes(true, true)
                .volatileCache(disk.writeCache());
        capacity.pages(inq);
        this.inquiry = inq.build();
        this.modeSense = modes.modeSense();
        this.modeSelect = modes.modeSelect();
    }

    @Override
    public void register(OpcodeTable.Builder table) {
        int full = 0xFF;
        table.command(Inquiry.OPCODE, "INQUIRY", 6).in().allowedWithUnitAttention()
                .reservation(ReservationClass.ALLOWED)
                .usage(0, 0x01, full, full, full, 0)
                .handler(inquiry::parse)
                .command(ModeSense.OPCODE_6, "MODE SENSE(6)", 6).in().reservation(ReservationClass.READ)
                .usage(0, 0x08, full, full, full, 0)
                .handler(modeSense::parse6)
                .command(ModeSense.OPCODE_10, "MODE SENSE(10)", 10).in().reservation(ReservationClass.READ)
                .usage(0, 0x18, full, full, 0, 0, 0, full, full, 0)
                .handler(modeSense::parse10)
                // byte 1: PF (4), SP (0)
                .command(ModeSelect.OPCODE_6, "MODE SELECT(6)", 6).out()
                .usage(0, 0x11, 0, 0, full, 0)
                .handler(modeSelect::parse6)
                .command(ModeSelect.OPCODE_10, "MODE SELECT(10)", 10).out()
                .usage(0, 0x11, 0, 0, 0, 0, 0, full, full, 0)
                .handler(modeSelect::parse10);
    }
}
