package org.jstgt.device.changer;

import java.util.List;
import java.util.concurrent.CompletableFuture;

import org.jstgt.api.scsi.LunSpec;
import org.jstgt.api.scsi.ReservationClass;
import org.jstgt.scsi.spc.Bytes;
import org.jstgt.scsi.spc.Inquiry;
import org.jstgt.scsi.spc.ModePage;
import org.jstgt.scsi.spc.ModePages;
import org.jstgt.scsi.spc.ModeSelect;
import org.jstgt.scsi.spc.ModeSense;
import org.jstgt.scsi.spc.OpcodeTable;

/**
 * What the changer says about itself: INQUIRY (peripheral device type 08h, RMB 1, version
 * descriptors SAM-5, iSCSI, SPC-4 and SMC-3; VPD pages 00h, 80h, 83h, 86h) and MODE SENSE(6)/(10)
 * with the Control page (0Ah) and the SMC-3 pages: Element Address Assignment (1Dh), Transport
 * Geometry Parameters (1Eh) and Device Capabilities (1Fh). None is changeable: MODE SELECT takes
 * the pages as MODE SENSE gives them and refuses any change.
 */
final class Identity implements CommandFamily {
    /** SMC-3 (no version claimed), SPC-4 §6.6.2 table 148. */
    static final int VERSION_SMC3 = 0x0480;
    static final int ELEMENT_ADDRESS_ASSIGNMENT = 0x1D;
    static final int TRANSPORT_GEOMETRY = 0x1E;
    static final int DEVICE_CAPABILITIES = 0x1F;

    private final Inquiry inquiry;
    private final ModeSense modeSense;
    private final ModeSelect modeSelect;

    Identity(LunSpec spec, Layout layout, boolean descriptorSense) {
        this.inquiry = Inquiry.builder(spec, ChangerUnit.PERIPHERAL_DEVICE_TYPE).removable(true)
                .versionDescriptors(Inquiry.VERSION_SAM5, Inquiry.VERSION_ISCSI, Inquiry.VERSION_SPC4, VERSION_SMC3)
                .build();
        ModeSense.Builder b = ModeSense.builder().page(ModePages.control(descriptorSense));
        for (ModePage p : pages(layout)) {
            b.page(p);
        }
        this.modeSense = b.build();
        this.modeSelect = new ModeSelect(modeSense, (task, pages, save) -> CompletableFuture.completedFuture(null));
    }

    Inquiry inquiry() {
        return inquiry;
    }

    ModeSense modeSense() {
        return modeSense;
    }

    static List<ModePage> pages(Layout layout) {
        byte[] assignment = elementAddressAssignment(layout);
        byte[] geometry = transportGeometry();
        byte[] capabilities = deviceCapabilities();
        return List.of(ModePage.fixed(ELEMENT_ADDRESS_ASSIGNMENT, assignment::clone),
                ModePage.fixed(TRANSPORT_GEOMETRY, geometry::clone),
                ModePage.fixed(DEVICE_CAPABILITIES, capabilities::clone));
    }

    /**
     * Element Address Assignment mode page (SMC-3 §7.3.3), page length 12h: bytes 2-3
     * MEDIUM TRANSPORT ELEMENT ADDRESS, 4-5 NUMBER OF MEDIUM TRANSPORT ELEMENTS, 6-7 FIRST STORAGE
     * ELEMENT ADDRESS, 8-9 NUMBER OF STORAGE ELEMENTS, 10-11 FIRST IMPORT/EXPORT ELEMENT ADDRESS,
     * 12-13 NUMBER OF IMPORT/EXPORT ELEMENTS, 14-15 FIRST DATA TRANSFER ELEMENT ADDRESS, 16-17
     * NUMBER OF DATA TRANSFER ELEMENTS, 18-19 reserved (offsets in the page; here less 2).
     */
    static byte[] elementAddressAssignment(Layout layout) {
        byte[] p = new byte[18];
        Bytes.putU16(p, 0, Layout.TRANSPORT);
        Bytes.putU16(p, 2, 1);
        Bytes.putU16(p, 4, Layout.FIRST_SLOT);
        Bytes.putU16(p, 6, layout.slots());
        Bytes.putU16(p, 8, Layout.FIRST_MAIL);
        Bytes.putU16(p, 10, layout.mails());
        Bytes.putU16(p, 12, Layout.FIRST_DRIVE);
        Bytes.putU16(p, 14, layout.drives());
        return p;
    }

    /**
     * Transport Geometry Parameters mode page (SMC-3 §7.3.4), one 2-byte descriptor per
     * transport: byte 0 ROTATE (0) 0: the transport cannot invert a cartridge; byte 1 MEMBER
     * NUMBER IN TRANSPORT ELEMENT SET 0.
     */
    static byte[] transportGeometry() {
        return new byte[2];
    }

    /**
     * Device Capabilities mode page (SMC-3 §7.3.2), page length 12h: byte 2 STORDT (3),
     * STORI/E (2), STORST (1) 1 and STORMT (0) 0: storage, import/export and data transfer elements
     * hold cartridges, the transport does not; bytes 4-7 the MOVE MEDIUM capabilities from
     * transport (none: it never holds one), storage, import/export and data transfer elements,
     * each to DT (3), I/E (2), ST (1) and not to MT (0); bytes 12-15 the EXCHANGE MEDIUM
     * capabilities, the same.
     */
    static byte[] deviceCapabilities() {
        byte[] p = new byte[18];
        p[0] = 0x0E;
        p[3] = 0x0E;
        p[4] = 0x0E;
        p[5] = 0x0E;
        p[11] = 0x0E;
        p[12] = 0x0E;
        p[13] = 0x0E;
        return p;
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
                .command(ModeSelect.OPCODE_6, "MODE SELECT(6)", 6).out()
                .usage(0, 0x11, 0, 0, full, 0)
                .handler(modeSelect::parse6)
                .command(ModeSelect.OPCODE_10, "MODE SELECT(10)", 10).out()
                .usage(0, 0x11, 0, 0, 0, 0, 0, full, full, 0)
                .handler(modeSelect::parse10);
    }
}
