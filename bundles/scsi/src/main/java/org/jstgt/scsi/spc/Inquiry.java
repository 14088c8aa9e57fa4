package org.jstgt.scsi.spc;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

import org.jstgt.api.scsi.Cdb;
import org.jstgt.api.scsi.CommandDescriptor;
import org.jstgt.api.scsi.LunSpec;
import org.jstgt.api.scsi.ScsiException;
import org.jstgt.api.scsi.ScsiTask;

/**
 * INQUIRY (SPC-4 §6.6): standard data and vital product data pages 00h (supported pages), 80h
 * (unit serial number), 83h (device identification), 86h (Extended INQUIRY Data) plus the pages a
 * device adds.
 */
public final class Inquiry {
    /** The INQUIRY operation code. */
    public static final int OPCODE = 0x12;
    /** Supported VPD Pages (SPC-4 §7.8.13). */
    public static final int PAGE_SUPPORTED = 0x00;
    /** Unit Serial Number (SPC-4 §7.8.15). */
    public static final int PAGE_SERIAL = 0x80;
    /** Device Identification (SPC-4 §7.8.6). */
    public static final int PAGE_DEVICE_ID = 0x83;
    /** Extended INQUIRY Data (SPC-4 §7.8.7). */
    public static final int PAGE_EXTENDED = 0x86;

    /** Version descriptors (SPC-4 §6.6.2, table 143). */
    public static final int VERSION_SAM5 = 0x00A0;
    public static final int VERSION_SPC4 = 0x0460;
    public static final int VERSION_SBC3 = 0x04C0;
    public static final int VERSION_ISCSI = 0x0960;

    /** PROTOCOL IDENTIFIER of iSCSI (SPC-4 §7.6.1, table 362). */
    public static final int PROTOCOL_ISCSI = 0x5;
    /** CODE SET values (SPC-4 §7.8.6.1, table 462). */
    public static final int CODE_SET_BINARY = 1;
    public static final int CODE_SET_ASCII = 2;
    public static final int CODE_SET_UTF8 = 3;
    /** ASSOCIATION values (table 463). */
    public static final int ASSOC_LU = 0;
    public static final int ASSOC_TARGET_PORT = 1;
    public static final int ASSOC_TARGET_DEVICE = 2;
    /** DESIGNATOR TYPE values (table 464). */
    public static final int TYPE_T10_VENDOR = 0x1;
    public static final int TYPE_NAA = 0x3;
    public static final int TYPE_RELATIVE_TARGET_PORT = 0x4;
    public static final int TYPE_TARGET_PORT_GROUP = 0x5;
    public static final int TYPE_SCSI_NAME = 0x8;

    private static final int STANDARD_LENGTH = 96;

    private final int peripheralType;
    private final boolean removable;
    private final boolean thirdPartyCopy;
    private final LunSpec spec;
    private final int[] versions;
    private final Map<Integer, VpdPage> pages;
    private final byte[] extended;

    private Inquiry(Builder b) {
        this.peripheralType = b.peripheralType;
        this.removable = b.removable;
        this.thirdPartyCopy = b.thirdPartyCopy;
        this.spec = b.spec;
        this.versions = b.versions.clone();
        TreeMap<Integer, VpdPage> p = new TreeMap<>();
        p.put(PAGE_SUPPORTED, t -> supportedPagesPayload());
        p.put(PAGE_SERIAL, t -> serialPayload());
        p.put(PAGE_DEVICE_ID, this::deviceIdPayload);
        this.extended = extendedPayload(b);
        p.put(PAGE_EXTENDED, t -> extended.clone());
        p.putAll(b.pages);
        this.pages = p;
    }

    /**
     * @param spec the LUN definition (vendor, product, revision, serial, NAA identifier)
     * @param peripheralDeviceType PERIPHERAL DEVICE TYPE (0 disk, 1 tape, 5 CD/DVD, 8 changer)
     * @return a builder
     */
    public static Builder builder(LunSpec spec, int peripheralDeviceType) {
        return new Builder(spec, peripheralDeviceType);
    }

    /**
     * Parses INQUIRY (SPC-4 §6.6.1, table 142): byte 1 CMDDT (bit 1, obsolete: must be 0) and EVPD
     * (bit 0); byte 2 PAGE CODE; bytes 3-4 ALLOCATION LENGTH.
     *
     * @param task the task
     * @return the descriptor, allowed with a pending unit attention
     * @throws ScsiException INVALID FIELD IN CDB for CMDDT, reserved bits, a PAGE CODE without
     *     EVPD, or an unsupported VPD page (byte 2)
     */
    public CommandDescriptor parse(ScsiTask task) throws ScsiException {
        Cdb cdb = task.cdb();
        CdbChecks.requireZero(cdb, 1, 0xFE);
        boolean evpd = cdb.bit(1, 0);
        int page = cdb.u8(2);
        if (!evpd && page != 0) {
            throw ScsiException.invalidCdbField(2, -1);
        }
        if (evpd && !pages.containsKey(page)) {
            throw ScsiException.invalidCdbField(2, -1);
        }
        int alloc = cdb.u16(3);
        return Commands.allowedWithUnitAttention(
                Commands.dataIn(alloc, t -> evpd ? vpd(page, t) : standard(t)));
    }

