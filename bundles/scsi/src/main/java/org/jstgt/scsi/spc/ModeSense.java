package org.jstgt.scsi.spc;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.function.IntSupplier;
import java.util.function.LongSupplier;

import org.jstgt.api.scsi.Cdb;
import org.jstgt.api.scsi.CommandDescriptor;
import org.jstgt.api.scsi.ScsiException;
import org.jstgt.api.scsi.ScsiTask;
import org.jstgt.api.scsi.SenseReason;

/**
 * MODE SENSE(6) and MODE SENSE(10) (SPC-4 §6.11, §6.12) over the pages a device registers:
 * mode parameter header, optional block descriptor (short, or long with LLBAA), and the pages
 * selected by PAGE CODE and SUBPAGE CODE (3Fh: all pages; subpage FFh: all subpages).
 */
public final class ModeSense {
    /** MODE SENSE(6) operation code. */
    public static final int OPCODE_6 = 0x1A;
    /** MODE SENSE(10) operation code. */
    public static final int OPCODE_10 = 0x5A;
    /** PAGE CODE asking for every page. */
    public static final int ALL_PAGES = 0x3F;
    /** SUBPAGE CODE asking for every subpage. */
    public static final int ALL_SUBPAGES = 0xFF;

    private final List<ModePage> pages;
    private final IntSupplier deviceSpecific;
    private final LongSupplier blocks;
    private final int blockLength;

    private ModeSense(Builder b) {
        List<ModePage> p = new ArrayList<>(b.pages);
        p.sort(Comparator.comparingInt(ModePage::pageCode).thenComparingInt(ModePage::subpageCode));
        for (int i = 1; i < p.size(); i++) {
            if (p.get(i).pageCode() == p.get(i - 1).pageCode() && p.get(i).subpageCode() == p.get(i - 1).subpageCode()) {
                throw new IllegalArgumentException(String.format("mode page %02Xh/%02Xh registered twice",
                        p.get(i).pageCode(), p.get(i).subpageCode()));
            }
        }
        this.pages = List.copyOf(p);
        this.deviceSpecific = b.deviceSpecific;
        this.blocks = b.blocks;
        this.blockLength = b.blockLength;
    }

    /** @return a builder */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * MODE SENSE(6) (SPC-4 §6.11.1, table 169): byte 1 DBD (bit 3); byte 2 PC (7-6), PAGE CODE
     * (5-0); byte 3 SUBPAGE CODE; byte 4 ALLOCATION LENGTH.
     *
     * @param task the task
     * @return the descriptor
     * @throws ScsiException INVALID FIELD IN CDB for reserved bits or unknown pages; SAVING
     *     PARAMETERS NOT SUPPORTED for PC = 11b
     */
    public CommandDescriptor parse6(ScsiTask task) throws ScsiException {
        Cdb cdb = task.cdb();
        CdbChecks.requireZero(cdb, 1, 0xF7);
        byte[] data = data(false, cdb.bit(1, 3), false, cdb.u8(2), cdb.u8(3));
        return Commands.dataIn(cdb.u8(4), t -> data);
    }

    /**
     * MODE SENSE(10) (SPC-4 §6.12, table 172): byte 1 LLBAA (4), DBD (3); byte 2 PC, PAGE CODE;
     * byte 3 SUBPAGE CODE; bytes 4-6 reserved; bytes 7-8 ALLOCATION LENGTH.
     *
     * @param task the task
     * @return the descriptor
     * @throws ScsiException as {@link #parse6}
     */
    public CommandDescriptor parse10(ScsiTask task) throws ScsiException {
        Cdb cdb = task.cdb();
        CdbChecks.requireZero(cdb, 1, 0xE7);
        CdbChecks.requireZeroBytes(cdb, 4, 6);
        byte[] data = data(true, cdb.bit(1, 3), cdb.bit(1, 4), cdb.u8(2), cdb.u8(3));
        return Commands.dataIn(cdb.u16(7), t -> data);
    }

    /**
     * The mode parameter list.
     *
     * @param ten MODE SENSE(10) format (else 6)
     * @param dbd DBD: no block descriptors
     * @param llbaa LLBAA: long LBA block descriptor allowed (MODE SENSE(10) only)
     * @param pcAndPage CDB byte 2: PC (7-6) and PAGE CODE (5-0)
     * @param subpage SUBPAGE CODE
     * @return the data
     * @throws ScsiException SAVING PARAMETERS NOT SUPPORTED (39h/00h, field pointer at PC) for
     *     saved values of a page that has none; INVALID FIELD IN CDB at byte 2 (page) or 3
     *     (subpage) for pages the device does not have
     */
    public byte[] data(boolean ten, boolean dbd, boolean llbaa, int pcAndPage, int subpage) throws ScsiException {
        PageControl pc = PageControl.of(pcAndPage >>> 6);
        int page = pcAndPage & 0x3F;
        List<ModePage> selected = select(page, subpage);
        if (pc == PageControl.SAVED && !selected.stream().allMatch(ModePage::saveable)) {
            // SPC-4 §6.11.1, table 170: saved values requested of a page that has none
            throw new ScsiException(SenseReason.SAVING_PARAMETERS_NOT_SUPPORTED).inCdb(2, 7);
        }
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        for (ModePage p : selected) {
            body.writeBytes(p.render(pc));
        }
        byte[] descriptor = dbd || blocks == null ? new byte[0] : blockDescriptor(ten && llbaa, pc);
        boolean longLba = descriptor.length == 16;
        int header = ten ? 8 : 4;
        byte[] d = new byte[header + descriptor.length + body.size()];
        int dsp = deviceSpecific.getAsInt() & 0xFF;
        if (ten) {
            // bytes 0-1 MODE DATA LENGTH (n - 1), 2 MEDIUM TYPE, 3 DEVICE-SPECIFIC PARAMETER,
            // 4 LONGLBA (bit 0), 6-7 BLOCK DESCRIPTOR LENGTH
            Bytes.putU16(d, 0, Math.min(d.length - 2, 0xFFFF));
            d[3] = (byte) dsp;
            d[4] = (byte) (longLba ? 1 : 0);
            Bytes.putU16(d, 6, descriptor.length);
        } else {
            // byte 0 MODE DATA LENGTH (n - 1), 1 MEDIUM TYPE, 2 DEVICE-SPECIFIC PARAMETER,
            // 3 BLOCK DESCRIPTOR LENGTH
            d[0] = (byte) Math.min(d.length - 1, 0xFF);
            d[2] = (byte) dsp;
            d[3] = (byte) descriptor.length;
        }
        System.arraycopy(descriptor, 0, d, header, descriptor.length);
        byte[] b = body.toByteArray();
        System.arraycopy(b, 0, d, header + descriptor.length, b.length);
        return d;
    }

