package org.jstgt.device.disk;

import org.jstgt.scsi.spc.Inquiry;
import org.jstgt.scsi.spc.ModePage;
import org.jstgt.scsi.spc.ModePages;
import org.jstgt.scsi.spc.ModeSense;
import org.jstgt.scsi.spc.OpcodeTable;
import org.jstgt.scsi.spc.ReservationClass;

/**
 * What the unit says about itself: INQUIRY (standard data claiming SBC-3, and the VPD pages of
 * {@link Capacity}) and MODE SENSE(6)/(10) with the Caching, Control and Informational Exceptions
 * mode pages.
 */
final class Pages implements CommandFamily {
    /** Caching mode page (SBC-4 §6.5.5). */
    private static final int CACHING_PAGE = 0x08;

    private final DiskUnit disk;
    private final Inquiry inquiry;
    private final ModeSense modeSense;

    /**
     * @param disk the unit
     * @param capacity the family whose VPD pages INQUIRY lists
     * @param descriptorSense D_SENSE of the Control mode page
     */
    Pages(DiskUnit disk, Capacity capacity, boolean descriptorSense) {
        this.disk = disk;
        Inquiry.Builder inq = Inquiry.builder(disk.spec(), 0).thirdPartyCopy(true)
                .versionDescriptors(Inquiry.VERSION_SAM5, Inquiry.VERSION_ISCSI, Inquiry.VERSION_SPC4,
                        Inquiry.VERSION_SBC3);
        capacity.pages(inq);
        this.inquiry = inq.build();
        boolean readOnly = disk.readOnly();
        this.modeSense = ModeSense.builder()
                .page(new ModePage(CACHING_PAGE, 0, this::caching, new byte[18], this::caching))
                .page(ModePages.control(descriptorSense))
                .page(ModePages.informationalExceptions())
                // SBC-4 §6.5.1: WP (bit 7) when writes are refused, DPOFUA (bit 4): DPO and FUA accepted
                .deviceSpecificParameter(() -> (readOnly ? 0x80 : 0) | 0x10)
                .blockDescriptors(disk::capacity, disk.blockSize())
                .build();
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
                .handler(modeSense::parse10);
    }

    /**
     * Caching mode page (SBC-4 §6.5.5), 18 parameter bytes: WCE (byte 2 bit 2) when the store
     * keeps a volatile cache that FLUSH makes durable; RCD 0. Not changeable.
     */
    private byte[] caching() {
        byte[] p = new byte[18];
        p[0] = (byte) (disk.writeCache() ? 0x04 : 0);
        return p;
    }
}