    /** @return the VPD page codes offered, ascending */
    public int[] supportedPages() {
        return pages.keySet().stream().mapToInt(Integer::intValue).toArray();
    }

    /**
     * Standard INQUIRY data (SPC-4 §6.6.2, table 144), 96 bytes, as the task's target reports it.
     *
     * @param task the task asking
     * @return the data
     */
    public byte[] standard(ScsiTask task) {
        byte[] d = new byte[STANDARD_LENGTH];
        // byte 0: PERIPHERAL QUALIFIER 000b (connected), PERIPHERAL DEVICE TYPE
        d[0] = (byte) (peripheralType & 0x1F);
        // byte 1: RMB (bit 7)
        d[1] = (byte) (removable ? 0x80 : 0);
        // byte 2: VERSION 06h, SPC-4
        d[2] = 0x06;
        // byte 3: NORMACA (5) 0, HISUP (4) 1: LUNs are hierarchical (SAM-5 §4.7), RESPONSE DATA FORMAT 2
        d[3] = 0x12;
        // byte 4: ADDITIONAL LENGTH (n - 4)
        d[4] = (byte) (STANDARD_LENGTH - 5);
        // byte 5: SCCS, ACC, TPGS (5-4): the target's asymmetric logical unit access (SPC-4 §5.16),
        // 3PC (3) when a copy manager serves EXTENDED COPY, PROTECT 0
        d[5] = (byte) (((task.targetPortGroupSupport() & 0x3) << 4) | (thirdPartyCopy ? 0x08 : 0));
        // byte 6: ENCSERV, MULTIP 0; byte 7: CMDQUE (bit 1) 1: full task management model
        d[7] = 0x02;
        // bytes 8-15 T10 VENDOR IDENTIFICATION, 16-31 PRODUCT IDENTIFICATION, 32-35 PRODUCT REVISION LEVEL
        Bytes.putAscii(d, 8, 8, spec.vendor());
        Bytes.putAscii(d, 16, 16, spec.product());
        Bytes.putAscii(d, 32, 4, spec.revision());
        // bytes 58-73: VERSION DESCRIPTOR 1-8
        for (int i = 0; i < versions.length && i < 8; i++) {
            Bytes.putU16(d, 58 + 2 * i, versions[i]);
        }
        return d;
    }

    /**
     * A VPD page with its header (SPC-4 §7.8.1, table 459).
     *
     * @param page the page code
     * @param task the task asking
     * @return the page
     * @throws ScsiException INVALID FIELD IN CDB (byte 2) when the page is not offered
     */
    public byte[] vpd(int page, ScsiTask task) throws ScsiException {
        VpdPage p = pages.get(page);
        if (p == null) {
            throw ScsiException.invalidCdbField(2, -1);
        }
        byte[] payload = p.payload(task);
        if (payload.length > 0xFFFF) {
            throw new IllegalStateException("VPD page " + page + " longer than 65535 bytes");
        }
        byte[] d = new byte[4 + payload.length];
        // byte 0: PERIPHERAL QUALIFIER, PERIPHERAL DEVICE TYPE; byte 1 PAGE CODE; bytes 2-3 PAGE LENGTH
        d[0] = (byte) (peripheralType & 0x1F);
        d[1] = (byte) page;
        Bytes.putU16(d, 2, payload.length);
        System.arraycopy(payload, 0, d, 4, payload.length);
        return d;
    }

    /** SPC-4 §7.8.13: the page codes, ascending. */
    private byte[] supportedPagesPayload() {
        int[] codes = supportedPages();
        byte[] d = new byte[codes.length];
        for (int i = 0; i < codes.length; i++) {
            d[i] = (byte) codes[i];
        }
        return d;
    }

    /** SPC-4 §7.8.15: PRODUCT SERIAL NUMBER, ASCII. */
    private byte[] serialPayload() {
        return spec.serial().getBytes(StandardCharsets.US_ASCII);
    }

