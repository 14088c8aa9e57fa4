package org.jstgt.device.tape;

import org.jstgt.api.scsi.ReservationClass;
import org.jstgt.api.scsi.LunSpec;
import org.jstgt.scsi.spc.Inquiry;
import org.jstgt.scsi.spc.OpcodeTable;

/**
 * INQUIRY (SPC-4 §6.6) of a sequential-access device: PERIPHERAL DEVICE TYPE 01h, RMB 1, version
 * descriptors SAM-5, iSCSI, SPC-4 and SSC-3, and VPD pages 00h, 80h, 83h, 86h and B0h.
 */
final class Identity implements CommandFamily {
    /** PERIPHERAL DEVICE TYPE of a sequential-access device. */
    static final int SEQUENTIAL_ACCESS = 0x01;
    /** VERSION DESCRIPTOR of SSC-3 (no version claimed), SPC-4 table 143. */
    static final int VERSION_SSC3 = 0x0400;
    /** Sequential-access device capabilities VPD page (SSC-3). */
    static final int PAGE_CAPABILITIES = 0xB0;

    private final Inquiry inquiry;

    Identity(LunSpec spec) {
        this.inquiry = Inquiry.builder(spec, SEQUENTIAL_ACCESS).removable(true)
                .versionDescriptors(Inquiry.VERSION_SAM5, Inquiry.VERSION_ISCSI, Inquiry.VERSION_SPC4, VERSION_SSC3)
                // B0h, 2 bytes: byte 4 WORM (0): the drive takes WORM cartridges
                .page(PAGE_CAPABILITIES, t -> new byte[] {0x01, 0x00})
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
