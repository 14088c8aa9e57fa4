package org.jstgt.device.dvd;

import org.jstgt.api.scsi.LunSpec;
import org.jstgt.api.scsi.ReservationClass;
import org.jstgt.scsi.spc.Inquiry;
import org.jstgt.scsi.spc.OpcodeTable;

/**
 * INQUIRY (SPC-4 §6.6, MMC-6): standard data with PERIPHERAL DEVICE TYPE 05h, RMB 1 and the
 * MMC-6 version descriptor; VPD pages 00h, 80h, 83h and 86h from the SPC builder.
 */
final class Identify implements CommandFamily {
    /** VERSION DESCRIPTOR of MMC-6 (SPC-4 table 143, no version claimed). */
    static final int VERSION_MMC6 = 0x04E0;

    private final Inquiry inquiry;

    Identify(LunSpec spec) {
        this.inquiry = Inquiry.builder(spec, DvdUnit.PERIPHERAL_TYPE).removable(true)
                .versionDescriptors(Inquiry.VERSION_SAM5, Inquiry.VERSION_ISCSI, Inquiry.VERSION_SPC4, VERSION_MMC6)
                .build();
    }

    @Override
    public void register(OpcodeTable.Builder table) {
        table.command(Inquiry.OPCODE, "INQUIRY", 6).in().allowedWithUnitAttention()
                .reservation(ReservationClass.ALLOWED)
                .usage(0, 0x01, 0xFF, 0xFF, 0xFF, 0)
                .handler(inquiry::parse);
    }
}