    /**
     * SPC-4 §7.8.6: designators of the logical unit (NAA 6h when configured, NAA 3h, T10 vendor ID), of the target port the
     * command came through (relative port, port group, SCSI name string), and of the target device
     * (SCSI name string).
     */
    private byte[] deviceIdPayload(ScsiTask task) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        // NAA designators (§7.8.6.6): 16 bytes NAA 6h IEEE Registered Extended first when the LUN
        // names an IEEE company identifier (NaaDesignators), then 8 bytes NAA 3h locally assigned
        byte[] extended = NaaDesignators.registeredExtended(spec);
        if (extended != null) {
            out.writeBytes(designator(0, CODE_SET_BINARY, false, ASSOC_LU, TYPE_NAA, extended));
        }
        byte[] naa = new byte[8];
        Bytes.putU64(naa, 0, spec.naaId());
        out.writeBytes(designator(0, CODE_SET_BINARY, false, ASSOC_LU, TYPE_NAA, naa));
        // T10 vendor ID designator (§7.8.6.4): T10 VENDOR IDENTIFICATION (8) + VENDOR SPECIFIC IDENTIFIER
        String vendorSpecific = spec.product().trim() + ":" + spec.serial();
        byte[] t10 = new byte[8 + vendorSpecific.length()];
        Bytes.putAscii(t10, 0, 8, spec.vendor());
        System.arraycopy(vendorSpecific.getBytes(StandardCharsets.US_ASCII), 0, t10, 8, vendorSpecific.length());
        out.writeBytes(designator(0, CODE_SET_ASCII, false, ASSOC_LU, TYPE_T10_VENDOR, t10));
        // relative target port (§7.8.6.7): bytes 2-3 RELATIVE TARGET PORT IDENTIFIER
        byte[] rtp = new byte[4];
        Bytes.putU16(rtp, 2, task.relativeTargetPortId());
        out.writeBytes(designator(PROTOCOL_ISCSI, CODE_SET_BINARY, true, ASSOC_TARGET_PORT,
                TYPE_RELATIVE_TARGET_PORT, rtp));
        // target port group (§7.8.6.8): bytes 2-3 TARGET PORT GROUP
        byte[] tpg = new byte[4];
        Bytes.putU16(tpg, 2, task.targetPortGroup());
        out.writeBytes(designator(PROTOCOL_ISCSI, CODE_SET_BINARY, true, ASSOC_TARGET_PORT,
                TYPE_TARGET_PORT_GROUP, tpg));
        // SCSI name strings (§7.8.6.11): target port "<iqn>,t,0x<tpgt>", target device "<iqn>"
        String port = task.targetPortName();
        if (port != null && !port.isEmpty()) {
            out.writeBytes(designator(PROTOCOL_ISCSI, CODE_SET_UTF8, true, ASSOC_TARGET_PORT, TYPE_SCSI_NAME,
                    scsiNameString(port)));
        }
        String target = task.targetName();
        if (target != null && !target.isEmpty()) {
            out.writeBytes(designator(PROTOCOL_ISCSI, CODE_SET_UTF8, true, ASSOC_TARGET_DEVICE, TYPE_SCSI_NAME,
                    scsiNameString(target)));
        }
        return out.toByteArray();
    }

    /**
     * Extended INQUIRY Data (SPC-4 §7.8.7), 60 bytes after the header: no protection information,
     * no microcode download, no grouping or priority; SIMPSUP 1 (every unit takes SIMPLE tasks),
     * ORDSUP and HEADSUP as the unit declares, V_SUP when it has a volatile cache, NV_SUP 0;
     * LUICLR 1: a unit attention is kept and cleared per I_T nexus (SAM-5 §5.14), as SPC-4 wants
     * of every logical unit; MAXIMUM SUPPORTED SENSE DATA LENGTH 0 (not reported).
     */
    private static byte[] extendedPayload(Builder b) {
        byte[] d = new byte[60];
        // byte 5: UASK_SUP (5), GROUP_SUP (4), PRIOR_SUP (3), HEADSUP (2), ORDSUP (1), SIMPSUP (0)
        d[1] = (byte) ((b.headOfQueue ? 0x04 : 0) | (b.ordered ? 0x02 : 0) | 0x01);
        // byte 6: WU_SUP (3), CRD_SUP (2), NV_SUP (1), V_SUP (0)
        d[2] = (byte) (b.volatileCache ? 0x01 : 0);
        // byte 7: P_I_I_SUP (4), LUICLR (0)
        d[3] = 0x01;
        return d;
    }

    /**
     * SCSI NAME STRING field (SPC-4 §7.8.6.11): UTF-8, null terminated, null padded to a multiple
     * of 4 bytes.
     *
     * @param name the name
     * @return the field
     */
    public static byte[] scsiNameString(String name) {
        byte[] utf8 = name.getBytes(StandardCharsets.UTF_8);
        return Arrays.copyOf(utf8, Bytes.pad4(utf8.length + 1));
    }

    /**
     * A designation descriptor (SPC-4 §7.8.6.1, table 460).
     *
     * @param protocolId PROTOCOL IDENTIFIER (meaningful when {@code piv})
     * @param codeSet CODE SET
     * @param piv PROTOCOL IDENTIFIER VALID
     * @param association ASSOCIATION
     * @param type DESIGNATOR TYPE
     * @param designator the DESIGNATOR, at most 255 bytes
     * @return the descriptor
     */
    public static byte[] designator(int protocolId, int codeSet, boolean piv, int association, int type,
            byte[] designator) {
        if (designator.length > 255) {
            throw new IllegalArgumentException("designator longer than 255 bytes");
        }
        byte[] d = new byte[4 + designator.length];
        // byte 0: PROTOCOL IDENTIFIER (7-4), CODE SET (3-0)
        d[0] = (byte) (((protocolId & 0xF) << 4) | (codeSet & 0xF));
        // byte 1: PIV (7), ASSOCIATION (5-4), DESIGNATOR TYPE (3-0)
        d[1] = (byte) ((piv ? 0x80 : 0) | ((association & 3) << 4) | (type & 0xF));
        // byte 3: DESIGNATOR LENGTH
        d[3] = (byte) designator.length;
        System.arraycopy(designator, 0, d, 4, designator.length);
        return d;
    }

    /** Configures an {@link Inquiry}. */
    public static final class Builder {
        private final LunSpec spec;
        private final int peripheralType;
        private boolean removable;
        private boolean thirdPartyCopy;
        private int[] versions = {VERSION_SAM5, VERSION_ISCSI, VERSION_SPC4};
        private final Map<Integer, VpdPage> pages = new TreeMap<>();
        private boolean ordered;
        private boolean headOfQueue;
        private boolean volatileCache;

        private Builder(LunSpec spec, int peripheralType) {
            this.spec = Objects.requireNonNull(spec, "spec");
            if (peripheralType < 0 || peripheralType > 0x1F) {
                throw new IllegalArgumentException("peripheral device type " + peripheralType);
            }
            this.peripheralType = peripheralType;
        }

        /**
         * @param rmb RMB: the medium is removable
         * @return this
         */
        public Builder removable(boolean rmb) {
            this.removable = rmb;
            return this;
        }

        /**
         * @param tpc 3PC: the unit's copy manager serves third-party copy commands (SPC-4 §5.17)
         * @return this
         */
        public Builder thirdPartyCopy(boolean tpc) {
            this.thirdPartyCopy = tpc;
            return this;
        }

        /**
         * @param descriptors up to 8 VERSION DESCRIPTORs; SAM-5, iSCSI and SPC-4 by default,
         *     replaced by these
         * @return this
         */
        public Builder versionDescriptors(int... descriptors) {
            if (descriptors.length > 8) {
                throw new IllegalArgumentException("at most 8 version descriptors");
            }
            this.versions = descriptors.clone();
            return this;
        }

        /**
         * The task attributes beyond SIMPLE the unit's task set honours (ORDSUP, HEADSUP of the
         * Extended INQUIRY Data page); none by default.
         *
         * @param orderedTasks ORDERED tasks are run in order
         * @param headOfQueueTasks HEAD OF QUEUE tasks run first
         * @return this
         */
        public Builder taskAttributes(boolean orderedTasks, boolean headOfQueueTasks) {
            this.ordered = orderedTasks;
            this.headOfQueue = headOfQueueTasks;
            return this;
        }

        /**
         * @param v V_SUP of the Extended INQUIRY Data page: the unit has a volatile cache (a
         *     store whose writes a flush makes durable)
         * @return this
         */
        public Builder volatileCache(boolean v) {
            this.volatileCache = v;
            return this;
        }

        /**
         * Adds a device page; 00h, 80h, 83h and 86h are built in and cannot be replaced.
         *
         * @param pageCode the page code
         * @param page the page body
         * @return this
         */
        public Builder page(int pageCode, VpdPage page) {
            if (pageCode == PAGE_SUPPORTED || pageCode == PAGE_SERIAL || pageCode == PAGE_DEVICE_ID
                    || pageCode == PAGE_EXTENDED) {
                throw new IllegalArgumentException(String.format("VPD page %02Xh is built in", pageCode));
            }
            if (pageCode < 0 || pageCode > 0xFF) {
                throw new IllegalArgumentException("page code " + pageCode);
            }
            pages.put(pageCode, Objects.requireNonNull(page));
            return this;
        }

        /** @return the INQUIRY responder */
        public Inquiry build() {
            return new Inquiry(this);
        }
    }
}