    /**
     * @param pageCode PAGE CODE
     * @param subpageCode SUBPAGE CODE
     * @return the page, when the device has it
     */
    public Optional<ModePage> page(int pageCode, int subpageCode) {
        return pages.stream().filter(p -> p.pageCode() == pageCode && p.subpageCode() == subpageCode).findFirst();
    }

    /** @return true when any page has saved values */
    public boolean anySaveable() {
        return pages.stream().anyMatch(ModePage::saveable);
    }

    /** @return true when the mode parameter lists carry direct-access block descriptors */
    public boolean blockDescriptors() {
        return blocks != null;
    }

    /** @return LOGICAL BLOCK LENGTH of the block descriptor (0 without block descriptors) */
    public int blockLength() {
        return blockLength;
    }

    private List<ModePage> select(int page, int subpage) throws ScsiException {
        List<ModePage> out = new ArrayList<>();
        if (page == ALL_PAGES) {
            if (subpage != 0 && subpage != ALL_SUBPAGES) {
                throw ScsiException.invalidCdbField(3, -1);
            }
            for (ModePage p : pages) {
                if (subpage == ALL_SUBPAGES || p.subpageCode() == 0) {
                    out.add(p);
                }
            }
            return out;
        }
        boolean known = false;
        for (ModePage p : pages) {
            if (p.pageCode() != page) {
                continue;
            }
            known = true;
            if (subpage == ALL_SUBPAGES || p.subpageCode() == subpage) {
                out.add(p);
            }
        }
        if (!known) {
            throw ScsiException.invalidCdbField(2, 5);
        }
        if (out.isEmpty()) {
            throw ScsiException.invalidCdbField(3, -1);
        }
        return out;
    }

    /**
     * Direct-access block descriptors (SBC-4 §6.5.2): short (8 bytes: NUMBER OF LOGICAL BLOCKS,
     * FFFFFFFFh when larger; LOGICAL BLOCK LENGTH in bytes 5-7) or long (16 bytes: 64-bit count,
     * length in bytes 12-15). Changeable values are all zero: the format cannot be changed.
     */
    private byte[] blockDescriptor(boolean longLba, PageControl pc) {
        byte[] d = new byte[longLba ? 16 : 8];
        if (pc == PageControl.CHANGEABLE) {
            return d;
        }
        long n = blocks.getAsLong();
        if (longLba) {
            Bytes.putU64(d, 0, n);
            Bytes.putU32(d, 12, blockLength);
        } else {
            Bytes.putU32(d, 0, n > 0xFFFF_FFFFL ? 0xFFFF_FFFFL : n);
            Bytes.putU24(d, 5, blockLength);
        }
        return d;
    }

    /** Configures a {@link ModeSense}. */
    public static final class Builder {
        private final List<ModePage> pages = new ArrayList<>();
        private IntSupplier deviceSpecific = () -> 0;
        private LongSupplier blocks;
        private int blockLength;

        private Builder() {
        }

        /**
         * @param page a page
         * @return this
         */
        public Builder page(ModePage page) {
            pages.add(page);
            return this;
        }

        /**
         * @param dsp DEVICE-SPECIFIC PARAMETER of the header (for direct access, SBC-4 §6.5.1: WP
         *     bit 7, DPOFUA bit 4); evaluated on each request
         * @return this
         */
        public Builder deviceSpecificParameter(IntSupplier dsp) {
            this.deviceSpecific = dsp;
            return this;
        }

        /**
         * Enables block descriptors (direct-access devices).
         *
         * @param numberOfBlocks current capacity in blocks, evaluated on each request
         * @param logicalBlockLength block length in bytes
         * @return this
         */
        public Builder blockDescriptors(LongSupplier numberOfBlocks, int logicalBlockLength) {
            this.blocks = numberOfBlocks;
            this.blockLength = logicalBlockLength;
            return this;
        }

        /** @return the MODE SENSE responder */
        public ModeSense build() {
            return new ModeSense(this);
        }
    }
}
